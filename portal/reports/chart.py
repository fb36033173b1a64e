"""A measure drawn as a horizontal bar chart, and its figures in words.

Pure functions work out the drawing (coordinates in an SVG view box), the
text of each value and a one-sentence summary; ``templates/reports/_measure.html``
draws it through autoescaping (no inline styles: the CSP forbids them). The
same ``value_text`` feeds the page's table and the CSV, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.areas import Measure, MeasureRow

WIDTH = 640
ROW_HEIGHT = 46  # a label line above each bar
BAR_HEIGHT = 18
LABEL_CHARS = 80  # longer labels are shortened in the drawing; the table has them whole
VALUE_SPACE = 150  # room right of the longest bar for its value


def number_text(value: float) -> str:
    """12 -> "12"; 2.25 -> "2.3" (one decimal place unless whole)."""
    rounded = round(value, 1)
    return f"{int(rounded)}" if rounded == int(rounded) else f"{rounded:.1f}"


def percent(row: MeasureRow) -> int | None:
    if row.total is None:
        return None
    return round(100 * row.value / row.total) if row.total else 0


def value_text(measure: Measure, row: MeasureRow) -> str:
    """How the row's value reads: "8 of 10 (80%)", "45%", "3.5 days", "12"."""
    value = number_text(row.value)
    if measure.unit == "percent":
        value = f"{value}%"
    elif measure.unit in ("days", "hours"):
        word = measure.unit if row.value != 1 else measure.unit[:-1]
        value = f"{value} {word}"
    if row.total is not None:
        return f"{value} of {number_text(row.total)} ({percent(row)}%)"
    return value


def summary(measure: Measure) -> str:
    """One sentence saying what the chart shows."""
    if not measure.rows or all(r.value == 0 for r in measure.rows):
        return f"{measure.title}: none in this period."
    parts = [f"{r.label}: {value_text(measure, r)}" for r in measure.rows]
    return f"{measure.title}. " + "; ".join(parts) + "."


@dataclass(frozen=True)
class Bar:
    label: str  # shortened to fit
    value: str
    label_y: float
    bar_y: float
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: float
    bar_height: int
    bars: tuple[Bar, ...]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(measure: Measure) -> BarChart:
    """Bars in proportion to the largest value; shares (rows with a total) in
    proportion to their total, so 100% fills the width."""
    left, room = 8.0, WIDTH - 8.0 - VALUE_SPACE
    shares = bool(measure.rows) and all(r.total is not None for r in measure.rows)
    biggest = max((r.value for r in measure.rows), default=0) or 1
    bars = []
    for i, row in enumerate(measure.rows):
        fraction = (percent(row) or 0) / 100 if shares else row.value / biggest
        width = round(max(0.0, min(1.0, fraction)) * room, 1)
        top = i * ROW_HEIGHT
        bars.append(
            Bar(
                label=_short(row.label),
                value=value_text(measure, row),
                label_y=top + 16,
                bar_y=top + 22,
                width=width,
                value_x=left + width + 6,
            )
        )
    return BarChart(
        width=WIDTH,
        height=max(1, len(bars)) * ROW_HEIGHT,
        left=left,
        bar_height=BAR_HEIGHT,
        bars=tuple(bars),
    )
