"""Derbyshire's Starting Point in a real browser, as the demo accounts (issue 6):
a school practitioner (derbyshire.school, Tom Ridgeway) sends an online referral
with a completed Early Help Assessment; Starting Point (derbyshire.sp) creates an
Initial Contact; the Senior Practitioner (derbyshire.senior) sees the 24-hour
clock and decides on allocation at the locality VCM; the Erewash VCM's chair
(derbyshire.vcm) allocates the case to a Lead Practitioner in the Erewash Early
Help Team (derbyshire.eht, posted there by derbyshire.manager on the Teams
pages); the referrer sees the outcome and when he was told. A second family's
requests are answered with advice and with a redirection (without JavaScript),
and a third is stepped up to Children's Social Care (the decision made from the
keyboard). Every page the tests reach is checked with axe.

The browser tests' database has no demo data, so each account signs in once to
exist, and each test records its own Erewash family under a made-up surname."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.derbyshire_helpers import (
    ADVICE,
    EREWASH_VCM,
    FIONA,
    GIVE_ADVICE,
    INITIAL_CONTACT,
    NOT_SOUGHT,
    OWEN,
    RACHEL,
    REDIRECT,
    SERVICE,
    TO_SOCIAL_CARE,
    TO_VCM,
    WHEN,
    another_user_without_js,
    complete_an_assessment,
    erewash_child,
    fill_referral,
    my_request_row,
    open_referral_form,
    open_request,
    post_to_erewash_team,
    queue_row,
    record_erewash_family,
    referrer_told,
    screen,
    send_referral,
    sign_in_once,
    status,
    triage,
)
from tests.e2e.families_helpers import another_user, unique_word
from tests.e2e.practice_helpers import tab_to

LEAD_PRACTITIONER = "Lead practitioner"
RACHEL_EMAIL = "rachel.oduya@derbyshire-county-demo.example"


def test_a_referral_with_an_assessment_is_screened_and_allocated_at_the_erewash_vcm(
    page: Page, browser: Browser, base_url: str
) -> None:
    # Rachel signs in once, so the area manager can find her and post her to
    # the Erewash Early Help Team, on the Teams pages.
    sign_in_once(browser, base_url, "derbyshire.eht")
    with another_user(browser, base_url, "derbyshire.manager") as manager:
        post_to_erewash_team(manager, base_url, RACHEL, LEAD_PRACTITIONER)

    # Tom records an Erewash family, their consent to share with Starting
    # Point, and completes an Early Help Assessment.
    child = erewash_child("Maisie")
    sign_in(page, base_url, "derbyshire.school", path="/families/find")
    family_id = record_erewash_family(page, base_url, child, sharing=True)
    complete_an_assessment(page, child)

    # The online referral: a mistake first (the page says what to fix), then sent.
    open_referral_form(page, base_url, child, check=True)
    assessment = page.get_by_role(
        "group", name="Which Early Help Assessment goes with the referral?"
    )
    version_1 = assessment.get_by_label(re.compile(f"for {child.name}, version 1"))
    expect(version_1).to_be_checked()  # the completed assessment is offered first
    page.get_by_role("button", name="Send the referral").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select what you are asking Starting Point for")
    expect(summary).to_contain_text("Enter what you need and why")
    check_accessibility(page)
    details = f"Attendance has fallen to 81% and mum asks for help ({unique_word()})"
    fill_referral(page, child, SERVICE, details, assessment=re.compile("version 1"))
    request_id = send_referral(page)
    expect(page.locator("#attached-assessment")).to_contain_text("Early Help Assessment, version 1")
    expect(referrer_told(page)).to_have_text("Not yet")
    # The referrer follows the request; only Starting Point decides it.
    expect(page.get_by_role("button", name="Record Starting Point's decision")).to_have_count(0)
    check_accessibility(page)

    # Starting Point sees it in the queue and creates an Initial Contact.
    with another_user(browser, base_url, "derbyshire.sp") as owen:
        owen.goto(base_url + "/derbyshire/starting-point")
        expect(owen.get_by_role("heading", level=1, name="Starting Point queue")).to_be_visible()
        row = queue_row(owen, request_id)
        expect(row).to_contain_text(child.name)
        expect(row).to_contain_text("Erewash")
        expect(row).to_contain_text("Not an Initial Contact yet")
        check_accessibility(owen)
        row.get_by_role("link", name=f"Request {request_id}").click()
        expect(owen.locator("#involvement")).to_be_visible()  # the family's history, to triage
        check_accessibility(owen)
        triage(owen, INITIAL_CONTACT, "Needs a Lead Practitioner: attendance and mum's low mood")
        expect(status(owen)).to_have_text("Initial Contact: screening")
        expect(owen.locator("#what-happened")).to_contain_text(OWEN)
        check_accessibility(owen)

    # The Senior Practitioner sees the 24-hour clock, then decides: allocate at the VCM.
    with another_user(browser, base_url, "derbyshire.senior") as fiona:
        fiona.goto(base_url + "/derbyshire/starting-point")
        row = queue_row(fiona, request_id)
        expect(row).to_contain_text("Initial Contact: screening")
        expect(row).to_contain_text("On time")
        expect(row).to_contain_text(re.compile(r"2[34] hours( \d+ minutes?)? left"))
        check_accessibility(fiona)
        open_request(fiona, base_url, request_id)
        clock = fiona.locator("#screening-clock")
        expect(clock).to_contain_text(re.compile(r"Screening decision due " + WHEN.pattern))
        expect(clock).to_contain_text("On time")
        check_accessibility(fiona)
        screen(fiona, TO_VCM, "Emerging needs; the family agree to work with the Early Help Team")
        expect(status(fiona)).to_have_text("To be allocated at the VCM")
        expect(fiona.locator("#screening-clock")).to_have_count(0)
        expect(fiona.locator("#vcm-placement")).to_contain_text(EREWASH_VCM)
        expect(fiona.locator("#what-happened")).to_contain_text(FIONA)
        check_accessibility(fiona)
        fiona.goto(base_url + "/derbyshire/starting-point")
        expect(queue_row(fiona, request_id)).to_have_count(0)  # screened: off the queue

    # Tom is told at once: the outcome so far, and when.
    page.goto(base_url + "/derbyshire/requests")
    expect(page.get_by_role("heading", level=1, name="My Starting Point requests")).to_be_visible()
    mine = my_request_row(page, request_id)
    expect(mine).to_contain_text("To be allocated at the VCM")
    expect(mine.get_by_role("cell").nth(4)).to_have_text(WHEN)  # told the outcome
    check_accessibility(page)

    # The Erewash VCM: its chair opens the agenda from the request and allocates
    # the case to Rachel, from the Erewash Early Help Team.
    with another_user(browser, base_url, "derbyshire.vcm") as helen:
        open_request(helen, base_url, request_id)
        check_accessibility(helen)
        helen.locator("#vcm-placement").get_by_role("link").click()
        expect(helen.get_by_role("heading", level=1, name=EREWASH_VCM)).to_be_visible()
        card = helen.locator(".govuk-summary-card").filter(has_text=child.name)
        expect(card).to_contain_text("Not decided yet")
        check_accessibility(helen)
        card.get_by_role("link", name=re.compile("^Record the decision")).click()
        expect(
            helen.get_by_role("heading", level=1, name="Record the meeting's decision")
        ).to_be_visible()
        check_accessibility(helen)
        helen.get_by_role("radio", name="Allocate to a Lead Practitioner").check()
        helen.locator("#decision-allocate").fill("Rachel leads the assessment and plan")
        helen.locator("#allocated_to-allocate").select_option(
            label=f"{RACHEL} ({LEAD_PRACTITIONER})"
        )
        check_accessibility(helen)  # the revealed questions
        helen.get_by_role("button", name="Save the decision").click()
        expect(helen.get_by_role("heading", level=1, name=EREWASH_VCM)).to_be_visible()
        card = helen.locator(".govuk-summary-card").filter(has_text=child.name)
        expect(card).to_contain_text("Allocate to a Lead Practitioner")
        expect(card).to_contain_text(f"Allocated to {RACHEL}")
        check_accessibility(helen)
        meeting_url = helen.url.split("#")[0]
        for printed in ("agenda", "minutes"):
            helen.goto(f"{meeting_url}/{printed}")
            expect(helen.get_by_text(child.name).first).to_be_visible()
            check_accessibility(helen)
        helen.goto(base_url + "/meetings")
        expect(helen.get_by_role("heading", level=2, name=EREWASH_VCM)).to_be_visible()
        check_accessibility(helen)

    # Tom sees the outcome, and the time he was first told.
    page.goto(base_url + "/derbyshire/requests")
    mine = my_request_row(page, request_id)
    expect(mine).to_contain_text("Allocated to a Lead Practitioner")
    told = mine.get_by_role("cell").nth(4)
    expect(told).to_have_text(WHEN)
    mine.get_by_role("link", name=f"Request {request_id}").click()
    expect(status(page)).to_have_text("Allocated to a Lead Practitioner")
    expect(page.locator("#what-happened")).to_contain_text(f"{RACHEL} (Lead Practitioner)")
    expect(referrer_told(page)).to_contain_text(WHEN)
    expect(referrer_told(page)).to_contain_text(
        f"Allocated at the Vulnerable Children's Meeting to {RACHEL}"
    )
    check_accessibility(page)
    page.goto(base_url + "/notifications")
    expect(
        page.get_by_role(
            "cell", name=re.compile("A request you sent to Starting Point has an outcome")
        )
    ).not_to_have_count(0)
    check_accessibility(page)

    # Tom, the family's lead, proposes Rachel as lead practitioner (the chair
    # cannot propose a new lead while a family has one; the plugin leaves them to
    # liaise), unless the allocation already asked her.
    page.goto(f"{base_url}/families/{family_id}")
    latest = page.locator("#starting-point-latest")  # Derbyshire's card on the record
    expect(latest).to_contain_text(f"Request {request_id}: Allocated to a Lead Practitioner")
    expect(latest).to_contain_text(re.compile("Referrer told " + WHEN.pattern))
    check_accessibility(page)
    if page.locator("#pending-transfer").count() == 0:
        page.get_by_role("link", name="Propose a new lead practitioner").click()
        expect(
            page.get_by_role("heading", level=1, name="Propose a new lead practitioner")
        ).to_be_visible()
        page.get_by_label("Their work email address").fill(RACHEL_EMAIL)
        page.get_by_label("Why should they lead?").fill(
            "Allocated at the Erewash Vulnerable Children's Meeting"
        )
        page.get_by_role("button", name="Send proposal").click()
    expect(page.locator("#pending-transfer")).to_contain_text(RACHEL)

    # Rachel has the case, opens the family's record from it and takes the lead.
    with another_user(browser, base_url, "derbyshire.eht") as rachel:
        rachel.goto(base_url + "/derbyshire/cases")
        row = rachel.get_by_role("row").filter(
            has=rachel.get_by_role("link", name=f"Request {request_id}", exact=True)
        )
        expect(row).to_contain_text(child.name)
        expect(row).to_contain_text("Allocated to a Lead Practitioner")
        check_accessibility(rachel)
        row.get_by_role("link", name=f"Request {request_id}").click()
        check_accessibility(rachel)
        rachel.get_by_role("link", name=re.compile("^Open the family's record")).click()
        expect(rachel.get_by_role("heading", level=1)).to_contain_text(f"{child.name}'s family")
        expect(rachel.locator("#pending-transfer")).to_contain_text(RACHEL)
        check_accessibility(rachel)
        rachel.get_by_role("button", name="Accept and become lead").click()
        expect(
            rachel.get_by_text("You can see this record because: you are the lead")
        ).to_be_visible()

    # The 24-hour report counts the screening and the referrer told.
    with another_user(browser, base_url, "derbyshire.manager") as manager:
        manager.goto(base_url + "/derbyshire/reports/timeliness")
        expect(
            manager.get_by_role("heading", level=1, name="Starting Point's 24-hour standards")
        ).to_be_visible()
        year, week, _ = datetime.now(ZoneInfo("Europe/London")).isocalendar()
        this_week = manager.locator(f"#week-{year}-{week}")
        # Everything in these tests was decided, and told, at once.
        expect(this_week.get_by_role("cell").nth(2)).to_have_text("100%")
        expect(this_week.get_by_role("cell").nth(5)).to_have_text("100%")
        check_accessibility(manager)


def test_a_second_familys_requests_are_answered_with_advice_and_a_redirection_without_javascript(
    page_without_js: Page, browser: Browser, base_url: str
) -> None:
    page = page_without_js
    child = erewash_child("Archie")
    sign_in(page, base_url, "derbyshire.school", path="/families/find")
    record_erewash_family(page, base_url, child, sharing=True)
    page.goto(base_url + "/derbyshire/")
    expect(page.get_by_role("heading", level=1, name="Early help in Derbyshire")).to_be_visible()
    check_accessibility(page)

    # Two requests without an assessment: advice, then information about services.
    open_referral_form(page, base_url, child, check=True)
    page.get_by_role("button", name="Send the referral").click()  # nothing filled in
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter what you need and why")).to_be_visible()
    check_accessibility(page)
    fill_referral(page, child, ADVICE, "How can school help with Archie's sleep and lateness?")
    advice_id = send_referral(page)
    check_accessibility(page)
    open_referral_form(page, base_url, child)
    fill_referral(page, child, SERVICE, "Dad asks for help with debt and housing")
    redirect_id = send_referral(page)

    # Starting Point answers both at triage, without JavaScript.
    with another_user_without_js(browser, base_url, "derbyshire.sp") as owen:
        owen.goto(base_url + "/derbyshire/starting-point")
        expect(queue_row(owen, advice_id)).to_contain_text("Not an Initial Contact yet")
        expect(queue_row(owen, redirect_id)).to_be_visible()
        check_accessibility(owen)
        open_request(owen, base_url, advice_id)
        owen.get_by_role("button", name="Record Starting Point's decision").click()
        expect(owen).to_have_title(re.compile(r"^Error: "))
        expect(owen.locator(".govuk-error-summary")).to_contain_text(
            "Select what Starting Point will do"
        )
        check_accessibility(owen)
        advice = "A bedtime routine leaflet is attached; the school nurse runs a sleep clinic"
        triage(owen, GIVE_ADVICE, advice)
        expect(status(owen)).to_have_text("Advice given")
        check_accessibility(owen)

        open_request(owen, base_url, redirect_id)
        triage(owen, REDIRECT, "Citizens Advice can help with the debt")  # no service named
        expect(owen.locator(".govuk-error-summary")).to_contain_text(
            "Enter the service you are redirecting the request to"
        )
        expect(owen.get_by_label("Information, advice or reasons")).to_have_value(
            "Citizens Advice can help with the debt"
        )
        check_accessibility(owen)
        triage(
            owen,
            REDIRECT,
            "Citizens Advice can help with the debt",
            service="Citizens Advice Erewash (fictional)",
        )
        expect(status(owen)).to_have_text("Redirected")
        expect(owen.locator("#what-happened")).to_contain_text(
            "Citizens Advice Erewash (fictional)"
        )
        check_accessibility(owen)
        owen.goto(base_url + "/derbyshire/starting-point")
        expect(queue_row(owen, advice_id)).to_have_count(0)
        expect(queue_row(owen, redirect_id)).to_have_count(0)

    # Tom sees both answers, and when he was told.
    page.goto(base_url + "/derbyshire/requests")
    expect(my_request_row(page, advice_id)).to_contain_text("Advice given")
    expect(my_request_row(page, redirect_id)).to_contain_text("Redirected")
    for request_id in (advice_id, redirect_id):
        expect(my_request_row(page, request_id).get_by_role("cell").nth(4)).to_have_text(WHEN)
    check_accessibility(page)
    open_request(page, base_url, advice_id)
    expect(referrer_told(page)).to_contain_text(WHEN)
    expect(referrer_told(page)).to_contain_text(
        f"Starting Point gave information and advice: {advice}"
    )
    check_accessibility(page)
    open_request(page, base_url, redirect_id)
    expect(referrer_told(page)).to_contain_text(
        "Starting Point redirected the request to Citizens Advice Erewash (fictional)"
    )


def test_a_third_family_is_stepped_up_to_childrens_social_care_from_the_keyboard(
    page: Page, browser: Browser, base_url: str
) -> None:
    child = erewash_child("Kayden")
    sign_in(page, base_url, "derbyshire.school", path="/families/find")
    family_id = record_erewash_family(page, base_url, child, sharing=False)

    # Tom calls the Consultation and Advice Service first: advised there may be
    # significant harm, he is taken straight to the page to refer.
    expect(page.locator("#starting-point-latest")).to_have_text("No request sent")
    page.get_by_role("button", name="Record a consultation").click()
    expect(page.get_by_role("heading", level=1, name="Record a consultation")).to_be_visible()
    expect(page.get_by_text("Starting Point Consultation and Advice Service").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("What did you ask?").fill(
        "Bruising on Kayden's arm: does this meet the threshold?"
    )
    page.get_by_label("What advice were you given?").fill("Refer to Starting Point today")
    page.get_by_role("group", name=re.compile("^Were you advised")).get_by_label(
        "Yes: refer to Starting Point now"
    ).check()
    page.get_by_role("button", name="Record the consultation").click()
    expect(
        page.get_by_role("heading", level=1, name="Refer to Children's Social Care")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Phone Starting Point now")).to_be_visible()
    page.goto(f"{base_url}/families/{family_id}#advice")
    expect(page.locator("#advice .govuk-summary-card").first).to_contain_text("Advised to refer")
    page.get_by_role("link", name="Requests to Starting Point").click()
    expect(page.get_by_role("heading", level=1, name="Starting Point")).to_be_visible()
    check_accessibility(page)

    # The online referral, for a safeguarding concern: no consent to share, so
    # Tom says why.
    page.get_by_role("button", name="Send an online referral to Starting Point").click()
    expect(page.get_by_role("button", name="Send the referral")).to_be_visible()
    expect(page.get_by_text("No consent to share with Starting Point is recorded")).to_be_visible()
    fill_referral(
        page,
        child,
        SERVICE,
        "Kayden came to school with bruising and says he is scared to go home",
        consent_basis=NOT_SOUGHT,
    )
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why consent was not sought or what the family said"
    )
    check_accessibility(page)
    page.get_by_label("Consent details").fill("Asking could put Kayden at greater risk")
    request_id = send_referral(page)
    expect(page.locator("#what-happened")).not_to_contain_text("Referred")

    with another_user(browser, base_url, "derbyshire.sp") as owen:
        open_request(owen, base_url, request_id)
        triage(owen, INITIAL_CONTACT, "Possible physical abuse: for screening now")
        expect(status(owen)).to_have_text("Initial Contact: screening")

    # The Senior Practitioner, by keyboard: from the queue to the decision.
    with another_user(browser, base_url, "derbyshire.senior") as fiona:
        fiona.goto(base_url + "/derbyshire/starting-point")
        link = queue_row(fiona, request_id).get_by_role("link", name=f"Request {request_id}")
        tab_to(fiona, link, limit=80)
        fiona.keyboard.press("Enter")
        fiona.wait_for_url(f"**/derbyshire/requests/{request_id}")
        expect(fiona.locator("#screening-clock")).to_contain_text("left")
        group = fiona.get_by_role("group", name="What does the child need?")
        tab_to(fiona, group.get_by_role("radio").first, limit=80)
        for _ in range(3):  # the arrow keys move through the choices, selecting each
            fiona.keyboard.press("ArrowDown")
        expect(group.get_by_label(TO_SOCIAL_CARE)).to_be_checked()
        reasons = fiona.get_by_label("Reasons for the decision")
        tab_to(fiona, reasons)
        fiona.keyboard.type("Bruising and the child's account meet the threshold")
        tab_to(fiona, fiona.get_by_role("button", name="Record the screening decision"))
        fiona.keyboard.press("Enter")
        expect(status(fiona)).to_have_text("Referred to Children's Social Care")
        expect(fiona.locator("#what-happened")).to_contain_text(TO_SOCIAL_CARE)
        check_accessibility(fiona)

    # Tom is told, and records the referral on the family's record.
    open_request(page, base_url, request_id)
    expect(status(page)).to_have_text("Referred to Children's Social Care")
    expect(referrer_told(page)).to_contain_text(WHEN)
    expect(referrer_told(page)).to_contain_text(
        "Referred to Children's Social Care for assessment by a social worker"
    )
    check_accessibility(page)
    page.get_by_role(
        "link", name="Record the referral to Children's Social Care on the family's record"
    ).click()
    expect(
        page.get_by_role("heading", level=1, name="Refer to Children's Social Care")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Phone Starting Point now")).to_be_visible()
    assert page.url.endswith(f"/families/{family_id}/escalate")
    check_accessibility(page)
