"""What a report asks for and what each figure is: shared by the core's
measures and each area plugin's own (``portal_report_measures``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class ReportQuery:
    """One area's figures for a period (inclusive dates), optionally one locality."""

    area: str
    start: date
    end: date
    locality: str = ""  # a locality slug of the area, or "" for all


@dataclass(frozen=True)
class MeasureRow:
    label: str  # e.g. "Completed within 10 working days", "North", "No action"
    value: float
    # Optional denominator: a row with one is shown as "value of total (n%)".
    total: float | None = None


@dataclass(frozen=True)
class Measure:
    """One figure of a report: drawn as a bar chart, listed as a table, downloaded as CSV."""

    key: str  # unique within the report, used in ids and CSV file names ("derby-vcm-outcomes")
    title: str  # "VCM decisions by outcome"
    unit: str = "count"  # "count", "percent", "days" or "hours": how values are read
    rows: tuple[MeasureRow, ...] = field(default_factory=tuple)
    note: str = ""  # how the figure is counted, in plain words
