"""Helpers for the practice-workflow browser tests: finding (then recording) a
family, the consents an assessment needs, filling Early Help Assessment sections
by their labels, ending a session the way an idle time-out does, moving through a
form from the keyboard, and the Team Around the Family's forms.

The section forms are filled from the same definitions the portal renders them
from (portal.assessments.sections), with the answers the integration tests use
(tests.support.assessments.SECTION_ANSWERS), so a question's label is written once."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.sync_api import Locator, Page, expect

from portal.assessments.sections import BY_SLUG, VULNERABILITY_FACTORS
from tests.e2e.conftest import check_accessibility
from tests.e2e.families_helpers import (
    Child,
    expect_record_of,
    fill_date,
    fill_household_and_child,
    record_consent,
    search,
    submit_new_family,
)
from tests.support.assessments import SECTION_ANSWERS
from tests.support.families import date_fields
from tests.support.sql import fetch

RECORD_CONSENT = "To keeping a record on the portal"
ASSESSMENT_CONSENT = "To the Early Help Assessment"
COMPLETED = "Yes, I've completed this section"
NOT_YET = "No, I'll come back to it later"
SECTION_URL = re.compile(r"/families/\d+/assessments/\d+/sections/[a-z_]+$")
ASSESSMENT_URL = re.compile(r"/families/(\d+)/assessments/(\d+)(\?.*)?(#.*)?$")
SESSION_COOKIE = "portal_session"  # over plain http (https adds the __Host- prefix)
PROVIDER_SESSION_COOKIES = re.compile(r"^devidp_")


def section_answers(slug: str) -> dict[str, Any]:
    """SECTION_ANSWERS for one section, with the child seen yesterday (a date
    that is always in the past, as the form requires)."""
    answers = dict(SECTION_ANSWERS[slug])
    if slug == "child_voice":
        answers.update(date_fields("seen_on", date.today() - timedelta(days=1)))
    return answers


# ------------------------------------------------------------ the family --


def find_then_record_family(page: Page, base_url: str, child: Child) -> int:
    """Find before create: search for the child, see no match, and record the
    family from the search (what was searched for is carried into the form)."""
    page.goto(base_url + "/families/find")
    search(page, child.given, child.surname, child.born)
    expect(page.get_by_role("heading", level=2, name="No match found")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Record a new family").click()
    expect(page.get_by_role("heading", level=1, name="Record a new family")).to_be_visible()
    expect(page.get_by_label("Last name", exact=True)).to_have_value(child.surname)
    check_accessibility(page)
    fill_household_and_child(page, child, names=False)
    family_id = submit_new_family(page)
    expect_record_of(page, child)
    return family_id


def become_lead(page: Page) -> None:
    page.get_by_role("button", name="Become the lead practitioner").click()
    expect(page.get_by_text("You can see this record because: you are the lead")).to_be_visible()


def record_assessment_consents(page: Page, child: Child, *, check: bool = True) -> None:
    """From the family record: the two consents the assessment gate asks for."""
    parent = f"Sarah {child.surname}"
    given_on = date.today() - timedelta(days=3)
    record_consent(page, child, RECORD_CONSENT, given_on, parent, check=check)
    record_consent(page, child, ASSESSMENT_CONSENT, given_on, parent, check=False)
    table = page.get_by_role("table", name="Consent, newest first")
    for purpose in (RECORD_CONSENT, ASSESSMENT_CONSENT):
        expect(table.get_by_role("row").filter(has_text=purpose)).to_contain_text("Given")


def start_assessment(page: Page, child: Child) -> tuple[int, int]:
    """From the family record: start an assessment for the (only) child today;
    returns (family id, assessment id) from the task list's address."""
    page.get_by_role("link", name="Start an Early Help Assessment").click()
    expect(
        page.get_by_role("heading", level=1, name="Start an Early Help Assessment")
    ).to_be_visible()
    group = page.get_by_role("group", name="Which child is the assessment for?")
    expect(group.get_by_label(child.name)).to_be_checked()  # the only child
    today = date.today()
    when = page.get_by_role("group", name="When did the assessment start?")
    expect(when.get_by_label("Day")).to_have_value(str(today.day))
    check_accessibility(page)
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url(ASSESSMENT_URL)
    expect(page.get_by_role("heading", level=1, name="Early Help Assessment")).to_be_visible()
    match = ASSESSMENT_URL.search(page.url)
    assert match
    return int(match.group(1)), int(match.group(2))


# ------------------------------------------------------------ the sections --


def task(page: Page, slug: str) -> Locator:
    """A section's row in the assessment's task list."""
    return page.locator(f"li#section-{slug}")


def expect_status(page: Page, slug: str, status: str) -> None:
    expect(task(page, slug).locator(".govuk-task-list__status")).to_have_text(status)


def open_section(page: Page, slug: str) -> None:
    """From the task list: follow the section's link."""
    title = BY_SLUG[slug].title
    task(page, slug).get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=title, exact=True)).to_be_visible()


def field(page: Page, label: str) -> Locator:
    return page.get_by_label(label, exact=True)


def fill_section(page: Page, slug: str, answers: dict[str, Any]) -> None:
    """Type each answer into the question with that label (not the completed radios)."""
    for q in BY_SLUG[slug].questions:
        if q.kind == "text" and q.name in answers:
            field(page, q.label).fill(answers[q.name])
        elif q.kind == "date" and f"{q.name}-year" in answers:
            value = date(
                int(answers[f"{q.name}-year"]),
                int(answers[f"{q.name}-month"]),
                int(answers[f"{q.name}-day"]),
            )
            fill_date(page, q.label, value)
        elif q.kind == "confirm" and answers.get(q.name) == "yes":
            field(page, q.label).check()
        elif q.kind == "scale" and q.name in answers:
            page.get_by_role("group", name=q.label).get_by_label(
                answers[q.name], exact=True
            ).check()
        elif q.kind == "factors":
            group = page.get_by_role("group", name=q.label)
            for factor in answers.get("factors", []):
                group.get_by_label(VULNERABILITY_FACTORS[factor], exact=True).check()
                detail = answers.get(f"detail_{factor}")
                if detail:
                    # each factor reveals its own "How does this apply?"
                    page.locator(f"textarea#detail_{factor}").fill(detail)


def completed_group(page: Page) -> Locator:
    return page.get_by_role("group", name="Have you completed this section?")


def save_and_continue(page: Page, *, completed: bool = True) -> None:
    """Answer "Have you completed this section?", press "Save and continue" and
    wait for the task list."""
    completed_group(page).get_by_label(COMPLETED if completed else NOT_YET).check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(ASSESSMENT_URL)
    expect(page.get_by_role("heading", level=1, name="Early Help Assessment")).to_be_visible()


def complete_section(page: Page, slug: str, *, check: bool = False) -> None:
    """From the task list: open a section, answer everything, mark it complete."""
    open_section(page, slug)
    if check:
        check_accessibility(page)
    fill_section(page, slug, section_answers(slug))
    save_and_continue(page)
    expect_status(page, slug, "Completed")


def expect_unsaved_banner(page: Page) -> Locator:
    banner = page.get_by_role("region", name="Unsaved changes")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("We kept what you typed on")
    expect(banner.get_by_role("button", name="Discard my unsaved changes")).to_be_visible()
    return banner


# ------------------------------------------------------------ time-outs --


def end_session_by_idle_time_out(page: Page, database_url: str, *, idle_minutes: int = 31) -> None:
    """Make this browser's portal session look idle for longer than the 30-minute
    limit, as if the practitioner had left the form open over lunch; the portal's
    own session check then ends it on the next request. The provider's session
    cookie goes too (a long break outlives both), so signing in again really asks
    for the password."""
    tokens = [c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    assert len(tokens) == 1, "expected one portal session cookie"
    token_hash = hashlib.sha256(tokens[0].encode()).hexdigest()
    long_ago = datetime.now(UTC) - timedelta(minutes=idle_minutes)
    changed = fetch(
        database_url,
        "UPDATE portal_session SET last_seen_at = $1 WHERE token_hash = $2 RETURNING id",
        long_ago,
        token_hash,
    )
    assert len(changed) == 1, "this browser's session was not found in the portal's database"
    page.context.clear_cookies(name=PROVIDER_SESSION_COOKIES)


# ------------------------------------------------------------ the keyboard --


def tab_to(page: Page, target: Locator, *, limit: int = 40, key: str = "Tab") -> int:
    """Press Tab (or Shift+Tab) until the target has focus; how many presses it took.
    Fails if the target is never reached: it is not in the tab order."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if target.evaluate("(element) => element === document.activeElement"):
            return presses
    raise AssertionError(f"{target} was not reached with {limit} presses of {key}")


# ------------------------------------------------------------ the caseload --


def caseload_row(page: Page, child: Child) -> Locator:
    """The child's family in "Your caseload" on the home page."""
    table = page.get_by_role("table", name="Your families and what is due")
    return table.get_by_role("row").filter(has=page.get_by_role("link", name=child.name))


# ------------------------------------------------------------ the team --


def add_contact_without_account(
    page: Page, name: str, organisation: str, role: str, email: str
) -> None:
    """From the team page: add an external contact (no portal account)."""
    page.get_by_role("link", name="Add a contact without a portal account").click()
    expect(
        page.get_by_role("heading", level=1, name="Add a contact without a portal account")
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Organisation (optional)").fill(organisation)
    page.get_by_label("Role (optional)").fill(role)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_role("heading", level=1, name="Team Around the Family")).to_be_visible()


def add_practitioner_to_the_team(page: Page, name: str, role: str) -> None:
    """From the team page: find a practitioner by name (oneself included) and add them."""
    page.get_by_role("link", name="Add a practitioner").click()
    expect(
        page.get_by_role("heading", level=1, name="Add a practitioner to the team")
    ).to_be_visible()
    page.get_by_label("Find a practitioner by name or email address").fill(name)
    page.get_by_role("button", name="Search").click()
    check_accessibility(page)
    page.get_by_role("group", name="Who do you want to add?").get_by_role(
        "radio", name=re.compile(f"^{name}")
    ).check()
    page.get_by_label("Their role in the team (optional)").fill(role)
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_role("heading", level=1, name="Team Around the Family")).to_be_visible()


def add_goal(page: Page, text: str, how_we_will_know: str, *, check: bool = False) -> None:
    """From the action plan: add a family goal."""
    page.get_by_role("link", name="Add a goal").click()
    expect(page.get_by_role("heading", level=1, name="Add a goal")).to_be_visible()
    if check:
        check_accessibility(page)
    page.get_by_label("The goal, in the family's words").fill(text)
    page.get_by_label("How will everyone know things are better?").fill(how_we_will_know)
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_role("heading", level=1, name="Action plan")).to_be_visible()


def add_action(
    page: Page, goal_number: int, what: str, owner: str, due_on: date, *, check: bool = False
) -> None:
    """From the action plan: agree an action for a goal, owned by a team member."""
    page.get_by_role("link", name=f"Add an action for goal {goal_number}").click()
    expect(page.get_by_role("heading", level=1, name="Add an action")).to_be_visible()
    if check:
        check_accessibility(page)
    page.get_by_label("What will be done?").fill(what)
    expect(page.get_by_label("Which goal is it for? (optional)")).to_have_value(re.compile(r"\d+"))
    who = page.get_by_label("Who will do it?")
    value = who.locator("option", has_text=owner).get_attribute("value")
    assert value, f"{owner!r} is not among the team members to choose from"
    who.select_option(value)
    fill_date(page, "By when?", due_on)
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("heading", level=1, name="Action plan")).to_be_visible()


def record_review(
    page: Page,
    base_url: str,
    family_id: int,
    held_on: date,
    scores: dict[int, int],
    *,
    attendees: tuple[str, ...] = (),
    next_review: date | None = None,
    check: bool = False,
) -> None:
    """Record a review meeting with a scaling score (0 to 10) for each goal number;
    the next review is left as the form suggests (6 weeks on) unless given."""
    page.goto(f"{base_url}/families/{family_id}/taf/meetings/new?kind=review")
    expect(page.get_by_role("heading", level=1, name="Record a review")).to_be_visible()
    if check:
        check_accessibility(page)
    fill_date(page, "When was the meeting?", held_on)
    page.get_by_label("Who chaired it?").fill("Hannah Ashworth")
    for attendee in attendees:
        page.get_by_role("group", name="Who came?").get_by_label(attendee).check()
    page.get_by_role("group", name="Did the family come?").get_by_label("Yes").check()
    for number, score in scores.items():
        page.get_by_role("group", name=f"Score for goal {number} (0 to 10)").get_by_label(
            str(score), exact=True
        ).check()
    page.get_by_label("Minutes").fill(f"Reviewed the plan together on {held_on:%d %B}.")
    if next_review is not None:
        fill_date(page, "When is the next review?", next_review)
    page.get_by_role("button", name="Save the review").click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile("^Review meeting on"))
    ).to_be_visible()
