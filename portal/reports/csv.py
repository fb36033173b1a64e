"""A report's figures as CSV, exactly as the page shows them.

Spreadsheets run a cell as a formula when its first non-blank character is
= + - @, or it starts with a tab or carriage return, or (after a spreadsheet
splits it on its own separator) a part of it does: such a cell gets a leading
apostrophe (OWASP's CSV injection advice). Labels can come from data, such as
an organisation's name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from portal.areas import AreaDescription, Measure, ReportQuery
from portal.reports.chart import number_text, percent, value_text

HEADER = ("Area", "Locality", "From", "To", "Measure", "Row", "Value", "Of", "Percent", "Shown as")
# a formula character first (after blanks), a tab or CR first, or after a separator
FORMULA = re.compile(r"^[\t\r]|^\s*[=+\-@]|[,;|]\s*[=+\-@]")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # a plain negative number is no formula


def safe_cell(value: str) -> str:
    if NUMBER.fullmatch(value) or not FORMULA.search(value):
        return value
    return f"'{value}"


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
