"""Derby's way to the weekly Vulnerable Children's Meeting (VCM), in a real
browser, as the demo Derby accounts: the area manager staffs the teams; a
practitioner (derby.school, Hannah Ashworth) records a pre-assessment that
concludes a full Early Help Assessment is needed, completes that assessment and
submits it with the family's consent; the North SPA clerk (derby.spa, Grace
Whitfield) places it on the next meeting's agenda, from the keyboard; the chair
(derby.vcm, Marcus Bellamy) records the attendance and allocates the family to
the North Multi-Agency Team's youth worker (derby.mat, Priya Chandran), and both
the practitioner and the youth worker see the outcome. A second family's child
has a significant disability: the request goes to The Lighthouse (derby.lighthouse,
Ellis Marsh), without JavaScript. A third request is returned as incomplete,
comes back to the practitioner with the reason, and is sent again.

Every page the journeys reach is checked with axe. Each test records its own
fictional family (see families_helpers.unique_surname)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from playwright.sync_api import Browser, Locator, Page, expect

from portal.assessments.sections import BY_SLUG
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.derby_helpers import (
    GRACE,
    HANNAH,
    NORTH_VCM,
    PRIYA,
    SLOT,
    complete_the_assessment,
    fill_submission,
    inbox_row,
    open_derby_page,
    open_inbox,
    open_notification,
    signed_in,
    staff_the_teams,
    start_and_complete_an_assessment,
    submit_to_the_vcm,
    summary_value,
    where_it_is,
)
from tests.e2e.families_helpers import Child, fill_date, unique_word
from tests.e2e.practice_helpers import (
    ASSESSMENT_URL,
    become_lead,
    expect_status,
    field,
    find_then_record_family,
    open_section,
    record_assessment_consents,
    tab_to,
)

NEEDS = BY_SLUG["needs"].questions[0].label  # the children's needs
EHA_NEEDED = "A full Early Help Assessment is needed"
ALLOCATE = "Allocate to a practitioner or service"


def derby_card(page: Page) -> Locator:
    """The Derby section on the core family record."""
    return page.get_by_role("region", name="Early help in Derby", exact=True)


def record_a_family_with_consents(page: Page, base_url: str, child: Child) -> int:
    """As the signed-in practitioner: find, record, lead, and record the consents."""
    family_id = find_then_record_family(page, base_url, child)
    become_lead(page)
    record_assessment_consents(page, child, check=False)
    return family_id


def pre_assessment_that_escalates(page: Page, child: Child, needs: str) -> None:
    """On the family's Derby page: a pre-assessment (first sent empty, to see the
    errors) that concludes a full Early Help Assessment is needed."""
    page.get_by_role("link", name="Start a pre-assessment").click()
    expect(
        page.get_by_role("heading", level=1, name="Derby Early Help Pre-Assessment")
    ).to_be_visible()
    child_group = page.get_by_role("group", name="Which child is the pre-assessment about?")
    expect(child_group.get_by_label(child.name)).to_be_checked()  # the only child
    check_accessibility(page)

    page.get_by_role("button", name="Save the pre-assessment").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the needs")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the single-agency action plan")).to_be_visible()
    expect(
        summary.get_by_role("link", name="Select what the pre-assessment concludes")
    ).to_be_visible()
    check_accessibility(page)
    summary.get_by_role("link", name="Enter the needs").click()
    expect(page.get_by_label("What are the child's low-level needs?")).to_be_focused()

    page.get_by_label("What are the child's low-level needs?").fill(needs)
    page.get_by_label("What are the family's strengths? (optional)").fill("Grandad helps daily")
    page.get_by_label("What does the child say? (optional)").fill("He wants more friends")
    page.get_by_label("What do the parents or carers say? (optional)").fill(
        "Dad is worried about money"
    )
    page.get_by_label("Single-agency action plan", exact=True).fill(
        "School: a mentor twice a week, from Monday, by the class teacher"
    )
    fill_date(page, "When will you review the plan?", date.today() + timedelta(days=42))
    page.get_by_role("group", name="What does the pre-assessment conclude?").get_by_label(
        EHA_NEEDED
    ).check()
    page.get_by_role("button", name="Save the pre-assessment").click()
    page.wait_for_url(re.compile(r"/derby/families/\d+/pre-assessments/\d+$"))
    expect(page.get_by_text(f"Recorded by {HANNAH} on")).to_be_visible()
    expect(page.get_by_label("What are the child's low-level needs?")).to_have_value(needs)
    check_accessibility(page)


def place_on_the_next_meeting_by_keyboard(clerk: Page, child: Child) -> str:
    """As the North SPA clerk, from the inbox: open the request and put it on the
    first meeting offered, from the keyboard only; that meeting's label."""
    open_inbox(clerk)
    row = inbox_row(clerk, child)
    expect(row).to_contain_text(HANNAH)
    expect(row).to_contain_text("With the SPA clerk for North")
    check_accessibility(clerk)
    row.get_by_role("link", name=child.name).click()
    expect(
        clerk.get_by_role(
            "heading", level=1, name="Check a request for the Vulnerable Children's Meeting"
        )
    ).to_be_visible()
    expect(summary_value(clerk, "Assessment")).to_contain_text("Completed")
    check_accessibility(clerk)

    meetings = clerk.get_by_role("group", name="Which North Vulnerable Children's Meeting?")
    first = meetings.get_by_role("radio").first
    slot = (meetings.locator("label").first.text_content() or "").strip()
    assert SLOT.match(slot), slot
    assert slot.startswith("Tuesday"), slot  # North meets on Tuesdays
    # The first one offered is the coming week's.
    held_on = datetime.strptime(slot.split(" ", 1)[1].split(" at ")[0], "%d %B %Y").date()
    assert 0 <= (held_on - date.today()).days <= 7, slot
    clerk.keyboard.press("Tab")
    skip = clerk.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    clerk.keyboard.press("Enter")
    tab_to(clerk, first)
    clerk.keyboard.press("Space")
    expect(first).to_be_checked()
    place = clerk.get_by_role("button", name="Place on the agenda")
    tab_to(clerk, place)
    clerk.keyboard.press("Enter")
    expect(clerk.get_by_role("status")).to_contain_text("The request is on the meeting's agenda")
    expect(inbox_row(clerk, child)).to_contain_text("On the agenda for " + slot.split(" at ")[0])
    check_accessibility(clerk)
    return slot


def chair_allocates_to_the_mat(chair: Page, base_url: str, child: Child, slot: str) -> None:
    """As the VCM chair: the meeting from "Meetings", the attendance, then the case's
    decision (from the keyboard): allocated to the North MAT's youth worker."""
    # Derby's overview of its four locality meetings.
    chair.get_by_role("banner").get_by_role("link", name="VCM meetings", exact=True).click()
    expect(
        chair.get_by_role("heading", level=1, name="Vulnerable Children's Meetings")
    ).to_be_visible()
    expect(chair.get_by_role("link", name=slot)).to_be_visible()
    check_accessibility(chair)

    chair.get_by_role("banner").get_by_role("link", name="Meetings", exact=True).click()
    expect(chair.get_by_role("heading", level=1, name="Meetings")).to_be_visible()
    series = chair.locator("section").filter(
        has=chair.get_by_role("heading", level=2, name=NORTH_VCM)
    )
    check_accessibility(chair)
    series.get_by_role("link", name=slot).click()
    expect(chair.get_by_role("heading", level=1, name=NORTH_VCM)).to_be_visible()
    expect(chair.get_by_text(slot, exact=True)).to_be_visible()  # the caption
    card = chair.locator(".govuk-summary-card").filter(
        has=chair.get_by_role("heading", level=3, name=re.compile(re.escape(child.name)))
    )
    expect(card).to_contain_text(f"Early Help Assessment, submitted by {HANNAH}")
    expect(card).to_contain_text("Not decided yet")
    check_accessibility(chair)
    meeting_url = chair.url

    # Who came: the youth worker, found by name.
    chair.get_by_role("link", name="Add someone to the attendance").click()
    expect(
        chair.get_by_role("heading", level=1, name="Add someone to the attendance")
    ).to_be_visible()
    chair.get_by_label("Find someone with a portal account").fill("Chandran")
    chair.get_by_role("button", name="Search").click()
    who = chair.get_by_role("group", name="Who is it?")
    who.get_by_role("radio", name=PRIYA).check()
    expect(
        chair.get_by_role("group", name="Did they come?").get_by_label("Present")
    ).to_be_checked()
    check_accessibility(chair)
    chair.get_by_role("button", name="Add to the attendance").click()
    chair.wait_for_url(re.compile(r"/meetings/\d+(#attendance)?$"))
    attendance = chair.get_by_role("table", name="Who came and who sent apologies")
    expect(attendance.get_by_role("row").filter(has_text=PRIYA)).to_contain_text("Present")

    # The decision: saved with nothing chosen, an error; then the allocation.
    card.get_by_role("link", name=re.compile("^Record the decision")).click()
    expect(
        chair.get_by_role("heading", level=1, name="Record the meeting's decision")
    ).to_be_visible()
    expect(chair.locator(".govuk-caption-l")).to_contain_text(child.name)
    check_accessibility(chair)
    chair.get_by_role("button", name="Save the decision").click()
    expect(chair).to_have_title(re.compile(r"^Error: "))
    summary = chair.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    check_accessibility(chair)

    # From the keyboard: the outcome (Space reveals its questions), what to do,
    # who (the arrow keys choose in the list), then Enter on the button.
    allocate = chair.get_by_role("group", name="What did the meeting decide?").get_by_label(
        ALLOCATE
    )
    tab_to(chair, allocate)
    chair.keyboard.press("Space")
    expect(allocate).to_be_checked()
    todo = chair.get_by_label("What the practitioner is to do")
    chair.keyboard.press("Tab")
    expect(todo).to_be_focused()
    chair.keyboard.type(
        "Youth work sessions weekly; a Team Around the Family meeting within 4 weeks"
    )
    allocated = chair.get_by_label("Allocated to")
    chair.keyboard.press("Tab")
    expect(allocated).to_be_focused()
    expect(allocated.locator("option", has_text=PRIYA)).to_have_text(f"{PRIYA} (Youth worker)")
    chosen = allocated.locator("option:checked")
    for _ in range(allocated.locator("option").count()):  # others may be in the team too
        chair.keyboard.press("ArrowDown")
        if (chosen.text_content() or "").strip() == f"{PRIYA} (Youth worker)":
            break
    expect(chosen).to_have_text(f"{PRIYA} (Youth worker)")
    check_accessibility(chair)
    tab_to(chair, chair.get_by_role("button", name="Save the decision"))
    chair.keyboard.press("Enter")
    chair.wait_for_url(re.compile(r"/meetings/\d+(#item-\d+)?$"))
    assert chair.url.split("#")[0] == meeting_url.split("#")[0]
    expect(card).to_contain_text(ALLOCATE)
    expect(card).to_contain_text(f"Allocated to {PRIYA}")
    expect(card.get_by_role("link", name=re.compile("^Record the decision"))).to_have_count(0)
    check_accessibility(chair)

    # The draft minutes to print: who came, the case and its decision.
    chair.get_by_role("link", name="Print the minutes").click()
    expect(chair.get_by_role("heading", level=1, name=f"Minutes: {NORTH_VCM}")).to_be_visible()
    expect(chair.get_by_role("listitem").filter(has_text=PRIYA)).to_be_visible()
    case = chair.locator(".app-print-section").filter(
        has=chair.get_by_role("heading", level=3, name=re.compile(re.escape(child.name)))
    )
    expect(case).to_contain_text(ALLOCATE)
    expect(case).to_contain_text("Youth work sessions weekly")
    check_accessibility(chair)
    assert child.surname not in chair.url


# ------------------------------------------------------------------- tests --


def test_a_pre_assessment_escalates_to_an_eha_that_the_vcm_allocates_to_the_mat(
    page: Page, browser: Browser, base_url: str
) -> None:
    staff_the_teams(browser, base_url)
    child = Child("Theodore")  # North, like the SPA clerk's posting
    needs = f"Theo is often late and hungry ({unique_word()})"
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    family_id = record_a_family_with_consents(page, base_url, child)

    # The family's Derby page, from the header.
    assert open_derby_page(page, child, check=True) == family_id
    expect(page.get_by_text("You are this family's Lead Practitioner.")).to_be_visible()
    expect(page.get_by_role("link", name="Submit to the VCM")).to_have_count(0)
    check_accessibility(page)

    # The pre-assessment concludes a full assessment is needed, and starts it
    # with its answers carried across.
    pre_assessment_that_escalates(page, child, needs)
    page.get_by_role("button", name="Start an Early Help Assessment").click()
    page.wait_for_url(ASSESSMENT_URL)
    expect(page.get_by_role("heading", level=1, name="Early Help Assessment")).to_be_visible()
    expect_status(page, "needs", "In progress")
    expect_status(page, "child_voice", "In progress")
    expect_status(page, "concerns", "Not started")
    open_section(page, "needs")
    expect(field(page, NEEDS)).to_have_value(needs)
    page.get_by_role("link", name="Back to the assessment").click()
    complete_the_assessment(page)
    check_accessibility(page)

    # The pre-assessment links to the assessment it started.
    open_derby_page(page, child)
    page.get_by_role("link", name=re.compile(f"^Pre-assessment for {child.name}")).click()
    expect(page.get_by_role("link", name="open the assessment")).to_be_visible()
    expect(page.get_by_role("button", name="Start an Early Help Assessment")).to_have_count(0)
    check_accessibility(page)

    # Submitted to the VCM through the North SPA clerk.
    open_derby_page(page, child)
    page.get_by_role("link", name="Submit to the VCM").click()
    expect(
        page.get_by_role("heading", level=1, name="Submit to the Vulnerable Children's Meeting")
    ).to_be_visible()
    expect(
        page.get_by_role("group", name="Which completed assessment are you submitting?")
        .get_by_role("radio")
        .first
    ).to_be_checked()  # the only completed one
    check_accessibility(page)
    request = "Support from the Multi-Agency Team for Theo and his dad"
    fill_submission(page, request, disability=False, parent=f"Daniel {child.surname}")
    submission_id = submit_to_the_vcm(page)
    expect(where_it_is(page)).to_have_text("With the SPA clerk for North")
    expect(summary_value(page, "Help asked for")).to_have_text(request)
    expect(summary_value(page, "Consent to share")).to_contain_text(f"Daniel {child.surname}")
    check_accessibility(page)
    assert child.surname not in page.url

    # The clerk places it on the next North meeting; the practitioner is told.
    with signed_in(browser, base_url, "derby.spa") as clerk:
        slot = place_on_the_next_meeting_by_keyboard(clerk, child)
        # Hannah's request: the clerk can see it, not work it again.
        clerk.goto(f"{base_url}/derby/inbox/{submission_id}")
        expect(clerk.get_by_role("main")).to_contain_text(
            "It is now: On the agenda for " + slot.split(" at ")[0]
        )
        expect(clerk.get_by_role("button", name="Place on the agenda")).to_have_count(0)
        check_accessibility(clerk)
    page.goto(f"{base_url}/derby/submissions")
    expect(page.get_by_role("heading", level=1, name="My VCM submissions")).to_be_visible()
    expect(inbox_row(page, child)).to_contain_text("On the agenda for " + slot.split(" at ")[0])
    check_accessibility(page)

    with signed_in(browser, base_url, "derby.mat") as priya:
        # Until the meeting allocates the family, the youth worker cannot open it.
        refused = priya.goto(f"{base_url}/families/{family_id}")
        assert refused is not None and refused.status == 403
        expect(
            priya.get_by_role(
                "heading", level=1, name="You do not have access to this family's record"
            )
        ).to_be_visible()
        hidden = priya.goto(f"{base_url}/derby/submissions/{submission_id}")
        assert hidden is not None and hidden.status == 404

        # The chair allocates the family to the MAT's youth worker.
        with signed_in(browser, base_url, "derby.vcm") as chair:
            chair_allocates_to_the_mat(chair, base_url, child, slot)

        # The practitioner is told, and sees the outcome.
        open_notification(
            page, base_url, "The Vulnerable Children's Meeting has decided a request you submitted"
        )
        page.wait_for_url(re.compile(rf"/derby/submissions/{submission_id}$"))
        expect(where_it_is(page)).to_have_text(f"Decided: {ALLOCATE}")
        expect(summary_value(page, "Decision")).to_contain_text("Youth work sessions weekly")
        expect(summary_value(page, "Allocated to")).to_have_text(PRIYA)
        expect(summary_value(page, "Meeting")).to_contain_text(f"{NORTH_VCM}, {slot}")
        check_accessibility(page)

        # So does the youth worker, who can now open the family's record.
        open_notification(
            priya, base_url, "The Vulnerable Children's Meeting has allocated a family to you"
        )
        priya.wait_for_url(re.compile(rf"/derby/submissions/{submission_id}$"))
        expect(where_it_is(priya)).to_have_text(f"Decided: {ALLOCATE}")
        check_accessibility(priya)
        priya.get_by_role("link", name="open the family's record").click()
        expect(priya.get_by_role("heading", level=1)).to_contain_text(f"{child.name}'s family")
        check_accessibility(priya)
        priya.goto(base_url + "/derby/allocations")
        expect(priya.get_by_role("heading", level=1, name="My allocations")).to_be_visible()
        mine = inbox_row(priya, child)
        expect(mine).to_contain_text("Youth work sessions weekly")
        check_accessibility(priya)


def test_a_child_with_a_significant_disability_goes_to_the_lighthouse_without_javascript(
    page_without_js: Page, browser: Browser, base_url: str
) -> None:
    staff_the_teams(browser, base_url)
    page = page_without_js
    child = Child("Ottilie")
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    family_id = record_a_family_with_consents(page, base_url, child)
    start_and_complete_an_assessment(page, child)

    # From the family record's Derby section.
    page.goto(f"{base_url}/families/{family_id}")
    expect(derby_card(page)).to_contain_text("No request made")
    derby_card(page).get_by_role("link", name="Submit to the VCM").click()
    expect(
        page.get_by_role("heading", level=1, name="Submit to the Vulnerable Children's Meeting")
    ).to_be_visible()
    check_accessibility(page)

    # Without the family's consent nothing is sent, and what was typed is kept.
    request = f"Short breaks and a key worker for Ottilie ({unique_word()})"
    fill_submission(page, request, disability=True, consent="No", parent=f"Ruth {child.surname}")
    page.get_by_role("button", name="Submit to the VCM").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    problem = "You can only submit to the meeting with the family's consent to share the assessment"
    expect(page.locator(".govuk-error-summary").get_by_role("link", name=problem)).to_be_visible()
    expect(page.get_by_label("What help are you asking the meeting for?")).to_have_value(request)
    expect(page.get_by_label("Yes: send it to The Lighthouse")).to_be_checked()
    check_accessibility(page)

    page.get_by_role(
        "group",
        name="Has the family agreed to the assessment being shared with the "
        "Vulnerable Children's Meeting?",
    ).get_by_label("Yes", exact=True).check()
    submit_to_the_vcm(page)
    expect(where_it_is(page)).to_have_text("With The Lighthouse")
    expect(summary_value(page, "Sent to")).to_have_text(
        "The Lighthouse (child with a significant disability)"
    )
    check_accessibility(page)

    # The consent to share is on the family's record.
    page.goto(f"{base_url}/families/{family_id}")
    sharing = page.get_by_role("table", name="Consent, newest first").get_by_role("row")
    expect(sharing.filter(has_text="Derby Vulnerable Children's Meeting")).to_contain_text("Given")

    # It is in The Lighthouse's inbox, not the North SPA clerk's.
    with signed_in(browser, base_url, "derby.spa") as grace:
        open_inbox(grace)
        expect(inbox_row(grace, child)).to_have_count(0)
    with signed_in(browser, base_url, "derby.lighthouse", java_script=False) as ellis:
        open_inbox(ellis)
        row = inbox_row(ellis, child)
        expect(row).to_contain_text("North (The Lighthouse)")
        expect(row).to_contain_text(HANNAH)
        check_accessibility(ellis)
        row.get_by_role("link", name=child.name).click()
        expect(summary_value(ellis, "Sent to")).to_have_text(
            "The Lighthouse: the child has a significant disability"
        )
        check_accessibility(ellis)
        # Nothing chosen: an error, then the first North meeting.
        ellis.get_by_role("button", name="Place on the agenda").click()
        expect(ellis).to_have_title(re.compile(r"^Error: "))
        summary = ellis.locator(".govuk-error-summary")
        expect(
            summary.get_by_role("link", name="Select the meeting to put the request on")
        ).to_be_visible()
        check_accessibility(ellis)
        meetings = ellis.get_by_role("group", name="Which North Vulnerable Children's Meeting?")
        meetings.get_by_role("radio").first.check()
        ellis.get_by_role("button", name="Place on the agenda").click()
        expect(ellis.get_by_role("status")).to_contain_text(
            "The request is on the meeting's agenda"
        )
        expect(inbox_row(ellis, child)).to_contain_text("On the agenda for Tuesday")
        check_accessibility(ellis)
        assert child.surname not in ellis.url
    page.goto(f"{base_url}/families/{family_id}")
    expect(
        derby_card(page).get_by_role("link", name=re.compile("^On the agenda for Tuesday"))
    ).to_be_visible()
    check_accessibility(page)
    page.goto(f"{base_url}/derby/families/{family_id}")
    vcm = page.locator("#vcm + dl.govuk-summary-list")
    expect(vcm).to_contain_text("On the agenda for Tuesday")
    check_accessibility(page)


def test_a_request_returned_as_incomplete_comes_back_with_the_reason(
    page: Page, browser: Browser, base_url: str
) -> None:
    staff_the_teams(browser, base_url)
    child = Child("Wilfred")
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    family_id = record_a_family_with_consents(page, base_url, child)
    start_and_complete_an_assessment(page, child)
    page.goto(f"{base_url}/derby/families/{family_id}/vcm/new")
    fill_submission(page, "Help", disability=False, parent=f"Mia {child.surname}")
    submission_id = submit_to_the_vcm(page)
    expect(where_it_is(page)).to_have_text("With the SPA clerk for North")

    reason = f"Say what help you want from the meeting, and since when ({unique_word()})"
    with signed_in(browser, base_url, "derby.spa") as clerk:
        open_notification(
            clerk, base_url, "A request for the Vulnerable Children's Meeting is waiting"
        )
        expect(
            clerk.get_by_role(
                "heading", level=1, name="Check a request for the Vulnerable Children's Meeting"
            )
        ).to_be_visible()
        # The newest "waiting" notification is this family's request.
        expect(clerk.locator(".govuk-caption-l")).to_have_text(child.name)
        # A return needs a reason.
        clerk.get_by_role("button", name="Return to the practitioner").click()
        expect(clerk).to_have_title(re.compile(r"^Error: "))
        summary = clerk.locator(".govuk-error-summary")
        summary.get_by_role("link", name="Enter why you are returning the request").click()
        expect(clerk.get_by_label("Why are you returning it?")).to_be_focused()
        check_accessibility(clerk)
        clerk.get_by_label("Why are you returning it?").fill(reason)
        clerk.get_by_role("button", name="Return to the practitioner").click()
        expect(clerk.get_by_role("status")).to_contain_text(
            "The request has been returned to the practitioner with your reason"
        )
        expect(inbox_row(clerk, child)).to_have_count(0)
        check_accessibility(clerk)

    # The practitioner is told, and reads why.
    open_notification(
        page,
        base_url,
        "A request you sent to the Vulnerable Children's Meeting was returned to you",
    )
    page.wait_for_url(re.compile(rf"/derby/submissions/{submission_id}$"))
    expect(where_it_is(page)).to_have_text(f"Returned: {reason}")
    resubmit = page.locator("#resubmit ~ p").first
    expect(resubmit).to_have_text(f"Returned by {GRACE}: {reason}")
    check_accessibility(page)

    # She says more, and sends it back to the same inbox.
    page.get_by_label("What help are you asking the meeting for?").fill("")
    page.get_by_role("button", name="Resubmit to the VCM").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_accessibility(page)
    better = "A Multi-Agency Team worker for Wilfred: school refusal since September"
    page.get_by_label("What help are you asking the meeting for?").fill(better)
    page.get_by_role("button", name="Resubmit to the VCM").click()
    page.wait_for_url(re.compile(rf"/derby/submissions/{submission_id}$"))
    expect(where_it_is(page)).to_have_text("With the SPA clerk for North")
    expect(summary_value(page, "Help asked for")).to_have_text(better)
    expect(page.get_by_role("button", name="Resubmit to the VCM")).to_have_count(0)
    check_accessibility(page)

    with signed_in(browser, base_url, "derby.spa") as clerk:
        open_inbox(clerk)
        inbox_row(clerk, child).get_by_role("link", name=child.name).click()
        expect(summary_value(clerk, "Returned before")).to_have_text(
            f"1 time; last reason: {reason}"
        )
        expect(summary_value(clerk, "Help asked for")).to_have_text(better)
        check_accessibility(clerk)
