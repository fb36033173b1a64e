"""Browser test: Derby's area manager filters the report by locality, reads a
chart (axe passes; the table beside it holds the chart's numbers) and
downloads its CSV, whose figures are the page's.

The browser tests share one database, so the figures read here are seeded
straight into it for a year no other test touches (2013): Derby families with
referrals to Children's Social Care, two in North and one in South."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import fill_date
from tests.support.sql import fetch

YEAR = 2013
TITLE = "Escalations to Children's Social Care"


def seed(database_url: str, year: int = YEAR) -> None:
    """Families with escalations in a year: North 2, South 1, in one statement."""
    fetch(
        database_url,
        "WITH manager AS ("
        "  SELECT id FROM portal_user WHERE email LIKE 'derby.manager%'"
        "  OR roles LIKE '%derby.area_manager%' ORDER BY id LIMIT 1),"
        " made AS ("
        "  INSERT INTO family (area, locality, address_line_1, address_line_2, town, postcode,"
        "  created_at, updated_at, statutory_lead, status, closure_reason, restricted, version)"
        "  SELECT 'derby', locality, '', '', '', '', at, at, '', 'open', '', false, 1"
        "  FROM unnest($1::text[], $2::timestamptz[]) AS t(locality, at)"
        "  RETURNING id, created_at)"
        " INSERT INTO social_care_referral (family, children, reason, consent_sought,"
        " consent_detail, destination, contact, referred_by, referred_at)"
        " SELECT made.id, '[]', 'worry', 'no', '', 'Social care', '', manager.id, made.created_at"
        " FROM made, manager",
        ["north", "north", "south"],
        [datetime(year, month, 10, 12, tzinfo=UTC) for month in (3, 5, 7)],
    )


def test_a_manager_filters_reads_a_chart_and_downloads_its_figures(
    page: Page, base_url: str, e2e_database_url: str
) -> None:
    sign_in(page, base_url, "derby.manager", path="/reports")
    expect(page.get_by_role("heading", level=1, name="Reports")).to_be_visible()
    check_accessibility(page)
    seed(e2e_database_url)

    fill_date(page, "From", date(YEAR, 1, 1))
    fill_date(page, "To", date(YEAR, 12, 31))
    page.get_by_label("Locality", exact=True).select_option(label="North")
    page.get_by_role("button", name="Show figures").click()
    expect(
        page.get_by_role("heading", name="Derby City, North: 1 January 2013 to 31 December 2013")
    ).to_be_visible()
    assert "locality=north" in page.url  # htmx pushed the filters: the page can be bookmarked
    check_accessibility(page)

    section = page.locator("section", has=page.get_by_role("heading", name=TITLE, exact=True))
    chart = section.get_by_role("img", name=f"{TITLE}: bar chart")
    expect(chart).to_be_visible()
    expect(section.locator("p").filter(has_text=f"{TITLE}. North: 2.")).to_be_visible()
    table = section.get_by_role("table", name=f"{TITLE}: the figures")
    labels = table.locator("tbody th").all_inner_texts()
    figures = table.locator("tbody td").all_inner_texts()
    assert dict(zip(labels, figures, strict=True)) == {"North": "2"}
    assert chart.locator(".app-report-value").all_text_contents() == figures

    with page.expect_download() as download:
        section.get_by_role("link", name=f"Download “{TITLE}” as a spreadsheet (CSV)").click()
    assert (
        download.value.suggested_filename == f"derby-escalations-{YEAR}-01-01-to-{YEAR}-12-31.csv"
    )
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [(r["Locality"], r["Row"], r["Value"], r["Shown as"]) for r in rows] == [
        ("North", label, figure, figure) for label, figure in zip(labels, figures, strict=True)
    ]

    # all localities again: South's one shows beside North's two
    page.get_by_label("Locality", exact=True).select_option(label="All localities")
    page.get_by_role("button", name="Show figures").click()
    expect(
        page.get_by_role(
            "heading", name="Derby City, all localities: 1 January 2013 to 31 December 2013"
        )
    ).to_be_visible()
    table = section.get_by_role("table", name=f"{TITLE}: the figures")
    expect(table.locator("tbody td")).to_have_text(["2", "1", "0", "0"])


def test_the_report_filters_without_javascript(
    page_without_js: Page, base_url: str, e2e_database_url: str
) -> None:
    """The filter form is a plain GET form: without JavaScript the whole page
    comes back with the figures (2012: a year the other test leaves alone)."""
    page = page_without_js
    seed(e2e_database_url, 2012)
    sign_in(page, base_url, "derby.manager", path="/reports")
    fill_date(page, "From", date(2012, 1, 1))
    fill_date(page, "To", date(2012, 12, 31))
    page.get_by_label("Locality", exact=True).select_option(label="South")
    page.get_by_role("button", name="Show figures").click()
    expect(
        page.get_by_role("heading", name="Derby City, South: 1 January 2012 to 31 December 2012")
    ).to_be_visible()
    assert "locality=south" in page.url
    section = page.locator("section", has=page.get_by_role("heading", name=TITLE, exact=True))
    table = section.get_by_role("table", name=f"{TITLE}: the figures")
    expect(table.locator("tbody td")).to_have_text(["1"])
    check_accessibility(page)
