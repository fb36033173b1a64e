"""Helpers for Derbyshire's browser tests: an Erewash family, the consent an
online referral to Starting Point needs, a completed Early Help Assessment,
posting the Lead Practitioner to the Erewash Early Help Team (through the
Teams pages, as the area manager), and Starting Point's forms.

The e2e database has no demo data: every account must sign in once before the
portal knows it, and the team posting is made here, as a manager would."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import _CONTEXTS_WITHOUT_JS, _new_context, check_accessibility, sign_in
from tests.e2e.families_helpers import Child, another_user, fill_date
from tests.e2e.practice_helpers import (
    become_lead,
    complete_section,
    find_then_record_family,
    record_assessment_consents,
    start_assessment,
)
from tests.e2e.times import CLOCK
from tests.support.assessments import REQUIRED_SECTIONS

TOM = "Tom Ridgeway"  # derbyshire.school, Larkspur Hill School, Erewash
OWEN = "Owen Castleton"  # derbyshire.sp, Starting Point
FIONA = "Fiona McAllister"  # derbyshire.senior, Senior Practitioner
RACHEL = "Rachel Oduya"  # derbyshire.eht, Erewash Early Help Team
HELEN = "Helen Price"  # derbyshire.vcm, Erewash VCM chair
EREWASH_EHT = "Erewash Early Help Team"
EREWASH_VCM = "Erewash Vulnerable Children's Meeting"
SHARING_CONSENT = "To sharing information with named agencies"
STARTING_POINT = "Starting Point"

SERVICE = "A service, for example support from the Early Help Team"
ADVICE = "Advice"
WITH_CONSENT = "The family consented to sharing with Starting Point"
NOT_SOUGHT = "Safeguarding concern: consent was not sought"
NO_EHA = "No completed Early Help Assessment"

GIVE_ADVICE = "Give information and advice"
REDIRECT = "Redirect to another service"
INITIAL_CONTACT = "Create an Initial Contact for a Senior Practitioner to screen"

TO_VCM = re.compile(r"Early Help Assessment and planning through a Lead Practitioner")
TO_SOCIAL_CARE = "Referral to Children's Social Care for assessment by a social worker"

# A request's page (just after sending: with ?sent=1, for the confirmation panel).
REQUEST_URL = re.compile(r"/derbyshire/requests/(\d+)(\?sent=1)?$")
# How the portal shows a moment: "22 November 2026 at 5:40pm" (the `when` filter).
WHEN = re.compile(rf"\d{{1,2}} [A-Z][a-z]+ \d{{4}} at {CLOCK}")


def erewash_child(given: str) -> Child:
    """A fictional child in Ilkeston, Erewash (a DE7 postcode)."""
    rng = random.SystemRandom()
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = f"DE7 {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    return Child(given, locality="Erewash", town="Ilkeston", postcode=postcode)


# ------------------------------------------------------------ accounts --


def sign_in_once(browser: Browser, base_url: str, *usernames: str) -> None:
    """Each account signs in once, so the portal knows it (to be found, posted, allocated)."""
    for username in usernames:
        with another_user(browser, base_url, username):
            pass


def post_to_erewash_team(page: Page, base_url: str, name: str, role: str) -> None:
    """As derbyshire.manager: Teams, the Erewash Early Help Team, find the
    practitioner and add them with their role (unless already posted)."""
    page.goto(base_url + "/teams")
    expect(page.get_by_role("heading", level=1, name="Teams")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name=EREWASH_EHT).click()
    expect(page.get_by_role("heading", level=1, name=EREWASH_EHT)).to_be_visible()
    members = page.get_by_role("table", name=f"Members of {EREWASH_EHT}")
    if members.count() and members.get_by_role("row").filter(has_text=name).count():
        return
    check_accessibility(page)
    page.get_by_label("Find a practitioner in this area").fill(name.split()[0])
    page.get_by_role("button", name="Search").click()
    who = page.get_by_role("group", name="Who do you want to add?")
    expect(who).to_be_visible()
    check_accessibility(page)
    who.get_by_role("radio", name=re.compile(f"^{name}")).check()
    page.get_by_role("group", name="What do they do in the team?").get_by_label(
        role, exact=True
    ).check()
    page.get_by_role("button", name="Add to the team").click()
    row = page.get_by_role("table", name=f"Members of {EREWASH_EHT}").get_by_role("row")
    expect(row.filter(has_text=name)).to_contain_text(role)
    check_accessibility(page)


# ------------------------------------------------------------ the family --


def record_sharing_consent(page: Page, child: Child, *, check: bool = False) -> None:
    """From the family record: consent to share with Starting Point (the agency
    the referral's consent gate looks for)."""
    page.get_by_role("link", name="Record consent").click()
    expect(page.get_by_role("heading", level=1, name="Record consent")).to_be_visible()
    if check:
        check_accessibility(page)
    page.get_by_label("Whose consent is this?").select_option(label=child.name)
    page.get_by_role("group", name="What is it for?").get_by_label(SHARING_CONSENT).check()
    page.get_by_label("Agencies information may be shared with (for sharing only)").fill(
        STARTING_POINT
    )
    page.get_by_label("A parent or carer").check()
    page.get_by_label("Their name").fill(f"Sarah {child.surname}")
    page.get_by_label("Written", exact=True).check()
    fill_date(page, "When?", date.today() - timedelta(days=2))
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_url(re.compile(r"/families/\d+(#.*)?$"))
    table = page.get_by_role("table", name="Consent, newest first")
    expect(table.get_by_role("row").filter(has_text=SHARING_CONSENT)).to_contain_text("Given")


def record_erewash_family(page: Page, base_url: str, child: Child, *, sharing: bool) -> int:
    """Find, record (in Erewash), become the lead and, if asked, record the
    consent to share with Starting Point; the family's id."""
    family_id = find_then_record_family(page, base_url, child)
    become_lead(page)
    if sharing:
        record_sharing_consent(page, child)
    return family_id


def complete_an_assessment(page: Page, child: Child) -> tuple[int, int]:
    """From the family record: the assessment consents, then an Early Help
    Assessment with every required section, completed as version 1."""
    record_assessment_consents(page, child, check=False)
    family_id, assessment_id = start_assessment(page, child)
    for slug in REQUIRED_SECTIONS:
        complete_section(page, slug)
    page.get_by_role("button", name="Complete the assessment").click()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", name="Assessment completed")).to_be_visible()
    return family_id, assessment_id


# ------------------------------------------------------------ requests --


def request_id_of(page: Page) -> int:
    match = REQUEST_URL.search(page.url)
    assert match, f"not on a Starting Point request: {page.url}"
    return int(match.group(1))


def open_referral_form(page: Page, base_url: str, child: Child, *, check: bool = False) -> None:
    """From "Send an online referral to Starting Point": the family's referral form."""
    page.goto(base_url + "/derbyshire/referral")
    expect(
        page.get_by_role("heading", level=1, name="Send an online referral to Starting Point")
    ).to_be_visible()
    if check:
        check_accessibility(page)
    page.get_by_role("link", name=f"Send a referral for {child.name}").click()
    expect(page.get_by_role("button", name="Send the referral")).to_be_visible()
    if check:
        check_accessibility(page)


def fill_referral(
    page: Page,
    child: Child,
    asking_for: str,
    details: str,
    *,
    assessment: str | re.Pattern[str] = NO_EHA,
    consent_basis: str = WITH_CONSENT,
    consent_detail: str = "",
) -> None:
    page.get_by_role("group", name="Which child is the request mainly about?").get_by_label(
        child.name
    ).check()
    page.get_by_role("group", name="What are you asking Starting Point for?").get_by_label(
        asking_for, exact=True
    ).check()
    page.get_by_label("What do you need, and why?").fill(details)
    page.get_by_role(
        "group", name="Which Early Help Assessment goes with the referral?"
    ).get_by_label(assessment).check()
    page.get_by_role("group", name="Consent to the referral").get_by_label(consent_basis).check()
    if consent_detail:
        page.get_by_label("Consent details").fill(consent_detail)


def send_referral(page: Page) -> int:
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(REQUEST_URL)
    expect(status(page)).to_have_text("With Starting Point")
    return request_id_of(page)


def status(page: Page) -> Locator:
    return page.locator("#request-status")


def open_request(page: Page, base_url: str, request_id: int) -> None:
    page.goto(f"{base_url}/derbyshire/requests/{request_id}")
    expect(
        page.get_by_role("heading", level=1, name=f"Starting Point request {request_id}")
    ).to_be_visible()


def triage(page: Page, outcome: str, detail: str, *, service: str = "") -> None:
    """On a new request, as Starting Point: what it will do, and why."""
    page.get_by_role("group", name="What will Starting Point do?").get_by_label(
        outcome, exact=True
    ).check()
    if service:
        page.get_by_label("If redirecting: which service?").fill(service)
    page.get_by_label("Information, advice or reasons").fill(detail)
    with page.expect_navigation():  # back to the request, or the form again with errors
        page.get_by_role("button", name="Record Starting Point's decision").click()


def screen(page: Page, outcome: str | re.Pattern[str], reasons: str) -> None:
    """On an Initial Contact, as the Senior Practitioner: the screening decision."""
    page.get_by_role("group", name="What does the child need?").get_by_label(outcome).check()
    page.get_by_label("Reasons for the decision").fill(reasons)
    with page.expect_navigation():
        page.get_by_role("button", name="Record the screening decision").click()


def queue_row(page: Page, request_id: int) -> Locator:
    """A request's row in Starting Point's queue."""
    return page.locator(f"#queue-row-{request_id}")


def referrer_told(page: Page) -> Locator:
    return page.locator("#referrer-told")


def my_request_row(page: Page, request_id: int) -> Locator:
    table = page.get_by_role("table", name="Requests you have sent")
    return table.get_by_role("row").filter(
        has=page.get_by_role("link", name=f"Request {request_id}", exact=True)
    )


@contextmanager
def another_user_without_js(browser: Browser, base_url: str, username: str) -> Iterator[Page]:
    """A second person at another computer, with JavaScript turned off."""
    context = _new_context(browser, java_script_enabled=False)
    _CONTEXTS_WITHOUT_JS.add(context)  # so check_accessibility checks it the no-JS way
    try:
        page = context.new_page()
        sign_in(page, base_url, username, check_pages=False)
        yield page
    finally:
        _CONTEXTS_WITHOUT_JS.discard(context)
        context.close()
