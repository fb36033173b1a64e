"""Find before create in two bands, walked in Chromium as a Derby practitioner
would, with JavaScript and without, axe on every page reached.

What it proves:

* a family that moved (the same common name and birthday, another postcode)
  is shown under "Possibly the same child: check before you record a new
  family", with "date of birth matches" and "postcodes differ" among the
  reasons, never "No match found"; recording them anyway warns in the same
  band and saves nothing until the practitioner says they have checked;
* a one-letter slip in the first name, at the same birthday and postcode, is
  shown with the reason that it could be a twin;
* a search by name alone lists the child and asks for a date of birth.

"Oliver Smith" is a common name on purpose. The browser tests share one
database, so each Oliver Smith here has a birthday no other test uses, and
the tests look for their own child's card (name and birthday), not at how many
cards there are. The other children have surnames made up for the test."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import Child, fill_household_and_child, record_family, search

BOTH_WAYS = [
    pytest.param("page", id="with-js"),
    pytest.param("page_without_js", id="without-js"),
]
POSSIBLE = "Possibly the same child: check before you record a new family"
ONLY_POSSIBLE = re.compile(r"^\d+ possible match(es)? to check$")
TWIN = "same date of birth and address, different first name: could be a twin"
ADD_DOB = re.compile(
    r"^Without a date of birth the portal cannot tell children with the same name apart\. "
    r"Add the child's date of birth to your search to be sure"
)
# One birthday per test and per way of running it: four Oliver Smiths in all, so
# the name-only search (which shows at most five possible matches) shows each.
MOVED_BORN = {"page": date(2014, 7, 23), "page_without_js": date(2011, 12, 5)}
NAME_ONLY_BORN = {"page": date(2019, 4, 16), "page_without_js": date(2012, 9, 30)}

# The cards under each band's heading: the likely band ends where the possible one starts.
BAND_CARDS = {
    "likely": "#likely ~ .govuk-summary-card:not(#possible ~ *)",
    "possible": "#possible ~ .govuk-summary-card",
}


def signed_in(request: pytest.FixtureRequest, fixture: str, base_url: str) -> Page:
    page: Page = request.getfixturevalue(fixture)
    sign_in(page, base_url, "derby.school", path="/families")
    return page


def record(page: Page, base_url: str, child: Child) -> None:
    """Record the family the test will look for (the form and the record checked)."""
    record_family(page, base_url, child, check=True)
    check_accessibility(page)


def search_from_your_families(
    page: Page,
    base_url: str,
    given: str,
    surname: str,
    born: date | None = None,
    postcode: str = "",
) -> None:
    """As a practitioner starts: "Your families", "Find or record a family", then search."""
    page.goto(base_url + "/families")
    expect(page.get_by_role("heading", level=1, name="Your families")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Find or record a family").click()
    if postcode:
        page.get_by_label("Postcode (if known)").fill(postcode)
    search(page, given, surname, born)  # checks the search page with axe
    expect(page).to_have_title(re.compile(r"^Search results"))


def card_of(page: Page, child: Child, band: str | None = None) -> Locator:
    """The result card for this child (titled with their name, giving their
    birthday), under the band's heading if one is given."""
    cards = page.locator(BAND_CARDS[band] if band else ".govuk-summary-card")
    title = page.get_by_role("heading", level=4, name=child.name, exact=True)
    return cards.filter(has=title).filter(has_text=f"Born {child.born_text}.")


def expect_a_match_found(page: Page) -> None:
    expect(page.get_by_role("heading", level=2, name="No match found")).to_have_count(0)


# ------------------------------------------------------------------- tests --


@pytest.mark.parametrize("fixture", BOTH_WAYS)
def test_a_family_that_moved_is_a_possible_match_and_recording_them_again_warns(
    fixture: str, request: pytest.FixtureRequest, base_url: str
) -> None:
    page = signed_in(request, fixture, base_url)
    oliver = Child("Oliver", surname="Smith", born=MOVED_BORN[fixture], postcode="DE22 1HF")
    record(page, base_url, oliver)

    search_from_your_families(page, base_url, "Oliver", "Smith", oliver.born, postcode="DE1 3AB")
    expect(page.get_by_role("heading", level=3, name=POSSIBLE)).to_be_visible()
    card = card_of(page, oliver, "possible")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Why it matches:")
    expect(card).to_contain_text("date of birth matches")
    expect(card).to_contain_text("postcodes differ")
    expect(card_of(page, oliver, "likely")).to_have_count(0)
    # Only possible matches: with a likely one it would read "1 likely match, 1 to check".
    expect(page.get_by_role("heading", level=2, name=ONLY_POSSIBLE)).to_be_visible()
    expect_a_match_found(page)
    check_accessibility(page)

    # Not sure it is them, the practitioner records the family at the new address:
    # the form warns in the same band and records nothing until they have checked.
    page.get_by_role("button", name="Record a new family").click()
    expect(page.get_by_role("heading", level=1, name="Record a new family")).to_be_visible()
    expect(page.get_by_label("Postcode", exact=True)).to_have_value("DE1 3AB")  # from the search
    check_accessibility(page)
    fill_household_and_child(page, replace(oliver, postcode="DE1 3AB"), names=False)
    page.get_by_role("button", name="Record family").click()
    expect(page.get_by_role("heading", level=2, name=POSSIBLE)).to_be_visible()
    warned = page.locator("#possible-duplicates").get_by_role("listitem")
    warned = warned.filter(has_text=f"Oliver Smith, born {oliver.born_text}")
    expect(warned).to_have_count(1)
    expect(warned).to_contain_text("date of birth matches")
    expect(warned).to_contain_text("postcodes differ")
    anyway = page.get_by_label("I have checked: this is a different child, record them anyway")
    expect(anyway).not_to_be_checked()
    expect(page.get_by_role("heading", level=1, name="Record a new family")).to_be_visible()
    check_accessibility(page)


@pytest.mark.parametrize("fixture", BOTH_WAYS)
def test_a_one_letter_slip_at_the_same_address_is_shown_as_could_be_a_twin(
    fixture: str, request: pytest.FixtureRequest, base_url: str
) -> None:
    page = signed_in(request, fixture, base_url)
    katherine = Child("Katherine")
    record(page, base_url, katherine)

    search_from_your_families(
        page, base_url, "Katherinee", katherine.surname, katherine.born, katherine.postcode
    )
    card = card_of(page, katherine)  # in either band
    expect(card).to_have_count(1)
    expect(card).to_contain_text("date of birth matches")
    expect(card).to_contain_text(TWIN)
    expect_a_match_found(page)
    check_accessibility(page)


@pytest.mark.parametrize("fixture", BOTH_WAYS)
def test_a_search_by_name_alone_lists_the_child_and_asks_for_a_date_of_birth(
    fixture: str, request: pytest.FixtureRequest, base_url: str
) -> None:
    page = signed_in(request, fixture, base_url)
    oliver = Child("Oliver", surname="Smith", born=NAME_ONLY_BORN[fixture])
    record(page, base_url, oliver)

    search_from_your_families(page, base_url, "Oliver", "Smith")
    expect(card_of(page, oliver)).to_have_count(1)
    expect(page.locator("#add-dob")).to_be_visible()
    expect(page.locator("#add-dob")).to_have_text(ADD_DOB)
    expect_a_match_found(page)
    check_accessibility(page)
