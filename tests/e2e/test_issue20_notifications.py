"""Issue 20, items 6 and 7, in a real browser, with axe on every page reached:

6. In-portal notifications name the family and what was decided. Two
   Starting Point answers to the same referrer (derbyshire.school, Tom
   Ridgeway) no longer read the same: each row names its family and the advice
   given, and the notification's own page (where the email links) says so too,
   while the emails name nobody. In Derby, the Multi-Agency Team's youth worker
   (derby.mat, Priya Chandran, without JavaScript) is told which family's
   support request is waiting, and the practitioner (derby.school, Hannah
   Ashworth) which family's request was taken on, and how.
7. After sending a Starting Point referral (without JavaScript) the referrer
   gets a confirmation panel saying what happens next and by when; once
   Starting Point creates an Initial Contact he sees its 24-hour clock in "My
   requests" and on the family's record. The MAT's support-request page names
   the child.

Each test records its own fictional families under made-up surnames."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.derby_helpers import HANNAH, open_derby_page, signed_in, staff_the_teams
from tests.e2e.derby_pages_helpers import (
    ask_the_mat_for_support,
    record_pre_assessment,
    support_row,
)
from tests.e2e.derbyshire_helpers import (
    ADVICE,
    GIVE_ADVICE,
    INITIAL_CONTACT,
    SERVICE,
    WHEN,
    erewash_child,
    fill_referral,
    my_request_row,
    open_referral_form,
    open_request,
    record_erewash_family,
    send_referral,
    status,
    triage,
)
from tests.e2e.families_helpers import Child, another_user, unique_word
from tests.e2e.practice_helpers import (
    become_lead,
    find_then_record_family,
    record_assessment_consents,
)
from tests.support.sql import fetch

SP_OUTCOME = "A request you sent to Starting Point has an outcome"
MAT_WAITING = "A request for low-level support is waiting for your Multi-Agency Team"
MAT_TOOK_IT_ON = "A Multi-Agency Team member has taken on a request for support you made"
NOTIFICATION_OPEN = re.compile(r"/notifications/(\d+)/open$")


def notification_row(page: Page, base_url: str, child: Child) -> Locator:
    """From the header: the notifications page, and the row naming this child's family."""
    page.goto(base_url + "/")
    page.get_by_role("banner").get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    notes = page.get_by_role("table", name=re.compile("^Your notifications"))
    return notes.get_by_role("row").filter(has_text=f"Family: {child.name}")


def notification_id(row: Locator) -> int:
    action = row.locator("form").get_attribute("action") or ""
    match = NOTIFICATION_OPEN.search(action)
    assert match, action
    return int(match.group(1))


def emails_about(database_url: str, family_id: int) -> list[str]:
    """The subject and body of each email queued for a notification about the family."""
    rows = fetch(
        database_url,
        "SELECT e.subject, e.body FROM outbox_email e"
        " JOIN notification n ON n.id = e.notification WHERE n.family_id = $1",
        family_id,
    )
    return [f"{r['subject']}\n{r['body']}" for r in rows]


# ------------------------------------------------------------------- tests --


def test_two_starting_point_answers_name_their_families_and_the_advice(
    page: Page, browser: Browser, base_url: str, e2e_database_url: str
) -> None:
    sign_in(page, base_url, "derbyshire.school", path="/families/find", check_pages=False)
    word = unique_word()
    sent: list[tuple[Child, int, int, str]] = []  # (child, family, request, advice)
    for given, advice in (
        ("Juniper", f"The school nurse runs a sleep clinic on Tuesdays ({word})"),
        ("Lysander", f"The library's homework club is free on Thursdays ({word})"),
    ):
        child = erewash_child(given)
        family_id = record_erewash_family(page, base_url, child, sharing=True)
        open_referral_form(page, base_url, child)
        fill_referral(page, child, ADVICE, f"How can we help {given} settle at school?")
        sent.append((child, family_id, send_referral(page), advice))

    with another_user(browser, base_url, "derbyshire.sp") as owen:
        for _, _, request_id, advice in sent:
            open_request(owen, base_url, request_id)
            triage(owen, GIVE_ADVICE, advice)
            expect(status(owen)).to_have_text("Advice given")

    # Two notifications with the same message, each saying which family and what was said.
    rows = []
    for n, (child, _, _, advice) in enumerate(sent):
        row = notification_row(page, base_url, child)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(SP_OUTCOME)
        expect(row).to_contain_text("Unread")
        expect(row).to_contain_text(
            f"Outcome: Starting Point gave information and advice: {advice}"
        )
        other = sent[1 - n][0]
        expect(row).not_to_contain_text(other.surname)
        rows.append(row)
    check_accessibility(page)

    # The emails name no one and say nothing of the advice: they link to the notification.
    for child, family_id, _, advice in sent:
        queued = emails_about(e2e_database_url, family_id)
        assert queued, "an email is queued for the notification"
        for email in queued:
            for said in (child.given, child.surname, advice):
                assert said not in email, said

    # Where an email links: the notification's own page names the family and the advice.
    child, _, request_id, advice = sent[0]
    note_id = notification_id(notification_row(page, base_url, child))
    page.goto(f"{base_url}/notifications/{note_id}")
    expect(page.get_by_role("heading", level=1, name=SP_OUTCOME)).to_be_visible()
    expect(page.locator("#notification-family")).to_have_text(child.name)
    expect(page.locator("#notification-detail")).to_contain_text(advice)
    check_accessibility(page)
    page.get_by_role("button", name="Open", exact=True).click()
    expect(
        page.get_by_role("heading", level=1, name=f"Starting Point request {request_id}")
    ).to_be_visible()
    row = notification_row(page, base_url, child)
    expect(row).not_to_contain_text("Unread")
    check_accessibility(page)
    assert child.surname not in page.url


def test_the_referrer_is_told_what_happens_next_then_sees_the_24_hour_clock(
    page_without_js: Page, browser: Browser, base_url: str
) -> None:
    page = page_without_js
    child = erewash_child("Peregrine")
    sign_in(page, base_url, "derbyshire.school", path="/families/find", check_pages=False)
    family_id = record_erewash_family(page, base_url, child, sharing=True)

    # Without JavaScript: the referral, then the confirmation panel and what happens next.
    open_referral_form(page, base_url, child, check=True)
    fill_referral(page, child, SERVICE, "Attendance has fallen and dad asks for help")
    request_id = send_referral(page)
    panel = page.locator("#referral-sent")
    expect(panel.get_by_role("heading", name="Referral sent to Starting Point")).to_be_visible()
    expect(panel).to_contain_text(re.compile(rf"Your reference is\s*Request {request_id}\b"))
    next_steps = page.locator("#what-happens-next")
    expect(page.get_by_role("heading", level=2, name="What happens next")).to_be_visible()
    expect(next_steps).to_contain_text(
        re.compile("You should be told the outcome within 24 hours, by " + WHEN.pattern)
    )
    expect(next_steps).to_contain_text("a Senior Practitioner decides what the child needs")
    check_accessibility(page)
    page.goto(f"{base_url}/derbyshire/requests/{request_id}")  # later: no panel
    expect(page.locator("#referral-sent")).to_have_count(0)
    page.goto(base_url + "/derbyshire/requests")
    mine = my_request_row(page, request_id)
    expect(mine.get_by_role("cell").nth(4)).to_have_text(
        re.compile("^Not yet: due by " + WHEN.pattern)
    )
    check_accessibility(page)

    # Starting Point creates an Initial Contact: the 24-hour clock starts.
    with another_user(browser, base_url, "derbyshire.sp") as owen:
        open_request(owen, base_url, request_id)
        triage(owen, INITIAL_CONTACT, "Needs screening: attendance and dad's worries")
        expect(status(owen)).to_have_text("Initial Contact: screening")

    # The referrer sees the clock in his list (without JavaScript, as rendered) ...
    page.goto(base_url + "/derbyshire/requests")
    expect(page.get_by_role("heading", level=1, name="My Starting Point requests")).to_be_visible()
    state = my_request_row(page, request_id).get_by_role("cell").nth(3)
    expect(state).to_contain_text("Initial Contact: screening")
    expect(state).to_contain_text(re.compile("Screening decision due " + WHEN.pattern))
    expect(state).to_contain_text("On time")
    expect(state).to_contain_text(re.compile(r"2[34] hours( \d+ minutes?)? left"))
    check_accessibility(page)
    # ... and on the family's record, in Derbyshire's card.
    page.goto(f"{base_url}/families/{family_id}")
    latest = page.locator("#starting-point-latest")
    expect(latest).to_contain_text(f"Request {request_id}: Initial Contact: screening")
    expect(latest).to_contain_text(re.compile("Screening decision due " + WHEN.pattern))
    check_accessibility(page)

    # With JavaScript the list's clock keeps counting down.
    with another_user(browser, base_url, "derbyshire.school") as tom:
        tom.goto(base_url + "/derbyshire/requests")
        clock = my_request_row(tom, request_id).locator(".app-clock")
        expect(clock).to_have_text(re.compile(r"^2[34] hours( \d+ minutes?)? left$"))
        check_accessibility(tom)


def test_the_mat_is_told_which_family_and_its_support_request_page_names_the_child(
    page: Page, browser: Browser, base_url: str
) -> None:
    staff_the_teams(browser, base_url)
    child = Child("Ottoline")  # North, like the youth worker's MAT
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    find_then_record_family(page, base_url, child)
    become_lead(page)
    record_assessment_consents(page, child, check=False)
    open_derby_page(page, child)
    record_pre_assessment(page, "Ottoline is often late", "School: breakfast club daily")
    asked = f"A place in the MAT's morning routine group ({unique_word()})"
    ask_the_mat_for_support(page, asked, f"Sarah {child.surname}, mother")

    support = f"Weekly mentoring at school for six weeks ({unique_word()})"
    with signed_in(browser, base_url, "derby.mat", java_script=False) as priya:
        # Told which family's request is waiting.
        row = notification_row(priya, base_url, child)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(MAT_WAITING)
        check_accessibility(priya)
        row.get_by_role("button", name=re.compile("^Open")).click()
        expect(priya.get_by_role("heading", level=1, name="My allocations")).to_be_visible()

        # The answer page names the child.
        support_row(priya, asked).get_by_role(
            "link", name=f"Take this on or decline the request from {HANNAH}"
        ).click()
        expect(
            priya.get_by_role("heading", level=1, name="Respond to a request for low-level support")
        ).to_be_visible()
        expect(priya.locator("#support-child")).to_have_text(child.name)
        check_accessibility(priya)
        priya.get_by_label("What support will you give?").fill(support)
        priya.get_by_role("button", name="Take this on").click()
        priya.wait_for_url(re.compile(r"/derby/allocations\?taken=\d+$"))
        expect(priya.get_by_role("status")).to_contain_text(
            "You have taken on the request for support"
        )
        check_accessibility(priya)

    # The practitioner is told which family's request was taken on, and how.
    row = notification_row(page, base_url, child)
    expect(row).to_contain_text(MAT_TOOK_IT_ON)
    expect(row).to_contain_text(f"The support they will give: {support}")
    check_accessibility(page)
