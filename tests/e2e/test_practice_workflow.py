"""The practice workflow in a real browser, as a demo practitioner (derby.school,
Hannah Ashworth): find a family before recording it, record consent, start an
Early Help Assessment, fill its sections (with JavaScript, where drafts save as
she types, and without), lose a session mid-section and find the text kept after
signing in again, complete the assessment, build the Team Around the Family with
a contact who has no portal account, agree actions, hold reviews with scaling
scores and read the trend, refer a second family to Children's Social Care, and
close a third with a reason. Every page the tests reach is checked with axe.

All the tests share one portal and database, so each records its own fictional
family under a surname made up for it (see families_helpers.unique_surname)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from portal.assessments.sections import BY_SLUG
from tests.e2e.conftest import check_accessibility, fill_provider_sign_in, sign_in
from tests.e2e.families_helpers import Child, another_user, fill_date, unique_word
from tests.e2e.practice_helpers import (
    COMPLETED,
    SECTION_URL,
    add_action,
    add_contact_without_account,
    add_goal,
    add_practitioner_to_the_team,
    become_lead,
    caseload_row,
    complete_section,
    completed_group,
    end_session_by_idle_time_out,
    expect_status,
    expect_unsaved_banner,
    field,
    fill_section,
    find_then_record_family,
    open_section,
    record_assessment_consents,
    record_review,
    save_and_continue,
    section_answers,
    start_assessment,
    tab_to,
    task,
)
from tests.support.assessments import REQUIRED_SECTIONS

HANNAH = "Hannah Ashworth"  # derby.school
SAMUEL = "Samuel Okafor"  # derby.health
GOALS = ("Imogen goes to school every day", "Mum feels less alone")
WALKING_BUS = "Arrange a place on the walking bus"
BOXING = "Free boxing sessions after school on Thursdays"
GP_CHECK = "Book mum a health check with the GP"
COACH = "Dev Okonjo"
COACH_CLUB = "Riverside Boxing Club (fictional)"
COACH_EMAIL = "dev.okonjo@riverside-boxing.example"
# Questions typed into by name (the other answers are filled from the section
# definitions by practice_helpers.fill_section).
WISHES = "What are the child's wishes and feelings?"
STRENGTHS = "What are the family's strengths?"
IMPACT = "What would the impact be if nothing was done?"


def new_assessment(page: Page, base_url: str, child: Child) -> tuple[int, int]:
    """Find, record, lead, consent and start: the way into every assessment test.
    Returns (family id, assessment id)."""
    find_then_record_family(page, base_url, child)
    become_lead(page)
    record_assessment_consents(page, child)
    check_accessibility(page)  # the record, with its consents and assessment card
    return start_assessment(page, child)


def build_the_team_and_agree_the_plan(page: Page, base_url: str, child: Child) -> None:
    """From the family record: the team (Hannah, and a coach without a portal
    account), a first TAF meeting, two goals and an action for each member."""
    page.get_by_role("link", name="Team and meetings").click()
    expect(page.get_by_role("heading", level=1, name="Team Around the Family")).to_be_visible()
    expect(page.get_by_text("No one has been added to the team yet.")).to_be_visible()
    check_accessibility(page)

    add_practitioner_to_the_team(page, HANNAH, "Lead practitioner, class teacher")
    add_practitioner_to_the_team(page, SAMUEL, "School nurse")
    add_contact_without_account(page, COACH, COACH_CLUB, "Boxing coach", COACH_EMAIL)
    contacts = page.get_by_role("table", name="Other contacts (without portal accounts)")
    coach = contacts.get_by_role("row").filter(has_text=COACH)
    expect(coach).to_contain_text(COACH_CLUB)
    expect(coach.get_by_role("link", name=COACH_EMAIL)).to_have_attribute(
        "href", f"mailto:{COACH_EMAIL}"
    )
    practitioners = page.get_by_role("table", name="Practitioners")
    expect(practitioners.get_by_role("row").filter(has_text=HANNAH)).to_contain_text(
        "Lead practitioner"
    )
    check_accessibility(page)

    # The first Team Around the Family meeting, with the family there.
    page.get_by_role("link", name="Record another meeting").click()
    expect(page.get_by_role("heading", level=1, name="Record a meeting")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("group", name="What kind of meeting was it?").get_by_label(
        "Team Around the Family meeting"
    ).check()
    fill_date(page, "When was the meeting?", date.today() - timedelta(days=43))
    page.get_by_label("Who chaired it?").fill(HANNAH)
    came = page.get_by_role("group", name="Who came?")
    came.get_by_label(COACH).check()
    came.get_by_label(HANNAH).check()
    page.get_by_role("group", name=re.compile("^Did the family come")).get_by_label("Yes").check()
    page.get_by_label("Minutes").fill("Agreed the goals and who does what.")
    fill_date(page, "When is the next review?", date.today() - timedelta(days=42))
    page.get_by_role("button", name="Save the meeting").click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile("^Team Around the Family meeting on"))
    ).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text=COACH)).to_be_visible()
    check_accessibility(page)

    # The action plan: goals in the family's words, and actions for each.
    page.goto(page.url.split("/taf/")[0] + "/taf/plan")
    expect(page.get_by_role("heading", level=1, name="Action plan")).to_be_visible()
    check_accessibility(page)
    add_goal(page, GOALS[0], "Attendance above 95%", check=True)
    add_goal(page, GOALS[1], "Mum says she feels less alone")
    due = date.today() + timedelta(days=14)
    add_action(page, 1, WALKING_BUS, HANNAH, due, check=True)
    add_action(page, 1, BOXING, COACH, due)
    add_action(page, 2, "Introduce mum to the parents' coffee morning", HANNAH, due)
    add_action(page, 2, GP_CHECK, SAMUEL, due)
    goal_one = page.get_by_role("table", name="Actions for goal 1")
    expect(goal_one.get_by_role("row").filter(has_text=BOXING)).to_contain_text(COACH)
    check_accessibility(page)

    # Hannah updates her own action.
    mine = goal_one.get_by_role("row").filter(has_text=WALKING_BUS)
    mine.get_by_role("link", name="Update this action").click()
    expect(page.get_by_role("heading", level=1, name="Update an action")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("group", name="Status").get_by_label("In progress").check()
    page.get_by_label("Progress (optional)").fill("Joined the walking bus on Mondays")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1, name="Action plan")).to_be_visible()
    mine = (
        page.get_by_role("table", name="Actions for goal 1")
        .get_by_role("row")
        .filter(has_text=WALKING_BUS)
    )
    expect(mine).to_contain_text("In progress")
    expect(mine).to_contain_text("Progress: Joined the walking bus on Mondays")
    assert child.surname not in page.url


def review_twice_and_read_the_trend(
    page: Page, base_url: str, family_id: int, child: Child
) -> None:
    """Two reviews with scaling scores, then the trend: a chart with its numbers."""
    six_weeks_ago = date.today() - timedelta(days=42)
    record_review(
        page,
        base_url,
        family_id,
        six_weeks_ago,
        {1: 3, 2: 5},
        attendees=(COACH,),
        next_review=date.today(),
        check=True,
    )
    scores = page.get_by_role("table", name="Progress against the family's goals")
    expect(scores.get_by_role("row").filter(has_text=GOALS[0])).to_contain_text("3")
    check_accessibility(page)
    record_review(page, base_url, family_id, date.today(), {1: 6, 2: 4}, attendees=(COACH,))

    page.goto(f"{base_url}/families/{family_id}/taf/plan")
    # Each goal's trend: a sentence, a chart named for screen readers, and the numbers.
    trend = page.locator("section").filter(
        has=page.get_by_role("heading", level=2, name=re.compile(f"^Goal 1: {GOALS[0]}"))
    )
    expect(trend.get_by_text("Rose from 3 to 6 over 2 reviews", exact=True)).to_be_visible()
    chart = trend.get_by_role("img", name="Goal 1: scores at reviews, from 0 to 10")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(2)
    numbers = trend.get_by_role("table", name="Goal 1: scores at reviews")
    expect(numbers.get_by_role("cell", name=re.compile(r"^\d+$"))).to_have_text(["3", "6"])
    expect(numbers.get_by_role("link", name=day_text(six_weeks_ago))).to_be_visible()
    second = page.locator("section").filter(
        has=page.get_by_role("heading", level=2, name=re.compile(f"^Goal 2: {GOALS[1]}"))
    )
    expect(second.get_by_text("Fell from 5 to 4 over 2 reviews", exact=True)).to_be_visible()
    check_accessibility(page)

    # The family's plan, in plain English, to print.
    page.get_by_role("link", name="Family plan to print").first.click()
    expect(page.get_by_role("heading", level=1, name="Our family plan")).to_be_visible()
    expect(page.get_by_text(f"1. {GOALS[0]}")).to_be_visible()
    expect(page.get_by_text("we said things were at 6 out of 10")).to_be_visible()
    expect(page.get_by_role("cell", name=BOXING)).to_be_visible()
    check_accessibility(page)

    # The family record's summary of the team.
    page.goto(f"{base_url}/families/{family_id}")
    card = page.locator("#taf dl.govuk-summary-list")
    expect(card).to_contain_text(day_text(date.today() + timedelta(days=42)))
    check_accessibility(page)
    assert child.surname not in page.url


def a_team_member_is_told_and_updates_only_their_own_action(samuel: Page, base_url: str) -> None:
    """Samuel (derby.health) was added to the team and given an action: the
    header counts what is new, and he can update his own action, nobody else's."""
    samuel.goto(base_url + "/")
    header = samuel.get_by_role("banner")
    expect(
        header.get_by_role("link", name=re.compile(r"^Notifications \(\d+ unread\)$"))
    ).to_be_visible()
    header.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(samuel.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    notes = samuel.get_by_role("table", name=re.compile("^Your notifications"))
    expect(notes).to_contain_text("You have been added to a Team Around the Family")
    given = notes.get_by_role("row").filter(
        has_text="You have been given an action in a family's plan"
    )
    expect(given).to_contain_text("Unread")
    check_accessibility(samuel)
    given.get_by_role("button", name=re.compile("^Open")).click()

    expect(samuel.get_by_role("heading", level=1, name="Action plan")).to_be_visible()
    actions = samuel.locator("table").filter(has=samuel.get_by_role("cell", name=GP_CHECK))
    expect(samuel.get_by_role("link", name="Update this action")).to_have_count(1)
    check_accessibility(samuel)
    actions.get_by_role("row").filter(has_text=GP_CHECK).get_by_role(
        "link", name="Update this action"
    ).click()
    expect(samuel.get_by_role("heading", level=1, name="Update an action")).to_be_visible()
    expect(samuel.get_by_label("What will be done?")).to_have_count(0)  # not his to change
    check_accessibility(samuel)
    samuel.get_by_role("group", name="Status").get_by_label("Done").check()
    samuel.get_by_label("Progress (optional)").fill("Health check booked for next Tuesday")
    samuel.get_by_role("button", name="Save").click()
    expect(samuel.get_by_role("heading", level=1, name="Action plan")).to_be_visible()
    done = samuel.get_by_role("row").filter(has_text=GP_CHECK)
    expect(done).to_contain_text("Done")
    expect(done).to_contain_text("Health check booked for next Tuesday")


def day_text(value: date) -> str:
    """A date as the portal shows it: "4 March 2026"."""
    return f"{value.day} {value:%B %Y}"


# ------------------------------------------------------------------- tests --


def test_a_practitioner_assesses_a_family_then_plans_and_reviews_with_the_team(
    page: Page, browser: Browser, base_url: str
) -> None:
    with another_user(browser, base_url, "derby.health"):
        pass  # Samuel must have signed in once to be found and added to the team
    child = Child("Imogen")
    sign_in(page, base_url, "derby.school", path="/families/find")  # axe: provider's form
    family_id, assessment_id = new_assessment(page, base_url, child)
    assessment_url = f"{base_url}/families/{family_id}/assessments/{assessment_id}"

    # The task list: every section not started, the due date and working days left.
    expect(page.get_by_text(f"For {child.name}")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text(re.compile(r"working days? left"))
    for slug in BY_SLUG:
        expect_status(page, slug, "Not started")
    expect(task(page, "signs_of_safety")).to_contain_text("Optional")
    check_accessibility(page)

    # The child's voice, with JavaScript: the draft saves as she types.
    open_section(page, "child_voice")
    check_accessibility(page)
    wishes = f"Wants to walk to school with her friends ({unique_word()})"
    field(page, WISHES).fill(wishes)
    expect(page.locator("#draft-status")).to_contain_text("Draft saved at", timeout=15_000)
    page.reload()
    # What was typed is back, as a draft not yet saved.
    expect_unsaved_banner(page)
    expect(field(page, WISHES)).to_have_value(wishes)
    check_accessibility(page)
    page.get_by_role("link", name="Back to the assessment").click()
    expect_status(page, "child_voice", "Not started")
    expect(task(page, "child_voice")).to_contain_text("You have unsaved changes here")

    # Completing too early says which sections are missing, and links to them.
    page.get_by_role("button", name="Complete the assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_accessibility(page)

    open_section(page, "child_voice")
    answers = section_answers("child_voice")
    fill_section(page, "child_voice", {**answers, "wishes_feelings": wishes})
    save_and_continue(page)
    expect_status(page, "child_voice", "Completed")
    expect(task(page, "child_voice")).not_to_contain_text("You have unsaved changes here")

    # The household comes from the record: not typed again.
    open_section(page, "household")
    household = page.locator(".govuk-summary-list")
    expect(household).to_contain_text(child.address)
    expect(household).to_contain_text(child.name)
    check_accessibility(page)
    page.get_by_role("link", name="Back to the assessment").click()

    for slug in REQUIRED_SECTIONS:
        if slug != "child_voice":
            complete_section(page, slug, check=True)

    # The optional Signs of Safety mapping, with its scaling question.
    open_section(page, "signs_of_safety")
    check_accessibility(page)
    fill_section(
        page,
        "signs_of_safety",
        {"working_well": "Nan helps every day", "worries": "Attendance", "scale": "6"},
    )
    save_and_continue(page)
    expect_status(page, "signs_of_safety", "Completed")

    page.get_by_role("button", name="Complete the assessment").click()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", name="Assessment completed")).to_be_visible()
    expect(panel).to_contain_text("Version 1 is saved and can no longer be changed")
    expect(page.get_by_role("button", name="Make changes (start version 2)")).to_be_visible()
    check_accessibility(page)

    # A completed section is read-only and shows what was saved.
    open_section(page, "child_voice")
    expect(
        page.get_by_text("This assessment is complete, so this section is read-only")
    ).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text=wishes)).to_be_visible()
    expect(page.get_by_role("button", name="Save and continue")).to_have_count(0)
    check_accessibility(page)

    # The print view reads well, and the PDF downloads.
    page.goto(assessment_url + "/print")
    expect(page.get_by_text(wishes)).to_be_visible()
    check_accessibility(page)
    page.goto(assessment_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == f"early-help-assessment-{assessment_id}.pdf"

    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_text(wishes)).to_be_visible()
    check_accessibility(page)

    # A later change makes version 2, and the history shows what changed.
    page.goto(assessment_url)
    page.get_by_role("button", name="Make changes (start version 2)").click()
    open_section(page, "strengths")
    field(page, STRENGTHS).fill("A loving home; Nan and Grandad help")
    save_and_continue(page)
    page.get_by_role("button", name="Complete the assessment").click()
    expect(panel).to_contain_text("Version 2 is saved and can no longer be changed")
    page.get_by_role("link", name="What changed between versions").click()
    expect(
        page.get_by_role("heading", level=1, name="What changed between versions")
    ).to_be_visible()
    changed = page.get_by_role("table", name="Changed since version 1")
    expect(changed).to_contain_text("A loving home; Nan and Grandad help")
    check_accessibility(page)

    # The family record shows the assessment completed.
    page.goto(f"{base_url}/families/{family_id}")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=child.name))
    expect(row).to_contain_text("Completed (version 2)")

    build_the_team_and_agree_the_plan(page, base_url, child)
    review_twice_and_read_the_trend(page, base_url, family_id, child)
    with another_user(browser, base_url, "derby.health") as samuel:
        a_team_member_is_told_and_updates_only_their_own_action(samuel, base_url)

    # Hannah's caseload: the family, her part, the next review and her actions;
    # filtering it swaps the list in place (htmx) and keeps the address.
    page.goto(base_url + "/")
    row = caseload_row(page, child)
    expect(row).to_contain_text("Lead practitioner")
    expect(row).to_contain_text("None in progress")  # the assessment is complete
    expect(row).to_contain_text(day_text(date.today() + timedelta(days=42)))
    expect(row).to_contain_text("2 open")
    check_accessibility(page)
    page.evaluate("() => { window.stillTheSamePage = true }")
    page.get_by_label("Show").select_option(label="I am the lead practitioner")
    page.wait_for_url(re.compile(r"[?&]show=lead"))
    expect(page.get_by_role("status").filter(has_text="i am the lead practitioner")).to_be_visible()
    expect(caseload_row(page, child)).to_contain_text("Lead practitioner")
    assert page.evaluate("() => window.stillTheSamePage === true"), "the whole page reloaded"
    check_accessibility(page)


def test_a_section_saved_without_javascript_and_one_kept_through_a_session_time_out(
    page_without_js: Page, base_url: str, e2e_database_url: str
) -> None:
    page = page_without_js
    child = Child("Florence")
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    family_id, assessment_id = new_assessment(page, base_url, child)
    check_accessibility(page)

    # Without JavaScript every submit saves: nothing to wait for.
    open_section(page, "parents_views")
    check_accessibility(page)
    fill_section(page, "parents_views", section_answers("parents_views"))
    save_and_continue(page)
    expect_status(page, "parents_views", "Completed")
    expect_status(page, "strengths", "Not started")

    # Typing into a section when the session has quietly timed out.
    open_section(page, "strengths")
    section_url = page.url
    strengths = f"Mum cooks with the children every Sunday ({unique_word()})"
    field(page, STRENGTHS).fill(strengths)
    completed_group(page).get_by_label(COMPLETED).check()
    end_session_by_idle_time_out(page, e2e_database_url)
    page.get_by_role("button", name="Save and continue").click()

    # Sent to sign in again at the identity provider...
    expect(page.get_by_label("Username")).to_be_visible()
    assert not page.url.startswith(base_url), f"expected the provider's sign-in form: {page.url}"
    check_accessibility(page)
    fill_provider_sign_in(page, "derby.school")

    # ...and straight back to the section, with the text kept as a draft.
    page.wait_for_url(section_url)
    assert SECTION_URL.search(page.url)
    expect(page.get_by_role("heading", level=1, name="Strengths")).to_be_visible()
    expect_unsaved_banner(page)
    expect(field(page, STRENGTHS)).to_have_value(strengths)
    check_accessibility(page)

    # Saving it now makes it the section's answer.
    save_and_continue(page)
    expect_status(page, "strengths", "Completed")
    expect(task(page, "strengths")).not_to_contain_text("You have unsaved changes here")
    open_section(page, "strengths")
    expect(page.get_by_role("region", name="Unsaved changes")).to_have_count(0)
    expect(field(page, STRENGTHS)).to_have_value(strengths)
    assert (
        page.url
        == f"{base_url}/families/{family_id}/assessments/{assessment_id}/sections/strengths"
    )

    # Her caseload, without JavaScript: the assessment's due date and working days
    # left, and the filter works with its "Apply" button.
    page.goto(base_url + "/")
    row = caseload_row(page, child)
    expect(row).to_contain_text(re.compile(r"Due \d+ \w+ \d{4}"))
    expect(row).to_contain_text(re.compile(r"working days? left|Due today"))
    check_accessibility(page)
    page.get_by_label("Show").select_option(label="I am the lead practitioner")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"\?show=lead&sort=due$"))
    expect(caseload_row(page, child)).to_contain_text("Lead practitioner")
    check_accessibility(page)


def test_an_autosave_after_the_session_ended_signs_in_again_and_keeps_the_text(
    page: Page, base_url: str, e2e_database_url: str
) -> None:
    child = Child("Araminta")
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    new_assessment(page, base_url, child)
    open_section(page, "impact")
    impact = field(page, IMPACT)
    impact.fill("She will fall further behind")
    status = page.locator("#draft-status")
    expect(status).to_contain_text("Draft saved at", timeout=15_000)
    section_url = page.url

    # The session times out while the page is open; she carries on typing.
    end_session_by_idle_time_out(page, e2e_database_url)
    typed = f"She will fall further behind and lose her friends ({unique_word()})"
    impact.fill(typed)
    # The autosave finds the session gone: the text is parked as her draft and
    # the browser is sent to sign in again.
    expect(page.get_by_label("Username")).to_be_visible(timeout=15_000)
    assert not page.url.startswith(base_url), f"expected the provider's sign-in form: {page.url}"
    fill_provider_sign_in(page, "derby.school")
    page.wait_for_url(section_url)
    expect_unsaved_banner(page)
    expect(field(page, IMPACT)).to_have_value(typed)
    check_accessibility(page)

    save_and_continue(page)
    expect_status(page, "impact", "Completed")


def test_a_section_from_the_keyboard(page: Page, base_url: str) -> None:
    child = Child("Beatrix")
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    new_assessment(page, base_url, child)

    # From the task list to the section, by keyboard only.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    link = task(page, "strengths").get_by_role("link", name="Strengths", exact=True)
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Strengths")).to_be_visible()

    # Skip the header, then Tab to the question, type, and choose with Space.
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    strengths = field(page, STRENGTHS)
    tab_to(page, strengths)
    text = f"They laugh a lot together ({unique_word()})"
    page.keyboard.type(text)
    yes = completed_group(page).get_by_label(COMPLETED)
    tab_to(page, yes)
    page.keyboard.press("Space")
    expect(yes).to_be_checked()
    save = page.get_by_role("button", name="Save and continue")
    tab_to(page, save)
    check_accessibility(page)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Early Help Assessment")).to_be_visible()
    expect_status(page, "strengths", "Completed")

    # Back in, Shift+Tab reaches the question from the button, and Space on
    # the button submits too.
    open_section(page, "strengths")
    expect(strengths).to_have_value(text)
    save.focus()
    tab_to(page, strengths, key="Shift+Tab")
    page.keyboard.press("End")
    page.keyboard.type(" and cook on Sundays")
    save.focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", level=1, name="Early Help Assessment")).to_be_visible()
    open_section(page, "strengths")
    expect(strengths).to_have_value(text + " and cook on Sundays")
    check_accessibility(page)


def test_a_second_family_is_referred_to_childrens_social_care_and_later_stepped_down(
    page: Page, base_url: str
) -> None:
    child = Child("Maisie")
    worry = f"Bruising on both arms, explained differently by each parent ({unique_word()})"
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    family_id = find_then_record_family(page, base_url, child)
    become_lead(page)
    record_url = f"{base_url}/families/{family_id}"

    # On every family page: the significant-harm action.
    harm = page.get_by_role("region", name="Worried about significant harm?")
    expect(harm).to_contain_text("If a child is in immediate danger, call 999")
    check_accessibility(page)
    harm.get_by_role("button", name="Refer to Children's Social Care").click()

    # The area's route (from the Derby plugin): phone first, then record it.
    expect(
        page.get_by_role("heading", level=1, name="Refer to Children's Social Care")
    ).to_be_visible()
    route = page.get_by_role("region", name="Phone Initial Response Team now")
    expect(route).to_contain_text("Derby City Council Children's Services")
    expect(route.get_by_role("link").first).to_have_attribute("href", re.compile(r"^tel:\d+$"))
    check_accessibility(page)

    # Nothing filled in: each missing answer is named, and the title says so.
    page.get_by_role("button", name="Record the referral").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter what you are worried about")).to_be_visible()
    expect(
        summary.get_by_role("link", name="Select whether you asked the family for consent")
    ).to_be_visible()
    check_accessibility(page)

    page.get_by_role("group", name="Which children are you worried about?").get_by_label(
        child.name
    ).check()
    page.get_by_label("What are you worried about?").fill(worry)
    page.get_by_role(
        "group", name="Did you ask the family for consent to the referral?"
    ).get_by_label("No").check()
    page.get_by_label("If you did not ask: why not?").fill(
        "Asking would put the children at greater risk"
    )
    page.get_by_label("How did you make the referral?").fill(
        "Phoned the Initial Response Team duty worker at 10:15, reference IRT-4471"
    )
    expect(page.get_by_label("What information did you share?")).not_to_be_empty()
    page.get_by_role("button", name="Record the referral").click()

    # Back on the record: Children's Social Care leads, and why is recorded.
    page.wait_for_url(re.compile(rf"/families/{family_id}(#statutory-lead)?$"))
    statutory = page.locator("#statutory-lead")
    expect(statutory).to_contain_text(
        "Lead responsibility: Children's Social Care (Initial Response Team) since"
    )
    expect(page.get_by_text("Lead responsibility is with Children's Social Care")).to_be_visible()
    expect(page.get_by_role("button", name="Become the lead practitioner")).to_have_count(0)
    page.get_by_text("Referrals to Children's Social Care and step-downs").click()
    referral = page.locator("#social-care")
    expect(referral).to_contain_text("Referred to Children's Social Care (Initial Response Team)")
    expect(referral).to_contain_text(worry)
    expect(referral).to_contain_text("No: Asking would put the children at greater risk")
    expect(referral).to_contain_text("reference IRT-4471")
    expect(referral).to_contain_text(f"Lead practitioner until then{HANNAH}")
    # The decision to share goes in the information-sharing log.
    sharing = page.locator("#sharing ~ ol.app-timeline").first
    expect(sharing).to_contain_text("Children's Social Care (Initial Response Team)")
    expect(sharing).to_contain_text("Significant harm: referral to Children's Social Care")
    check_accessibility(page)
    assert page.url.startswith(record_url)

    # Weeks later social care hands the family back: a step-down, with its
    # transition meeting, and early help can lead again.
    statutory.get_by_role("link", name="record the step-down").click()
    expect(
        page.get_by_role("heading", level=1, name="Record a step-down into early help")
    ).to_be_visible()
    expect(page.get_by_label("Which service is handing the family over?")).to_have_value(
        "Children's Social Care (Initial Response Team)"
    )
    check_accessibility(page)
    fill_date(page, "When is, or was, the transition meeting?", date.today())
    page.get_by_label("Summary of the hand-over").fill(
        "Child protection enquiries closed; the family agreed to early help support"
    )
    page.get_by_role("button", name="Record the step-down").click()
    page.wait_for_url(re.compile(rf"/families/{family_id}(#social-care)?$"))
    expect(page.locator("#statutory-lead")).to_have_count(0)
    page.get_by_text("Referrals to Children's Social Care and step-downs").click()
    expect(page.locator("#social-care")).to_contain_text(
        "Stepped down into early help from Children's Social Care (Initial Response Team)"
    )
    check_accessibility(page)
    become_lead(page)


def test_a_third_family_is_closed_with_a_reason_and_reopened_without_javascript(
    page_without_js: Page, base_url: str
) -> None:
    page = page_without_js
    child = Child("Clementine")
    closing = f"Attendance is back above 95% and mum has a support group ({unique_word()})"
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    family_id = find_then_record_family(page, base_url, child)
    become_lead(page)
    expect(page.get_by_text("The family's early help is open.")).to_be_visible()

    page.get_by_role("link", name="Close the family's early help").click()
    expect(
        page.get_by_role("heading", level=1, name="Close the family's early help")
    ).to_be_visible()
    check_accessibility(page)

    # "Other" needs a reason, and every closure needs a summary.
    reasons = page.get_by_role("group", name="Why is the family's early help closing?")
    reasons.get_by_label("Other", exact=True).check()
    page.get_by_role("button", name="Close early help").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="Enter why the family's early help is closing")
    ).to_be_visible()
    expect(summary.get_by_role("link", name="Enter a closing summary")).to_be_visible()
    expect(reasons.get_by_label("Other", exact=True)).to_be_checked()  # kept
    check_accessibility(page)

    reasons.get_by_label("Needs met", exact=True).check()
    page.get_by_label("Closing summary").fill(closing)
    page.get_by_role("button", name="Close early help").click()

    page.wait_for_url(re.compile(rf"/families/{family_id}(#.*)?$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading.get_by_text("Closed", exact=True)).to_be_visible()
    card = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", level=3, name="Closed", exact=True)
    )
    reason = card.locator(".govuk-summary-list__row").filter(
        has=page.get_by_role("term").filter(has_text="Reason")
    )
    expect(reason.get_by_role("definition")).to_have_text("Needs met")
    expect(card).to_contain_text(closing)
    expect(card).to_contain_text(HANNAH)
    expect(page.locator(".govuk-inset-text").first).to_contain_text("Closed: needs met")
    check_accessibility(page)

    # Reopening is possible, and recorded beside the closure.
    card.get_by_role("link", name="Reopen the family's early help").click()
    expect(
        page.get_by_role("heading", level=1, name="Reopen the family's early help")
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Why is the family's early help reopening?").fill(
        "Attendance has fallen again since the new term"
    )
    page.get_by_role("button", name="Reopen early help").click()
    page.wait_for_url(re.compile(rf"/families/{family_id}(#.*)?$"))
    expect(page.get_by_role("heading", level=1).get_by_text("Closed", exact=True)).to_have_count(0)
    expect(page.get_by_text("The family's early help is open.")).to_be_visible()
    history = page.locator("details").filter(has_text="Closures and reopenings")
    expect(history).to_contain_text("Closed: Needs met")
    expect(history).to_contain_text(closing)
    expect(history).to_contain_text("Attendance has fallen again since the new term")
    check_accessibility(page)
