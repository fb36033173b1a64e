"""The small trend chart of a goal's scores across reviews.

A pure function works out the drawing (coordinates in an SVG view box) and a
one-line summary; ``templates/taf/_trend.html`` draws it, so everything shown
goes through the template's autoescaping. The numbers are always shown beside
the chart too: the chart never carries meaning alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_SCORE, MAX_SCORE = 0, 10


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    score: int


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    points: tuple[ChartPoint, ...]
    gridlines: tuple[tuple[float, int], ...]  # (y, score) for 0, 5 and 10
    left: float  # where the plotting area starts and ends across
    right: float
    summary: str

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def trend_summary(scores: Sequence[int]) -> str:
    """A sentence saying what the chart shows, e.g. "Rose from 3 to 6 over 3 reviews"."""
    if not scores:
        return "No scores yet"
    first, last, count = scores[0], scores[-1], len(scores)
    if count == 1:
        return f"Scored {first} out of 10 at 1 review"
    over = plural(count, "review")
    if last > first:
        return f"Rose from {first} to {last} over {over}"
    if last < first:
        return f"Fell from {first} to {last} over {over}"
    if all(s == first for s in scores):
        return f"Stayed at {first} over {over}"
    return f"Back to {first} after changing, over {over}"


def trend_chart(scores: Sequence[int], *, width: int = 240, height: int = 100) -> TrendChart:
    """Scores (0 to 10, oldest first) placed evenly across, 10 at the top."""
    scores = [min(MAX_SCORE, max(MIN_SCORE, int(s))) for s in scores]
    left, right, top, bottom = 24.0, width - 8.0, 8.0, height - 8.0

    def y_of(score: int) -> float:
        return round(bottom - (bottom - top) * score / MAX_SCORE, 2)

    if len(scores) == 1:
        xs = [round((left + right) / 2, 2)]
    else:
        step = (right - left) / max(1, len(scores) - 1)
        xs = [round(left + i * step, 2) for i in range(len(scores))]
    return TrendChart(
        width=width,
        height=height,
        points=tuple(ChartPoint(x, y_of(s), s) for x, s in zip(xs, scores, strict=True)),
        gridlines=tuple((y_of(s), s) for s in (MIN_SCORE, 5, MAX_SCORE)),
        left=left,
        right=right,
        summary=trend_summary(scores),
    )
