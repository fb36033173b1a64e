"""Issue 20, item 11, in a real browser, with axe on every page reached: a
closed family no longer behaves as open.

Hannah Ashworth (derby.school) leads a family with a goal, an overdue action
and a review agreed. Closing its early help ends that work: the record says
no review while closed and how much was closed with the episode, the plan
shows the action "Closed with the episode" with no way to add or change
anything, a form's address typed in is refused with a plain page saying to
reopen, and Derby's "Submit to the VCM" is neither offered nor taken.
Reopening gives the action back (overdue again) and asks for a new review.
Without JavaScript, a form opened before someone closed the family is refused
when sent, and nothing is saved.

Each test records its own fictional family under a made-up surname."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import Child, unique_word
from tests.e2e.practice_helpers import (
    add_action,
    add_goal,
    add_practitioner_to_the_team,
    become_lead,
    find_then_record_family,
    record_review,
)

HANNAH = "Hannah Ashworth"
CLOSED = "This family's early help is closed. Reopen it to "


def a_family_with_a_plan(page: Page, base_url: str, child: Child, action: str) -> int:
    """Hannah records and leads a family, joins its team, agrees a goal and an
    action already overdue, and records a review agreeing the next one."""
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    family_id = find_then_record_family(page, base_url, child)
    become_lead(page)
    page.get_by_role("link", name="Team and meetings").click()
    add_practitioner_to_the_team(page, HANNAH, "Lead practitioner")
    page.get_by_role("link", name="Action plan and reviews").click()
    add_goal(page, f"{child.given} goes to school every day", "Attendance above 95%")
    add_action(page, 1, action, HANNAH, date.today() - timedelta(days=3))
    record_review(
        page,
        base_url,
        family_id,
        date.today() - timedelta(days=1),
        {1: 4},
        next_review=date.today() + timedelta(days=20),
    )
    return family_id


def close_from_the_record(page: Page, base_url: str, family_id: int) -> None:
    page.goto(f"{base_url}/families/{family_id}")
    page.get_by_role("link", name="Close the family's early help").click()
    expect(
        page.get_by_role("heading", level=1, name="Close the family's early help")
    ).to_be_visible()
    reasons = page.get_by_role("group", name="Why is the family's early help closing?")
    reasons.get_by_label("Needs met", exact=True).check()
    page.get_by_label("Closing summary").fill(f"Attendance is back above 95% ({unique_word()})")
    page.get_by_role("button", name="Close early help").click()
    page.wait_for_url(re.compile(rf"/families/{family_id}(#.*)?$"))


def expect_refused(page: Page, to: str) -> None:
    expect(
        page.get_by_role("heading", level=1, name="This family's early help is closed")
    ).to_be_visible()
    expect(page.locator("#episode-closed")).to_have_text(CLOSED + to + ".")
    expect(page.get_by_role("link", name="Go to the family's record")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)
    check_accessibility(page)


def test_closing_ends_the_plans_open_work_until_the_family_reopens(
    page: Page, base_url: str
) -> None:
    child = Child("Philippa")
    action = f"Walk {child.given} to school ({unique_word()})"
    family_id = a_family_with_a_plan(page, base_url, child, action)
    plan_url = f"{base_url}/families/{family_id}/taf/plan"
    page.goto(plan_url)
    expect(page.locator(".govuk-warning-text")).to_contain_text("1 action is overdue.")
    page.goto(f"{base_url}/families/{family_id}")
    expect(page.get_by_role("link", name="Submit to the VCM")).to_be_visible()

    close_from_the_record(page, base_url, family_id)
    taf = page.locator("#taf")
    review = taf.locator(".govuk-summary-list__row").filter(has_text="Next review")
    expect(review.get_by_role("definition")).to_have_text(
        "None while the family's early help is closed"
    )
    expect(taf).not_to_contain_text("overdue")
    in_twenty_days = date.today() + timedelta(days=20)
    expect(page.locator("#closure-open-work")).to_have_text(
        "1 open action was closed with the episode. The review due on "
        f"{in_twenty_days.day} {in_twenty_days:%B %Y} was cancelled."
    )
    expect(page.get_by_role("link", name="Submit to the VCM")).to_have_count(0)
    check_accessibility(page)

    # The plan is read-only: the action closed with the episode, nothing to add or change.
    page.get_by_role("link", name="Action plan and reviews").click()
    expect(page.get_by_role("heading", level=1, name="Action plan")).to_be_visible()
    row = (
        page.get_by_role("table", name="Actions for goal 1")
        .get_by_role("row")
        .filter(has_text=action)
    )
    expect(row).to_contain_text("Closed with the episode")
    expect(row.get_by_role("link", name="Update this action")).to_have_count(0)
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    for link in ("Add a goal", "Add an action", "Record a review"):
        expect(page.get_by_role("link", name=link)).to_have_count(0)
    expect(page.locator("#episode-closed")).to_contain_text("This family's early help is closed")
    expect(page.locator("#next-review")).to_contain_text(
        "none while the family's early help is closed"
    )
    check_accessibility(page)
    page.goto(f"{base_url}/families/{family_id}/taf")
    expect(page.get_by_role("link", name="Record a review")).to_have_count(0)
    expect(page.get_by_role("link", name="Record another meeting")).to_have_count(0)
    expect(page.get_by_text("(cancelled when early help closed)")).to_be_visible()
    check_accessibility(page)

    # A form's address typed in is refused, saying what reopening would allow.
    page.goto(f"{base_url}/families/{family_id}/taf/goals/new")
    expect_refused(page, "add or change the family's goals")
    page.goto(f"{base_url}/families/{family_id}/taf/meetings/new?kind=review")
    expect_refused(page, "record a meeting or a review")
    page.goto(f"{base_url}/derby/families/{family_id}")
    expect(page.locator("#vcm-closed")).to_contain_text(
        CLOSED + "submit a request to the Vulnerable Children's Meeting"
    )
    expect(page.get_by_role("link", name="Submit to the VCM")).to_have_count(0)
    check_accessibility(page)
    page.goto(f"{base_url}/derby/families/{family_id}/vcm/new")
    expect_refused(page, "submit a request to the Vulnerable Children's Meeting")

    # Reopening: the action is open (and overdue) again; a new review date is asked for.
    page.get_by_role("link", name="Go to the family's record").click()
    page.get_by_role("link", name="Reopen the family's early help").click()
    page.get_by_label("Why is the family's early help reopening?").fill(
        "Attendance has fallen again since the new term"
    )
    page.get_by_role("button", name="Reopen early help").click()
    page.wait_for_url(re.compile(rf"/families/{family_id}(#.*)?$"))
    review = page.locator("#taf .govuk-summary-list__row").filter(has_text="Next review")
    expect(review.get_by_role("definition")).to_have_text("Not agreed yet")
    history = page.locator("details").filter(has_text="Closures and reopenings")
    expect(history).to_contain_text(
        "1 open action was closed with the episode, and opened again when it reopened."
    )
    check_accessibility(page)
    page.goto(plan_url)
    row = (
        page.get_by_role("table", name="Actions for goal 1")
        .get_by_role("row")
        .filter(has_text=action)
    )
    expect(row).to_contain_text("Not started")
    expect(row).to_contain_text("Overdue")
    expect(row.get_by_role("link", name="Update this action")).to_be_visible()
    expect(page.get_by_role("link", name="Add a goal")).to_be_visible()
    expect(page.locator("#next-review")).to_contain_text("not agreed yet")
    expect(page.locator("#next-review")).to_contain_text(
        f"the review due on {in_twenty_days.day} {in_twenty_days:%B %Y} was cancelled"
    )
    check_accessibility(page)
    page.goto(f"{base_url}/families/{family_id}/taf")
    expect(page.get_by_text("record a review to agree the next one")).to_be_visible()
    expect(page.get_by_role("link", name="Record a review")).to_be_visible()
    check_accessibility(page)


def test_without_javascript_a_form_opened_before_the_family_closed_is_refused(
    page_without_js: Page, base_url: str
) -> None:
    page = page_without_js
    child = Child("Rosalind")
    action = f"Call the school nurse ({unique_word()})"
    family_id = a_family_with_a_plan(page, base_url, child, action)
    page.goto(f"{base_url}/families/{family_id}/taf/plan")
    row = (
        page.get_by_role("table", name="Actions for goal 1")
        .get_by_role("row")
        .filter(has_text=action)
    )
    row.get_by_role("link", name="Update this action").click()
    expect(page.get_by_role("heading", level=1, name="Update an action")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("group", name="Status").get_by_label("Done").check()
    note = f"The nurse called back ({unique_word()})"
    page.get_by_label("Progress (optional)").fill(note)

    # Meanwhile, in another tab, the family's early help is closed.
    other = page.context.new_page()
    close_from_the_record(other, base_url, family_id)
    other.close()

    page.get_by_role("button", name="Save").click()
    expect_refused(page, "update the actions in the family's plan")
    page.get_by_role("link", name="Go to the family's record").click()
    page.get_by_role("link", name="Action plan and reviews").click()
    row = (
        page.get_by_role("table", name="Actions for goal 1")
        .get_by_role("row")
        .filter(has_text=action)
    )
    expect(row).to_contain_text("Closed with the episode")
    expect(row).not_to_contain_text(note)  # nothing was saved
    check_accessibility(page)

    # The Derby page, without JavaScript, offers no submission either.
    page.goto(f"{base_url}/derby/families/{family_id}")
    expect(page.get_by_role("link", name="Submit to the VCM")).to_have_count(0)
    check_accessibility(page)
