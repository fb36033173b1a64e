"""Family records in a real browser: find before create, recording a family,
consent and its withdrawal, emergency (break-glass) access and its review,
areas kept apart, the forms without JavaScript, and the error summary from the
keyboard. Every page the tests reach is checked with axe.

All the tests share one portal and database, so each records its own fictional
family under a surname made up for it (see families_helpers.unique_surname)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import (
    Child,
    another_user,
    consent_row,
    expect_date,
    expect_record_of,
    family_id_of,
    fill_date,
    fill_household_and_child,
    person_card,
    record_consent,
    record_family,
    search,
    submit_new_family,
    transposed,
    unique_word,
)

HANNAH = "Hannah Ashworth"  # derby.school
HANNAH_AGENCY = "Oakfield Lane Primary School, Derby (fictional)"
HANNAH_EMAIL = "hannah.ashworth@oakfield-lane-primary.example"
SAMUEL = "Samuel Okafor"  # derby.health
SAMUEL_AGENCY = "Derwent Vale Community Health Trust (fictional)"
SAMUEL_EMAIL = "samuel.okafor@derwent-vale-health.example"
NO_ACCESS = "You do not have access to this family's record"
RECORD_CONSENT = "To keeping a record on the portal"


def expect_lead(page: Page, name: str, agency: str, email: str) -> None:
    """The record's "Lead practitioner" summary list."""
    lead = page.locator("#lead ~ dl.govuk-summary-list").first
    expect(lead).to_contain_text(name)
    expect(lead).to_contain_text(agency)
    expect(lead.get_by_role("link", name=email)).to_have_attribute("href", f"mailto:{email}")


def assert_nothing_of(page: Page, child: Child) -> None:
    """None of the child's details anywhere in the page's HTML (not just what shows)."""
    html = page.content()
    for detail in (child.given, child.surname, child.address, child.born_text):
        assert detail not in html, f"{detail!r} is on {page.url}"


def withdraw_consent_to_the_record(page: Page, child: Child, reason: str) -> None:
    """From the family record: withdraw the child's consent to keeping the record."""
    page.get_by_role("link", name=f"Withdraw {child.given}'s consent to keeping a record").click()
    expect(page.get_by_role("heading", level=1, name="Withdraw consent")).to_be_visible()
    expect(page.get_by_text("Only the lead practitioner and area managers")).to_be_visible()
    check_accessibility(page)
    fill_date(page, "When was consent withdrawn?", date.today())
    page.get_by_label("Why was consent withdrawn?").fill(reason)
    page.get_by_role("button", name="Withdraw consent").click()


# ------------------------------------------------------------------- tests --


@pytest.mark.parametrize(
    "searcher",
    [
        pytest.param("derbyshire.school", id="another-area"),
        pytest.param("derby.health", id="same-area-no-relationship"),
    ],
)
def test_search_finds_a_family_despite_a_typo_and_a_nickname_and_shows_only_who_leads(
    page: Page, browser: Browser, base_url: str, searcher: str
) -> None:
    # Each run its own birthday: the other run's Elizabeth (same first name and
    # birthday) would rightly show as a possible match and make two cards.
    born = date(2016, 3, 4) if searcher.startswith("derbyshire.") else date(2015, 8, 21)
    child = Child("Elizabeth", born=born)
    sign_in(page, base_url, "derby.school", path="/families")
    family_id = record_family(page, base_url, child, check=True)
    check_accessibility(page)
    page.get_by_role("button", name="Become the lead practitioner").click()
    page.wait_for_load_state("load")
    expect_lead(page, HANNAH, HANNAH_AGENCY, HANNAH_EMAIL)
    expect(page.get_by_text("You can see this record because: you are the lead")).to_be_visible()
    check_accessibility(page)

    with another_user(browser, base_url, searcher) as other:
        other.goto(base_url + "/families/find")
        search(other, "Liz", transposed(child.surname), child.born)

        expect(other.get_by_role("heading", level=2, name="1 likely match")).to_be_visible()
        expect(other.get_by_role("heading", level=3, name="Likely the same child")).to_be_visible()
        card = other.locator(".govuk-summary-card")
        expect(card).to_have_count(1)
        expect(card.get_by_role("heading", level=4)).to_have_text(
            "A matching family is known in Derby City"
        )
        area = card.locator(".govuk-summary-list__row").filter(has_text="Area")
        expect(area.locator("dd")).to_have_text("Derby City")
        lead = card.locator(".govuk-summary-list__row").filter(has_text="Lead practitioner")
        expect(lead).to_contain_text(f"{HANNAH}, {HANNAH_AGENCY}")
        expect(lead.get_by_role("link", name=HANNAH_EMAIL)).to_have_attribute(
            "href", f"mailto:{HANNAH_EMAIL}"
        )
        # Who the child is and where they live stay hidden; no way into the record.
        assert_nothing_of(other, child)
        expect(other.get_by_role("link", name="Open the record")).to_have_count(0)
        expect(other.locator(f'a[href="/families/{family_id}"]')).to_have_count(0)
        if searcher.startswith("derbyshire."):
            expect(card).to_contain_text("ask the area's early help team")
            expect(other.locator(f'a[href*="/families/{family_id}"]')).to_have_count(0)
        else:
            emergency = card.get_by_role("link", name="ask for emergency access")
            expect(emergency).to_have_attribute("href", f"/families/{family_id}/break-glass")
        check_accessibility(other)


def test_recording_a_new_family_after_a_search_finds_no_match(page: Page, base_url: str) -> None:
    child = Child("Rosalind", postcode="DE22 1HF")
    sign_in(page, base_url, "derby.school", path="/families", check_pages=False)
    expect(page.get_by_role("heading", level=1, name="Your families")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Find or record a family").click()

    search(page, child.given, child.surname, child.born)
    expect(page.get_by_role("heading", level=2, name="No match found")).to_be_visible()
    expect(page.locator(".govuk-summary-card")).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Search results"))
    check_accessibility(page)

    page.get_by_role("button", name="Record a new family").click()
    expect(page.get_by_role("heading", level=1, name="Record a new family")).to_be_visible()
    # What was searched for is carried into the form (by POST, not in the address).
    expect(page.get_by_label("First names")).to_have_value(child.given)
    expect(page.get_by_label("Last name", exact=True)).to_have_value(child.surname)
    expect_date(page, "Date of birth", child.born)
    assert child.surname not in page.url
    check_accessibility(page)

    fill_household_and_child(page, child, names=False)
    family_id = submit_new_family(page)

    expect(page).to_have_url(f"{base_url}/families/{family_id}")
    expect_record_of(page, child)
    expect(person_card(page, child)).to_contain_text("Child")
    expect(page.locator(".govuk-caption-l")).to_have_text("Derby City, North")
    expect(
        page.get_by_text("You can see this record because: you recorded this family")
    ).to_be_visible()
    expect(page.get_by_text("This family has no lead practitioner yet.")).to_be_visible()
    check_accessibility(page)

    # It is among "Your families", as recorded by this practitioner.
    page.get_by_role("link", name="Your families").first.click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=child.name))
    expect(row).to_contain_text("Recorded by you")
    expect(row).to_contain_text("Open")


def test_withdrawing_consent_closes_the_record_and_shuts_out_the_creator_but_not_the_manager(
    page: Page, browser: Browser, base_url: str
) -> None:
    child = Child("Harriet")
    parent = f"Sarah {child.surname}"
    today = date.today()
    # derby.school records the family and does NOT take the lead.
    sign_in(page, base_url, "derby.school", path="/families", check_pages=False)
    family_id = record_family(page, base_url, child)
    record_url = f"{base_url}/families/{family_id}"
    expect(page.get_by_text("This family has no lead practitioner yet.")).to_be_visible()
    record_consent(page, child, RECORD_CONSENT, today - timedelta(days=20), parent)
    row = consent_row(page, RECORD_CONSENT)
    expect(row).to_contain_text(child.name)
    expect(row).to_contain_text("Given")
    expect(row).to_contain_text(f"{parent} (written, ")
    check_accessibility(page)

    with another_user(browser, base_url, "derby.manager") as manager:
        manager.goto(record_url)
        expect_record_of(manager, child)
        expect(
            manager.get_by_text("You can see this record because: you are an area manager")
        ).to_be_visible()

        withdraw_consent_to_the_record(page, child, "Family moved to private support")

        # Not the lead: sent to "Your families", told the record is closed.
        page.wait_for_url(f"{base_url}/families?closed=1")
        banner = page.locator(".govuk-notification-banner")
        expect(banner).to_contain_text("Consent was withdrawn. The family's record is closed")
        check_accessibility(page)

        # The creator can no longer open it, nor ask for emergency access.
        response = page.goto(record_url)
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", level=1, name=NO_ACCESS)).to_be_visible()
        expect(page.get_by_text("Consent to keep this record was withdrawn")).to_be_visible()
        expect(page.get_by_role("link", name="ask for emergency access")).to_have_count(0)
        assert_nothing_of(page, child)
        check_accessibility(page)

        # The area manager still can: closed, restricted, and why.
        manager.reload()
        heading = manager.get_by_role("heading", level=1)
        expect(heading).to_contain_text(f"{child.name}'s family")
        expect(heading.get_by_text("Closed", exact=True)).to_be_visible()
        expect(heading.get_by_text("Restricted", exact=True)).to_be_visible()
        expect(
            manager.get_by_text("only its lead practitioner and area managers can open it")
        ).to_be_visible()
        withdrawn = consent_row(manager, RECORD_CONSENT)
        expect(withdrawn).to_contain_text("Withdrawn")
        expect(withdrawn).to_contain_text("Family moved to private support")
        expect(withdrawn.get_by_role("link", name=re.compile("^Withdraw"))).to_have_count(0)
        check_accessibility(manager)


def test_a_family_restricted_by_withdrawn_consent_leaves_the_creators_list(
    page: Page, base_url: str
) -> None:
    """Once consent to keep the record is withdrawn, only the lead practitioner and
    area managers may open it (README, "Access"). A creator who is not the lead is
    refused the record, so "Your families" should not name the child or link to it."""
    child = Child("Penelope")
    sign_in(page, base_url, "derby.school", path="/families", check_pages=False)
    family_id = record_family(page, base_url, child)
    record_consent(page, child, RECORD_CONSENT, date.today(), f"Mark {child.surname}", check=False)
    withdraw_consent_to_the_record(page, child, "They no longer want a record kept")
    page.wait_for_url(f"{base_url}/families?closed=1")
    expect(page.get_by_role("heading", level=1, name="Your families")).to_be_visible()

    expect(page.locator(f'a[href="/families/{family_id}"]')).to_have_count(0)
    expect(page.get_by_text(child.name)).to_have_count(0)


def test_emergency_access_is_given_for_a_reason_and_the_area_manager_reviews_it(
    page: Page, browser: Browser, base_url: str
) -> None:
    child = Child("Matilda")
    reason = f"Child disclosed harm at clinic today (ref {unique_word()})"
    sign_in(page, base_url, "derby.school", path="/families", check_pages=False)
    family_id = record_family(page, base_url, child)
    page.get_by_role("button", name="Become the lead practitioner").click()
    expect_lead(page, HANNAH, HANNAH_AGENCY, HANNAH_EMAIL)
    record_url = f"{base_url}/families/{family_id}"

    with another_user(browser, base_url, "derby.health") as health:
        response = health.goto(record_url)
        assert response is not None and response.status == 403
        expect(health.get_by_role("heading", level=1, name=NO_ACCESS)).to_be_visible()
        expect(
            health.get_by_text(f"Contact the lead practitioner, {HANNAH}, {HANNAH_AGENCY}")
        ).to_be_visible()
        expect(health.get_by_role("link", name=HANNAH_EMAIL)).to_be_visible()
        assert_nothing_of(health, child)
        check_accessibility(health)

        health.get_by_role("link", name="ask for emergency access").click()
        expect(health).to_have_url(f"{record_url}/break-glass")
        expect(
            health.get_by_role("heading", level=1, name="Ask for emergency access")
        ).to_be_visible()
        check_accessibility(health)

        # Too short a reason is refused, and what was typed is kept.
        health.get_by_label("Why do you need to see this record now?").fill("urgent")
        health.get_by_role("button", name="Open the record").click()
        expect(health.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(health).to_have_title(re.compile(r"^Error: "))
        expect(
            health.get_by_role("link", name=re.compile("Reason must be at least 10"))
        ).to_be_visible()
        expect(health.get_by_label("Why do you need to see this record now?")).to_have_value(
            "urgent"
        )
        assert_nothing_of(health, child)
        check_accessibility(health)

        health.get_by_label("Why do you need to see this record now?").fill(reason)
        health.get_by_role("button", name="Open the record").click()
        health.wait_for_url(record_url)
        expect_record_of(health, child)
        expect(health.get_by_text("emergency access (break-glass)")).to_be_visible()
        expect(health.get_by_text("Your emergency access is time-limited")).to_be_visible()
        check_accessibility(health)

    with another_user(browser, base_url, "derby.manager") as manager:
        # The home page says what is waiting for the manager.
        waiting = manager.get_by_role("region", name="Waiting for you")
        expect(
            waiting.get_by_role("link", name=re.compile("emergency access to review"))
        ).to_be_visible()
        check_accessibility(manager)
        navigation = manager.locator(".govuk-service-navigation").get_by_role("navigation")
        navigation.get_by_role("link", name="Emergency access").click()
        expect(manager).to_have_url(f"{base_url}/access/break-glass")
        expect(
            manager.get_by_role("heading", level=1, name="Emergency access to review")
        ).to_be_visible()
        grant = manager.locator(".govuk-summary-card").filter(has_text=reason)
        expect(grant).to_have_count(1)
        expect(grant.get_by_role("heading", level=2)).to_have_text(f"{SAMUEL}, {SAMUEL_AGENCY}")
        expect(grant).to_contain_text(reason)
        check_accessibility(manager)

        # What they looked at: the family's access history.
        grant.get_by_role("link", name="What they looked at").click()
        expect(manager).to_have_url(f"{record_url}/access-history")
        expect(manager.get_by_role("heading", level=1, name="Access history")).to_be_visible()
        history = manager.get_by_role("table", name="Access to this record")
        samuel = history.get_by_role("row").filter(has_text=SAMUEL)
        expect(samuel.filter(has_text="break glass")).to_have_count(1)
        expect(
            samuel.filter(has_text="family viewed").filter(has_text="refused")
        ).not_to_have_count(0)
        expect(
            samuel.filter(has_text="family viewed").filter(has_text="success")
        ).not_to_have_count(0)
        check_accessibility(manager)

        # Reviewed as justified, it leaves the list.
        manager.go_back()
        grant = manager.locator(".govuk-summary-card").filter(has_text=reason)
        grant.get_by_label("Yes", exact=True).check()
        grant.get_by_role("button", name="Record review").click()
        manager.wait_for_url(f"{base_url}/access/break-glass")
        expect(
            manager.get_by_role("heading", level=1, name="Emergency access to review")
        ).to_be_visible()
        expect(manager.get_by_text(reason)).to_have_count(0)


def test_a_practitioner_in_another_area_gets_page_not_found_for_a_family_url(
    page: Page, browser: Browser, base_url: str
) -> None:
    child = Child("Florence")
    sign_in(page, base_url, "derby.school", path="/families", check_pages=False)
    family_id = record_family(page, base_url, child)
    page.get_by_role("button", name="Become the lead practitioner").click()
    expect_lead(page, HANNAH, HANNAH_AGENCY, HANNAH_EMAIL)

    with another_user(browser, base_url, "derbyshire.school") as other:
        for path in ("", "/break-glass", "/consent/new", "/people/new", "/lead/transfer"):
            response = other.goto(f"{base_url}/families/{family_id}{path}")
            assert response is not None and response.status == 404, path
            expect(other.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
            expect(other.get_by_role("link", name="ask for emergency access")).to_have_count(0)
            expect(other.get_by_text(HANNAH)).to_have_count(0)
            assert_nothing_of(other, child)
        check_accessibility(other)
        # The same page as for a family that does not exist at all.
        unknown = other.goto(f"{base_url}/families/999999999")
        assert unknown is not None and unknown.status == 404
        expect(other.get_by_role("heading", level=1, name="Page not found")).to_be_visible()


def test_find_record_and_add_consent_without_javascript(
    page_without_js: Page, base_url: str
) -> None:
    page = page_without_js
    child = Child("Imogen")
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))

    search(page, child.given, child.surname, child.born)
    expect(page.get_by_role("heading", level=2, name="No match found")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Record a new family").click()
    expect(page.get_by_role("heading", level=1, name="Record a new family")).to_be_visible()
    expect(page.get_by_label("First names")).to_have_value(child.given)
    expect(page.get_by_label("Last name", exact=True)).to_have_value(child.surname)

    # First with two mistakes: a postcode that is not one, and no gender.
    page.get_by_role("group", name="Locality").get_by_label("South", exact=True).check()
    page.get_by_label("Address line 1").fill(child.address)
    page.get_by_label("Town or city").fill(child.town)
    page.get_by_label("Postcode", exact=True).fill("NOTAPC")
    page.get_by_role("button", name="Record family").click()
    page.wait_for_load_state("load")

    expect(page).to_have_title(re.compile(r"^Error: Record a new family"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    postcode_error = summary.get_by_role("link", name="Enter a real postcode, like DE1 2AB")
    expect(postcode_error).to_have_attribute("href", "#postcode")
    gender_error = summary.get_by_role("link", name="Select their gender, or Not known")
    expect(gender_error).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(2)
    # Each field says what is wrong, next to it.
    expect(page.locator("#postcode-error")).to_contain_text("Enter a real postcode")
    # Everything typed is still there.
    expect(page.get_by_label("South", exact=True)).to_be_checked()
    expect(page.get_by_label("Address line 1")).to_have_value(child.address)
    expect(page.get_by_label("Town or city")).to_have_value(child.town)
    expect(page.get_by_label("Postcode", exact=True)).to_have_value("NOTAPC")
    expect(page.get_by_label("First names")).to_have_value(child.given)
    expect(page.get_by_label("Last name", exact=True)).to_have_value(child.surname)
    expect_date(page, "Date of birth", child.born)
    check_accessibility(page)

    page.get_by_label("Postcode", exact=True).fill(child.postcode)
    page.get_by_role("group", name="Gender").get_by_label(child.gender, exact=True).check()
    submit_new_family(page)
    expect_record_of(page, child)
    expect(page.locator(".govuk-caption-l")).to_have_text("Derby City, South")
    check_accessibility(page)

    parent = f"Anna {child.surname}"
    record_consent(page, child, "To the Early Help Assessment", date.today(), parent)
    row = consent_row(page, "To the Early Help Assessment")
    expect(row).to_contain_text(child.name)
    expect(row).to_contain_text("Given")
    expect(row).to_contain_text(parent)
    expect(page.get_by_text("No consent recorded yet")).to_have_count(0)
    check_accessibility(page)


def test_error_summary_links_take_the_keyboard_to_the_field(page: Page, base_url: str) -> None:
    surname = f"Keyboard{unique_word()}"
    sign_in(page, base_url, "derby.health", path="/families/find", check_pages=False)
    expect(
        page.get_by_role("heading", level=1, name="Check if a family is already known")
    ).to_be_visible()
    page.get_by_label("Child's last name").fill(surname)
    page.get_by_label("NHS number (if known)").fill("123")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state("load")

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # GOV.UK Frontend moves focus to the summary, so the next Tab is its first link.
    expect(summary).to_be_focused()
    expect(page.get_by_label("Child's last name")).to_have_value(surname)
    expect(page.get_by_label("NHS number (if known)")).to_have_value("123")
    check_accessibility(page)

    page.keyboard.press("Tab")
    first_error = summary.get_by_role("link", name="Enter the child's first name")
    expect(first_error).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Child's first name")).to_be_focused()

    # And the next error's link, reached from the first with Tab.
    first_error.focus()
    page.keyboard.press("Tab")
    nhs_error = summary.get_by_role("link", name="Enter a valid NHS number, like 943 476 5919")
    expect(nhs_error).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("NHS number (if known)")).to_be_focused()


def test_people_information_sharing_and_a_lead_transfer(
    page: Page, browser: Browser, base_url: str
) -> None:
    child = Child("Beatrice")
    # The proposed lead must have signed in once for the portal to know them.
    with another_user(browser, base_url, "derby.health"):
        pass
    sign_in(page, base_url, "derby.school", path="/families", check_pages=False)
    family_id = record_family(page, base_url, child)
    record_url = f"{base_url}/families/{family_id}"
    page.get_by_role("button", name="Become the lead practitioner").click()
    expect_lead(page, HANNAH, HANNAH_AGENCY, HANNAH_EMAIL)

    # A parent.
    parent = Child("Catherine", surname=child.surname, born=date(1988, 6, 14))
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1, name="Add a person to the family")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("First names").fill(parent.given)
    page.get_by_label("Last name", exact=True).fill(parent.surname)
    page.get_by_role("group", name="Role in the family").get_by_label("Parent or carer").check()
    fill_date(page, "Date of birth", parent.born)
    page.get_by_role("group", name="Gender").get_by_label("Female", exact=True).check()
    page.get_by_role("button", name="Add person").click()
    page.wait_for_url(re.compile(re.escape(record_url) + r"#person-\d+$"))
    card = person_card(page, parent)
    expect(card).to_contain_text("Parent or carer")
    expect(card).to_contain_text(parent.born_text)

    # A decision to share information.
    page.get_by_role("link", name="Record a decision to share or not share").click()
    expect(
        page.get_by_role(
            "heading", level=1, name="Record a decision to share or not share information"
        )
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Shared information").check()
    page.get_by_label("What information?").fill("Attendance and the family's current worries")
    page.get_by_label("Agency", exact=True).fill("School nursing")
    page.get_by_label("Why?").fill("To plan support with the school nurse")
    page.get_by_label("With consent").check()
    fill_date(page, "Date of the decision", date.today())
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(f"{record_url}#sharing")
    expect(
        page.get_by_role("heading", level=3, name="Shared information: School nursing")
    ).to_be_visible()
    check_accessibility(page)

    # Propose a new lead: someone the portal does not know first, then Samuel.
    page.get_by_role("link", name="Propose a new lead practitioner").click()
    expect(
        page.get_by_role("heading", level=1, name="Propose a new lead practitioner")
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Their work email address").fill("nobody@example.invalid")
    page.get_by_label("Why should they lead?").fill("Health needs are the main worry")
    page.get_by_role("button", name="Send proposal").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(
        page.get_by_role("link", name=re.compile("^No practitioner with that email"))
    ).to_be_visible()
    expect(page.get_by_label("Why should they lead?")).to_have_value(
        "Health needs are the main worry"
    )
    check_accessibility(page)
    page.get_by_label("Their work email address").fill(SAMUEL_EMAIL)
    page.get_by_role("button", name="Send proposal").click()
    page.wait_for_url(f"{record_url}#lead")
    expect(page.locator("#pending-transfer")).to_contain_text(
        f"{HANNAH} has proposed that {SAMUEL} ({SAMUEL_AGENCY})"
    )

    with another_user(browser, base_url, "derby.health") as health:
        health.goto(base_url + "/families")
        waiting = health.locator(f'a[href="/families/{family_id}#pending-transfer"]')
        expect(waiting).to_have_text(
            re.compile(f"^{HANNAH} asked you to become a lead practitioner")
        )
        waiting.click()
        expect(health).to_have_url(re.compile(re.escape(record_url) + "#pending-transfer$"))
        expect(
            health.get_by_text("You have been asked to become the lead practitioner")
        ).to_be_visible()
        check_accessibility(health)
        health.get_by_role("button", name="Accept and become lead").click()
        health.wait_for_url(f"{record_url}#lead")
        expect_lead(health, SAMUEL, SAMUEL_AGENCY, SAMUEL_EMAIL)
        expect(
            health.get_by_text("You can see this record because: you are the lead")
        ).to_be_visible()
        assert family_id_of(health) == family_id
