"""CSV cells a spreadsheet would run as formulas are neutralised (OWASP CSV
injection), and plain values, negative numbers included, are left alone."""

from __future__ import annotations

import pytest

from portal.reports.csv import safe_cell


@pytest.mark.parametrize(
    "cell",
    ["=2+3", " =2+3", "\t=1", "+44 1332", "-2+3", "@SUM(A1)", "\rx", "a;=1+1;", "x, =1", "|=cmd"],
)
def test_a_formula_is_quoted(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["North", "-5", "12.5", "", "Smith-Jones", "a=b", "50%"])
def test_plain_values_are_kept(cell: str) -> None:
    assert safe_cell(cell) == cell
