"""Browser tests for two features with integration tests only until now, each
walked with JavaScript and without, axe on every page reached:

- drift on the caseload (issue 19): a family whose goal has not moved on the
  scaling question over the last two reviews is tagged "Drift" with the reason,
  a note above the table says drift and delay must be avoided, and the
  "Drifting" filter lists it; a family whose score rose is not tagged;
- what a shared copy of an assessment says about itself (issue 20, item 14):
  the print view's "About this assessment", with the assessor and how to reach
  them, the versions, and the family's consents.

The families are recorded through the browser as derby.school (Hannah Ashworth);
the TAF meetings and scores are seeded straight into the browser tests' database
(recording reviews through the browser is walked in test_practice_workflow.py).
The tests share one portal and database, so each family has its own surname and
nothing here depends on how many other families there are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.conftest import in_fresh_loop
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import Child, record_family
from tests.e2e.practice_helpers import (
    become_lead,
    caseload_row,
    record_assessment_consents,
    start_assessment,
)

BOTH_WAYS = [
    pytest.param("page", id="with-js"),
    pytest.param("page_without_js", id="without-js"),
]

HANNAH = "Hannah Ashworth"  # derby.school, as devidp/accounts.json has her
HANNAH_ORGANISATION = "Oakfield Lane Primary School, Derby (fictional)"
HANNAH_EMAIL = "hannah.ashworth@oakfield-lane-primary.example"
STALLED = "No goal has moved on the scaling question over the last two reviews"
DRIFT_NOTE = "Drift and delay must be avoided"
DRIFTING = "Drifting: no progress, goals changing or review overdue"


# ------------------------------------------------------------ seeding --


def seed_plan(database_url: str, family_id: int, scores: list[int]) -> None:
    """One goal, a TAF meeting then a review every six weeks up to yesterday, the
    goal scored at each; recorded by the family's lead practitioner. The last
    meeting's next review is weeks away, so no review is overdue."""
    today = date.today()
    first = today - timedelta(weeks=6 * (len(scores) - 1), days=1)

    async def run() -> None:
        connection = await asyncpg.connect(database_url, timeout=10)
        try:
            async with connection.transaction():
                lead = await connection.fetchval(
                    "SELECT lead_practitioner FROM family WHERE id = $1", family_id
                )
                assert lead is not None, "the family has no lead practitioner"
                now = datetime.now(UTC)
                goal = await connection.fetchval(
                    "INSERT INTO family_goal (family, text, how_we_will_know, created_by,"
                    " created_at, updated_at) VALUES ($1, $2, '', $3, $4, $4) RETURNING id",
                    family_id,
                    "Gets to school on time every day",
                    lead,
                    now,
                )
                for n, score in enumerate(scores):
                    held = first + timedelta(weeks=6 * n)
                    meeting = await connection.fetchval(
                        "INSERT INTO taf_meeting (family, kind, held_on, chair, minutes,"
                        " next_review_on, recorded_by, recorded_at)"
                        " VALUES ($1, $2, $3, $4, '', $5, $6, $7) RETURNING id",
                        family_id,
                        "taf" if n == 0 else "review",
                        held,
                        HANNAH,
                        held + timedelta(weeks=6),
                        lead,
                        datetime(held.year, held.month, held.day, 15, tzinfo=UTC),
                    )
                    await connection.execute(
                        "INSERT INTO family_goal_score (meeting, goal, score, comment)"
                        " VALUES ($1, $2, $3, '')",
                        meeting,
                        goal,
                        score,
                    )
        finally:
            await connection.close()

    in_fresh_loop(run())


def record_led_family(page: Page, base_url: str, child: Child) -> int:
    """Record the family through the browser and take the lead on it."""
    family_id = record_family(page, base_url, child)
    become_lead(page)
    return family_id


# ------------------------------------------------------------ the caseload --


def drift_tag(row: Locator) -> Locator:
    return row.locator("strong.govuk-tag--orange", has_text="Drift")


def expect_drifting(row: Locator) -> None:
    expect(row).to_be_visible()
    expect(drift_tag(row)).to_have_text("Drift")
    expect(row.locator("ul.app-drift li", has_text=STALLED)).to_have_text(STALLED)


def expect_not_drifting(row: Locator) -> None:
    expect(row).to_be_visible()
    expect(drift_tag(row)).to_have_count(0)
    expect(row.locator("ul.app-drift")).to_have_count(0)


@pytest.mark.parametrize("fixture", BOTH_WAYS)
def test_a_family_with_no_progress_over_two_reviews_is_flagged_and_filtered_as_drifting(
    fixture: str, request: pytest.FixtureRequest, base_url: str, e2e_database_url: str
) -> None:
    page: Page = request.getfixturevalue(fixture)
    sign_in(page, base_url, "derby.school")
    stuck = Child(given="Ruby")
    moving = Child(given="Oscar")
    seed_plan(e2e_database_url, record_led_family(page, base_url, stuck), [4, 4, 4])
    seed_plan(e2e_database_url, record_led_family(page, base_url, moving), [4, 4, 6])

    # The home page: the stuck family is tagged with the reason, the other is not.
    page.goto(base_url + "/")
    expect(page.get_by_role("heading", level=2, name="Your caseload")).to_be_visible()
    expect_drifting(caseload_row(page, stuck))
    expect_not_drifting(caseload_row(page, moving))
    expect(page.locator("#drift-note")).to_contain_text(DRIFT_NOTE)
    check_accessibility(page)

    # The "Drifting" filter: the stuck family is there, the moving one is not,
    # and every family it lists is tagged.
    page.get_by_label("Show", exact=True).select_option(label=DRIFTING)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#caseload [role=status]")).to_contain_text(DRIFTING.lower())
    # htmx swaps the table on the change and again on the submit; without
    # JavaScript the form's own GET loads the page.
    page.wait_for_load_state("networkidle" if fixture == "page" else "load")
    assert "show=drift" in page.url  # pushed by htmx, or the form's own GET
    expect(page.get_by_label("Show", exact=True)).to_have_value("drift")
    expect_drifting(caseload_row(page, stuck))
    expect(caseload_row(page, moving)).to_have_count(0)
    table = page.get_by_role("table", name="Your families and what is due")
    rows = table.locator("tbody tr")
    for i in range(rows.count()):
        expect(drift_tag(rows.nth(i))).to_have_count(1)
    expect(page.locator("#drift-note")).to_contain_text(DRIFT_NOTE)
    check_accessibility(page)

    # The filtered address works on its own (a bookmark, or a page reloaded).
    page.goto(base_url + "/?show=drift")
    expect_drifting(caseload_row(page, stuck))
    expect(caseload_row(page, moving)).to_have_count(0)
    check_accessibility(page)


# ------------------------------------------------------------ shared copies --


def about_row(page: Page, key: str) -> Locator:
    """A row of the print view's "About this assessment"."""
    section = page.locator(".app-print-section").filter(
        has=page.get_by_role("heading", level=2, name="About this assessment")
    )
    return section.locator(".govuk-summary-list__row").filter(has=page.locator("dt", has_text=key))


@pytest.mark.parametrize("fixture", BOTH_WAYS)
def test_the_print_view_says_who_assessed_the_versions_and_the_consents(
    fixture: str, request: pytest.FixtureRequest, base_url: str
) -> None:
    page: Page = request.getfixturevalue(fixture)
    sign_in(page, base_url, "derby.school", check_pages=False)
    child = Child(given="Poppy")
    record_family(page, base_url, child, check=True)
    record_assessment_consents(page, child)
    family_id, assessment_id = start_assessment(page, child)

    page.goto(f"{base_url}/families/{family_id}/assessments/{assessment_id}/print")
    expect(page.get_by_role("heading", level=1, name="Early Help Assessment")).to_be_visible()
    expect(page.get_by_text(f"For {child.name}")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="About this assessment")).to_be_visible()

    assessor = about_row(page, "Assessor").locator("dd")
    expect(assessor).to_contain_text(f"{HANNAH}, {HANNAH_ORGANISATION}")
    email = assessor.get_by_role("link", name=HANNAH_EMAIL)
    expect(email).to_have_attribute("href", f"mailto:{HANNAH_EMAIL}")

    expect(about_row(page, "Versions").locator("dd")).to_have_text("Not yet completed")

    given_on = date.today() - timedelta(days=3)  # as record_assessment_consents gives
    on = f"{given_on.day} {given_on:%B %Y}"
    by = f"Given by Sarah {child.surname} (a parent or carer), written, on {on}"
    consents = about_row(page, "Consent").locator("dd li")
    expect(consents).to_have_text(
        [
            f"{child.name}: to keeping a record on the portal. {by}",
            f"{child.name}: to the early help assessment. {by}",
        ]
    )
    check_accessibility(page)
