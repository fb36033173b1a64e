"""Helpers for Derby's browser tests: staffing the area's teams through the
/teams pages (as the demo area manager), a second user in a browser with
JavaScript turned off, completing an Early Help Assessment from its task list,
sending it to the Vulnerable Children's Meeting (VCM), and reading one's
notifications.

The browser tests share one portal and one database (without demo data), so
the team postings the Derby journeys need are made once, by the first test that
asks for them, and are left in place for the others."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.conftest import _CONTEXTS_WITHOUT_JS, check_accessibility, sign_in
from tests.e2e.families_helpers import Child, fill_date
from tests.e2e.practice_helpers import (
    ASSESSMENT_URL,
    complete_section,
    expect_status,
)
from tests.e2e.times import CLOCK
from tests.support.assessments import REQUIRED_SECTIONS

HANNAH = "Hannah Ashworth"  # derby.school, the practitioner
GRACE = "Grace Whitfield"  # derby.spa, SPA clerk for North
ELLIS = "Ellis Marsh"  # derby.lighthouse, The Lighthouse
PRIYA = "Priya Chandran"  # derby.mat, youth worker in the North MAT
MARCUS = "Marcus Bellamy"  # derby.vcm, VCM chair

NORTH_INBOX = "North SPA inbox"
LIGHTHOUSE = "The Lighthouse"
NORTH_MAT = "North Multi-Agency Team"
NORTH_VCM = "North Vulnerable Children's Meeting"
# (team as the Teams page names it, who, what they do there)
POSTINGS = (
    (NORTH_INBOX, GRACE, "SPA clerk, North locality"),
    (LIGHTHOUSE, ELLIS, "Referrals coordinator"),
    (NORTH_MAT, PRIYA, "Youth worker"),
)
# Everyone the journeys sign in as: each must have signed in once to be found.
STAFF_ACCOUNTS = ("derby.spa", "derby.lighthouse", "derby.mat", "derby.vcm")
SLOT = re.compile(rf"^\w+day \d{{1,2}} \w+ \d{{4}} at {CLOCK}$")

_staffed: list[bool] = []


# ------------------------------------------------------------ second users --


def _context_page(browser: Browser, *, java_script_enabled: bool) -> tuple[Page, BrowserContext]:
    context = browser.new_context(java_script_enabled=java_script_enabled, locale="en-GB")
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    if not java_script_enabled:
        _CONTEXTS_WITHOUT_JS.add(context)
    return context.new_page(), context


@contextmanager
def signed_in(
    browser: Browser, base_url: str, username: str, *, java_script: bool = True
) -> Iterator[Page]:
    """Someone at another computer, signed in; with JavaScript turned off if asked
    (axe then checks their pages the way conftest does for page_without_js)."""
    page, context = _context_page(browser, java_script_enabled=java_script)
    try:
        sign_in(page, base_url, username, check_pages=False)
        yield page
    finally:
        _CONTEXTS_WITHOUT_JS.discard(context)
        context.close()


# ------------------------------------------------------------ the teams --


def staff_the_teams(browser: Browser, base_url: str) -> None:
    """Once per test session: every Derby account signs in (so it exists), then
    the area manager posts the North SPA clerk, The Lighthouse's coordinator and
    the MAT youth worker through the Teams pages, checking each page with axe."""
    if _staffed:
        return
    for username in STAFF_ACCOUNTS:
        with signed_in(browser, base_url, username):
            pass
    with signed_in(browser, base_url, "derby.manager") as manager:
        manager.get_by_role("banner").get_by_role("link", name="Teams", exact=True).click()
        expect(manager.get_by_role("heading", level=1, name="Teams")).to_be_visible()
        check_accessibility(manager)
        for team, person, role in POSTINGS:
            post_to_team(manager, base_url, team, person, role)
        manager.goto(base_url + "/teams")
        for team, _, _ in POSTINGS:
            row = manager.locator(".govuk-summary-list__row").filter(
                has=manager.get_by_role("link", name=team, exact=True)
            )
            expect(row).to_contain_text(re.compile(r"\b[1-9]\d* members?\b"))
    _staffed.append(True)


def team_members(page: Page, team: str) -> Locator:
    return page.get_by_role("table", name=f"Members of {team}")


def post_to_team(page: Page, base_url: str, team: str, person: str, role: str) -> None:
    """From the Teams page: open the team, find the person, add them with their role."""
    page.goto(base_url + "/teams")
    page.get_by_role("link", name=team, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=team)).to_be_visible()
    members = team_members(page, team)
    if members.count() and members.get_by_role("row").filter(has_text=person).count():
        return  # posted already (a rerun against the same database)
    page.get_by_label("Find a practitioner in this area").fill(person.split()[0])
    page.get_by_role("button", name="Search").click()
    who = page.get_by_role("group", name="Who do you want to add?")
    expect(who).to_be_visible()
    check_accessibility(page)
    who.get_by_role("radio", name=person).check()
    roles = page.get_by_role("group", name="What do they do in the team?")
    if roles.count():
        roles.get_by_label(role, exact=True).check()
    else:
        page.get_by_label("What do they do in the team? (optional)").fill(role)
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_role("heading", level=1, name=team)).to_be_visible()
    row = team_members(page, team).get_by_role("row").filter(has_text=person)
    expect(row).to_contain_text(role)
    check_accessibility(page)


# ------------------------------------------------------------ the family --


def open_derby_page(page: Page, child: Child, *, check: bool = False) -> int:
    """From anywhere: the header's "Derby" link, then the family in "Your families";
    the family's id from the Derby page's address."""
    page.get_by_role("banner").get_by_role("link", name="Derby", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Early help in Derby")).to_be_visible()
    if check:
        check_accessibility(page)
    page.get_by_role("link", name=child.name).click()
    expect(
        page.get_by_role("heading", level=1, name="Early help in Derby for this family")
    ).to_be_visible()
    match = re.search(r"/derby/families/(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def complete_the_assessment(page: Page) -> None:
    """On an assessment's task list: complete every required section, then the
    assessment (no axe on the section forms: the practice tests check those)."""
    for slug in REQUIRED_SECTIONS:
        complete_section(page, slug)
    page.get_by_role("button", name="Complete the assessment").click()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", name="Assessment completed")).to_be_visible()


def start_and_complete_an_assessment(page: Page, child: Child) -> int:
    """From the family record (consents recorded): start the assessment for the
    only child, complete it; its id."""
    page.get_by_role("link", name="Start an Early Help Assessment").click()
    expect(
        page.get_by_role("heading", level=1, name="Start an Early Help Assessment")
    ).to_be_visible()
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url(ASSESSMENT_URL)
    match = ASSESSMENT_URL.search(page.url)
    assert match
    for slug in REQUIRED_SECTIONS:
        expect_status(page, slug, "Not started")
    complete_the_assessment(page)
    return int(match.group(2))


# ------------------------------------------------------------ the VCM --


def fill_submission(
    page: Page, request: str, *, disability: bool, consent: str = "Yes", parent: str = ""
) -> None:
    """The "Submit to the Vulnerable Children's Meeting" form, all but the button."""
    page.get_by_role("group", name="Does the child have a significant disability?").get_by_role(
        "radio", name=re.compile("^Yes" if disability else "^No")
    ).check()
    page.get_by_label("What help are you asking the meeting for?").fill(request)
    page.get_by_role(
        "group",
        name="Has the family agreed to the assessment being shared with the "
        "Vulnerable Children's Meeting?",
    ).get_by_label(consent, exact=True).check()
    page.get_by_role("group", name="Who gave consent?").get_by_label("A parent or carer").check()
    page.get_by_label("Their name").fill(parent)
    page.get_by_role("group", name="How was it given?").get_by_label("Written").check()
    fill_date(page, "When was consent given?", date.today() - timedelta(days=1))


def submit_to_the_vcm(page: Page) -> int:
    """Press "Submit to the VCM" and land on the request's page; its id."""
    page.get_by_role("button", name="Submit to the VCM").click()
    page.wait_for_url(re.compile(r"/derby/submissions/\d+$"))
    expect(
        page.get_by_role("heading", level=1, name="Request to the Vulnerable Children's Meeting")
    ).to_be_visible()
    return int(page.url.rsplit("/", 1)[1])


def where_it_is(page: Page) -> Locator:
    """The request page's panel saying where the request is."""
    return page.locator("#where")


def summary_value(page: Page, key: str) -> Locator:
    """A summary list row's value, by its key."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    )
    return row.locator("dd").first


def inbox_row(page: Page, child: Child) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=child.name))


def open_inbox(page: Page) -> None:
    page.get_by_role("banner").get_by_role("link", name="SPA inbox", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="SPA inbox")).to_be_visible()


# ------------------------------------------------------------ notifications --


def open_notification(page: Page, base_url: str, message: str) -> None:
    """From the header: the notifications page, then the newest one with this
    message (still unread), opened with its button."""
    page.goto(base_url + "/")
    header = page.get_by_role("banner")
    expect(
        header.get_by_role("link", name=re.compile(r"^Notifications \(\d+ unread\)$"))
    ).to_be_visible()
    header.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    notes = page.get_by_role("table", name=re.compile("^Your notifications"))
    row = notes.get_by_role("row").filter(has_text=message).first
    expect(row).to_contain_text("Unread")
    check_accessibility(page)
    row.get_by_role("button", name=re.compile("^Open")).click()
