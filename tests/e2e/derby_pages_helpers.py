"""Helpers for the browser tests of Derby's support-request answer page, the
Pre-Assessment's review history and the core meeting schedule page: recording
a pre-assessment, asking the Multi-Agency Team (MAT) for low-level support,
finding a request in "My allocations", and a meeting series of the tests' own."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import check_accessibility
from tests.e2e.derby_helpers import HANNAH
from tests.e2e.families_helpers import fill_date
from tests.support.sql import fetch

PRE_URL = re.compile(r"/derby/families/\d+/pre-assessments/\d+$")
SINGLE_AGENCY = "Our single-agency action plan should meet the needs"


def record_pre_assessment(page: Page, needs: str, plan: str, *, check: bool = False) -> str:
    """On the family's Derby page: a pre-assessment that the single-agency plan
    should meet the needs; its address (path only)."""
    page.get_by_role("link", name="Start a pre-assessment").click()
    expect(
        page.get_by_role("heading", level=1, name="Derby Early Help Pre-Assessment")
    ).to_be_visible()
    if check:
        check_accessibility(page)
    page.get_by_label("What are the child's low-level needs?").fill(needs)
    page.get_by_label("Single-agency action plan", exact=True).fill(plan)
    fill_date(page, "When will you review the plan?", date.today() + timedelta(days=42))
    page.get_by_role("group", name="What does the pre-assessment conclude?").get_by_label(
        SINGLE_AGENCY
    ).check()
    page.get_by_role("button", name="Save the pre-assessment").click()
    page.wait_for_url(PRE_URL)
    expect(page.get_by_text(f"Recorded by {HANNAH} on")).to_be_visible()
    return "/" + page.url.split("/", 3)[3]


def ask_the_mat_for_support(page: Page, asked: str, consent_by: str) -> None:
    """On a pre-assessment's page: with the family's consent, ask the MAT for support."""
    page.get_by_role("group", name="Has the family agreed to the request being made?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Who gave consent?").fill(consent_by)
    page.get_by_label("What support are you asking for?").fill(asked)
    page.get_by_role("button", name="Request low-level support").click()
    page.wait_for_url(PRE_URL)
    expect(page.get_by_text("The request is with the North Multi-Agency Team")).to_be_visible()


def support_requests(page: Page) -> Locator:
    """The "Requests for low-level support" table on "My allocations"."""
    heading = page.get_by_role("heading", level=2, name=re.compile("^Requests for low-level"))
    expect(heading).to_be_visible()
    return page.locator("h2:has-text('Requests for low-level support') + table")


def support_row(page: Page, asked: str) -> Locator:
    return support_requests(page).get_by_role("row").filter(has_text=asked)


def open_my_allocations(page: Page) -> None:
    """From the header's "Derby" link, then "My allocations"."""
    page.get_by_role("banner").get_by_role("link", name="Derby", exact=True).click()
    page.get_by_role("link", name="My allocations").click()
    expect(page.get_by_role("heading", level=1, name="My allocations")).to_be_visible()


def reviews_table(page: Page) -> Locator:
    """The pre-assessment's review history: the table under the "Reviews" heading."""
    return page.locator("h2#reviews + table")


def add_meeting_series(database_url: str, key: str, title: str) -> int:
    """A Derby meeting series of this test's own, written straight into the
    browser tests' database (series are otherwise made only by the first case
    placed on a VCM agenda). Changing the North VCM's schedule instead would
    move the meetings the other Derby browser tests expect on Tuesdays."""
    rows = fetch(
        database_url,
        "INSERT INTO meeting_series"
        " (area, key, title, weekday, start_time, location, chair_roles, team, version)"
        " VALUES ('derby', $1, $2, 0, '09:30', 'Council House, Room 1', '', '', 1)"
        " RETURNING id",
        key,
        title,
    )
    return int(rows[0]["id"])
