"""Three pages in a real browser, with axe on every state they reach:

- Derby's answer to a request for low-level support: a practitioner (derby.school,
  Hannah Ashworth) records two pre-assessments for a family and, with the family's
  consent, asks the North Multi-Agency Team for support on each; the team's youth
  worker (derby.mat, Priya Chandran) opens them from "My allocations" and, from
  the keyboard only, declines one (first with no reason, to see the error) and
  takes the other on; the practitioner reads both answers.
- The Pre-Assessment's review history: a review that changes the plan, one that
  changes nothing, and one with an error, each shown with who and when.
- The core meeting schedule page (/meetings/series/{id}) as the area manager
  (derby.manager): a bad start time first (the error, what was typed kept), then
  a good one; then the same again in a browser with JavaScript turned off."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Browser, Locator, Page, expect

from portal.kernel.formatting import format_clock
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.derby_helpers import HANNAH, PRIYA, open_derby_page, signed_in, staff_the_teams
from tests.e2e.derby_pages_helpers import (
    add_meeting_series,
    ask_the_mat_for_support,
    open_my_allocations,
    record_pre_assessment,
    reviews_table,
    support_row,
)
from tests.e2e.families_helpers import Child, unique_word
from tests.e2e.practice_helpers import (
    become_lead,
    find_then_record_family,
    record_assessment_consents,
    tab_to,
)
from tests.e2e.times import CLOCK

ANSWER_PAGE = "Respond to a request for low-level support"
NO_REASON = "Enter why you are declining the request"
BAD_TIME = "Enter the start time as hours and minutes, like 10:00"


def today_text() -> str:
    return f"{date.today().day} {date.today():%B %Y}"


def open_request(page: Page, asked: str) -> None:
    """From "My allocations": the request's "Take this on or decline" link."""
    row = support_row(page, asked)
    expect(row).to_contain_text(HANNAH)
    row.get_by_role("link", name=f"Take this on or decline the request from {HANNAH}").click()
    expect(page.get_by_role("heading", level=1, name=ANSWER_PAGE)).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text(asked)
    check_accessibility(page)


def focus(page: Page, target: Locator) -> None:
    """On a page just opened: Tab from its top (the skip link) to the target."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(page, target)


# ------------------------------------------------------------------- tests --


def test_a_mat_member_declines_then_takes_on_support_requests_from_the_keyboard(
    page: Page, browser: Browser, base_url: str
) -> None:
    staff_the_teams(browser, base_url)
    child = Child("Rosalind")  # North, like the youth worker's MAT
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    find_then_record_family(page, base_url, child)
    become_lead(page)
    record_assessment_consents(page, child, check=False)

    word = unique_word()
    to_decline = f"A place in the MAT's morning routine group ({word})"
    to_take = f"A youth worker to meet Rosalind weekly ({word})"
    open_derby_page(page, child)
    declined_url = record_pre_assessment(
        page, "Rosalind is often late", "School: breakfast club daily", check=True
    )
    check_accessibility(page)
    ask_the_mat_for_support(page, to_decline, f"Sarah {child.surname}, mother")
    check_accessibility(page)
    open_derby_page(page, child)
    taken_url = record_pre_assessment(page, "Rosalind has few friends", "School: a buddy")
    ask_the_mat_for_support(page, to_take, f"Sarah {child.surname}, mother")

    with signed_in(browser, base_url, "derby.mat") as priya:
        open_my_allocations(priya)
        expect(support_row(priya, to_decline)).to_contain_text(child.name)
        check_accessibility(priya)

        # Decline, from the keyboard: first with no reason.
        open_request(priya, to_decline)
        decline = priya.get_by_role("button", name="Decline", exact=True)
        focus(priya, decline)
        priya.keyboard.press("Enter")
        expect(priya).to_have_title(re.compile(r"^Error: "))
        summary = priya.locator(".govuk-error-summary")
        expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
        expect(priya.get_by_role("heading", level=1, name=ANSWER_PAGE)).to_be_visible()
        reason_box = priya.get_by_label("Why are you declining the request?")
        expect(reason_box).to_have_value("")
        check_accessibility(priya)
        # The summary's link, then the reason, then the button: all by keyboard.
        tab_to(priya, summary.get_by_role("link", name=NO_REASON))
        priya.keyboard.press("Enter")
        expect(reason_box).to_be_focused()
        reason = f"The needs are beyond what the team can offer ({word})"
        priya.keyboard.type(reason)
        tab_to(priya, decline)
        priya.keyboard.press("Enter")
        priya.wait_for_url(re.compile(r"/derby/allocations\?declined=\d+$"))
        expect(priya.get_by_role("status")).to_contain_text(
            "You have declined the request for support"
        )
        expect(support_row(priya, to_decline)).to_contain_text(f"Declined by {PRIYA}")
        check_accessibility(priya)

        # Take the other on, from the keyboard: Space on the button.
        open_request(priya, to_take)
        plan = priya.get_by_label("What support will you give?")
        focus(priya, plan)
        support = f"Weekly mentoring at school for six weeks ({word})"
        priya.keyboard.type(support)
        take = priya.get_by_role("button", name="Take this on")
        tab_to(priya, take)
        priya.keyboard.press("Space")
        priya.wait_for_url(re.compile(r"/derby/allocations\?taken=\d+$"))
        expect(priya.get_by_role("status")).to_contain_text(
            "You have taken on the request for support"
        )
        expect(support_row(priya, to_take)).to_contain_text(f"Taken on by {PRIYA}")
        expect(support_row(priya, to_decline)).to_contain_text(f"Declined by {PRIYA}")
        check_accessibility(priya)
        assert child.surname not in priya.url

    # The practitioner reads both answers on the pre-assessments.
    page.goto(base_url + declined_url)
    support_section = page.locator("h2#support + p")
    expect(support_section).to_contain_text(to_decline)
    expect(page.get_by_role("main")).to_contain_text(
        f"{PRIYA} of the North Multi-Agency Team declined the request on {today_text()}."
        f" The reason: {reason}"
    )
    check_accessibility(page)
    page.goto(base_url + taken_url)
    expect(page.get_by_role("main")).to_contain_text(
        f"{PRIYA} of the North Multi-Agency Team took the request on on {today_text()}."
        f" The support they will give: {support}"
    )
    check_accessibility(page)


def test_each_pre_assessment_review_is_listed_with_who_when_and_what_changed(
    page: Page, browser: Browser, base_url: str
) -> None:
    staff_the_teams(browser, base_url)
    child = Child("Barnaby")
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    find_then_record_family(page, base_url, child)
    become_lead(page)
    record_assessment_consents(page, child, check=False)
    open_derby_page(page, child)
    record_pre_assessment(page, "Barnaby is often tired", "School: a quiet space at lunch")
    expect(page.get_by_text("has not been reviewed since it was recorded")).to_be_visible()
    expect(reviews_table(page)).to_have_count(0)
    check_accessibility(page)

    # A review with the needs emptied: the error, nothing kept in the history.
    needs = page.get_by_label("What are the child's low-level needs?")
    needs.fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.locator(".govuk-error-summary").get_by_role("link", name="Enter the needs").click()
    expect(needs).to_be_focused()
    expect(page.get_by_text("has not been reviewed since it was recorded")).to_be_visible()
    check_accessibility(page)

    # A review that changes the plan.
    needs.fill("Barnaby is often tired")
    plan = f"School: a quiet space at lunch and a weekly check-in ({unique_word()})"
    page.get_by_label("Single-agency action plan", exact=True).fill(plan)
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(r"/pre-assessments/\d+\?saved=1$"))
    expect(page.get_by_role("status")).to_have_text("Your changes have been saved.")
    expect(page.get_by_label("Single-agency action plan", exact=True)).to_have_value(plan)
    rows = reviews_table(page).locator("tbody tr")
    expect(rows).to_have_count(1)
    when = re.compile(rf"^{re.escape(today_text())} at {CLOCK}$")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text(when)
    expect(rows.nth(0).locator("td").nth(1)).to_have_text(HANNAH)
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("Single-agency action plan")
    expect(page.get_by_text(f"last reviewed by {HANNAH} on {today_text()}")).to_be_visible()
    check_accessibility(page)

    # A review that changes nothing is kept too, newest first.
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(r"/pre-assessments/\d+\?saved=1$"))
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("Reviewed with no changes")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text(HANNAH)
    expect(rows.nth(1).locator("td").nth(2)).to_have_text("Single-agency action plan")
    check_accessibility(page)


def change_schedule(
    page: Page, base_url: str, series_id: int, title: str, day: str, time: str, where: str
) -> None:
    """As the area manager, from "Meetings": the series' schedule page; a start time
    that is no time first (the error, what was typed kept), then the good one."""
    page.goto(base_url + "/")
    page.get_by_role("banner").get_by_role("link", name="Meetings", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Meetings")).to_be_visible()
    check_accessibility(page)
    section = page.locator(f"section#series-{series_id}")
    expect(section.get_by_role("heading", level=2, name=title)).to_be_visible()
    section.get_by_role("link", name=f"Change the schedule of {title}").click()
    page.wait_for_url(re.compile(rf"/meetings/series/{series_id}$"))
    expect(
        page.get_by_role("heading", level=1, name="Change the meeting's schedule")
    ).to_be_visible()
    expect(page.locator(".govuk-caption-l")).to_have_text(title)
    check_accessibility(page)

    days = page.get_by_role("group", name="Which day of the week?")
    start = page.get_by_label("Start time")
    location = page.get_by_label("Where is it held? (optional)")
    days.get_by_label(day, exact=True).check()
    start.fill("25:99")
    location.fill(where)
    page.get_by_role("button", name="Save the schedule").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name=BAD_TIME)).to_be_visible()
    expect(page.locator("#start_time-error")).to_contain_text(BAD_TIME)
    expect(start).to_have_value("25:99")
    expect(location).to_have_value(where)
    expect(days.get_by_label(day, exact=True)).to_be_checked()
    check_accessibility(page)

    start.fill(time)
    page.get_by_role("button", name="Save the schedule").click()
    page.wait_for_url(re.compile(rf"/meetings(#series-{series_id})?$"))
    expect(page.get_by_role("heading", level=1, name="Meetings")).to_be_visible()
    spoken = format_clock(time)  # "14:30" reads "2:30pm", as the style guide asks
    expect(section).to_contain_text(f"Every week: {day}s at {spoken}, {where}.")
    check_accessibility(page)

    # The page opens again with the saved schedule.
    page.goto(f"{base_url}/meetings/series/{series_id}")
    expect(days.get_by_label(day, exact=True)).to_be_checked()
    expect(start).to_have_value(time)
    expect(location).to_have_value(where)


def test_an_area_manager_changes_a_meeting_schedule_with_and_without_javascript(
    page: Page, browser: Browser, base_url: str, e2e_database_url: str
) -> None:
    title = f"North team around the school ({unique_word()})"
    series_id = add_meeting_series(e2e_database_url, f"derby:e2e:{unique_word(10)}", title)
    sign_in(page, base_url, "derby.manager", check_pages=False)
    change_schedule(page, base_url, series_id, title, "Wednesday", "14:30", "Room 4")

    with signed_in(browser, base_url, "derby.manager", java_script=False) as manager:
        change_schedule(manager, base_url, series_id, title, "Friday", "09:15", "Room 7")
