"""A report's figures as CSV, exactly as the page shows them.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage
return) as a formula, so such a cell gets a leading apostrophe (OWASP's
CSV injection advice): labels can come from data, such as an organisation's name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from portal.areas import AreaDescription
from portal.reports.chart import number_text, percent, value_text
from portal.reports.contract import Measure, ReportQuery

HEADER = ("Area", "Locality", "From", "To", "Measure", "Row", "Value", "Of", "Percent", "Shown as")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_of(area: AreaDescription, query: ReportQuery, measures: Sequence[Measure]) -> str:
    names = {loc.slug: loc.name for loc in area.localities}
    locality = names.get(query.locality, "All localities") if query.locality else "All localities"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for measure in measures:
        for row in measure.rows:
            share = percent(row)
            cells = (
                area.name,
                locality,
                query.start.isoformat(),
                query.end.isoformat(),
                measure.title,
                row.label,
                number_text(row.value),
                "" if row.total is None else number_text(row.total),
                "" if share is None else str(share),
                value_text(measure, row),
            )
            writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()
