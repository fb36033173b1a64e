"""The trend chart of a goal's review scores: where each point goes, and the
sentence that says what the chart shows (so it never carries meaning alone)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from portal.taf.chart import trend_chart, trend_summary


@pytest.mark.parametrize(
    ("scores", "summary"),
    [
        ([], "No scores yet"),
        ([4], "Scored 4 out of 10 at 1 review"),
        ([3, 5, 6], "Rose from 3 to 6 over 3 reviews"),
        ([8, 4], "Fell from 8 to 4 over 2 reviews"),
        ([5, 5, 5], "Stayed at 5 over 3 reviews"),
        ([5, 2, 5], "Back to 5 after changing, over 3 reviews"),
        ([0, 10], "Rose from 0 to 10 over 2 reviews"),
    ],
)
def test_the_summary_says_what_the_chart_shows(scores: list[int], summary: str) -> None:
    assert trend_summary(scores) == summary
    assert trend_chart(scores).summary == summary


def test_ten_is_at_the_top_and_zero_at_the_bottom() -> None:
    chart = trend_chart([0, 10], width=240, height=100)
    bottom, top = chart.points
    assert (bottom.score, top.score) == (0, 10)
    assert bottom.y == 92 and top.y == 8  # inside an 8-unit margin
    assert [value for _, value in chart.gridlines] == [0, 5, 10]
    assert [y for y, _ in chart.gridlines] == [92, 50, 8]


def test_reviews_are_spread_evenly_from_left_to_right_in_order() -> None:
    chart = trend_chart([3, 5, 6, 6])
    xs = [p.x for p in chart.points]
    assert xs[0] == chart.left and xs[-1] == chart.right
    gaps = [b - a for a, b in pairwise(xs)]
    assert max(gaps) - min(gaps) < 0.02  # evenly spaced (to the rounding)
    assert [p.score for p in chart.points] == [3, 5, 6, 6]
    assert chart.polyline == "24,66.8 93.33,50 162.67,41.6 232,41.6"


def test_a_single_review_is_a_point_in_the_middle() -> None:
    chart = trend_chart([7])
    (point,) = chart.points
    assert point.x == (chart.left + chart.right) / 2
    assert point.y == pytest.approx(92 - 84 * 0.7)


def test_no_scores_draw_nothing() -> None:
    chart = trend_chart([])
    assert chart.points == () and chart.polyline == ""


def test_scores_outside_the_scale_stay_on_the_chart() -> None:
    chart = trend_chart([-3, 14])
    assert [p.score for p in chart.points] == [0, 10]
    assert all(8 <= p.y <= 92 for p in chart.points)
