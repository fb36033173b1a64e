"""Find before create in two bands, walked in Chromium with and without
JavaScript, axe on every page: a family that moved (the same common name and
birthday at another postcode) and a one-letter slip at the same address and
birthday are each shown under "Possibly the same child: check before you
record a new family" with their reasons, never "No match found"; a search
with no date of birth lists the child and asks for one; recording anyway
warns in the same band."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import Child, fill_household_and_child, record_family, search

POSSIBLE = "Possibly the same child: check before you record a new family"


def possible_card(page: Page, name: str) -> Locator:
    band = page.locator("#possible ~ .govuk-summary-card").filter(has_text=name)
    expect(page.get_by_role("heading", level=3, name=POSSIBLE)).to_be_visible()
    expect(band).to_have_count(1)
    return band


@pytest.mark.parametrize("fixture", ["page", "page_without_js"])
def test_a_family_that_moved_and_a_slip_are_shown_to_check(
    fixture: str, request: pytest.FixtureRequest, base_url: str
) -> None:
    page: Page = request.getfixturevalue(fixture)
    # A common name on a birthday no other test uses, so the search is about this child.
    born = date(2013, 2, 27) if fixture == "page" else date(2011, 9, 14)
    oliver = Child("Oliver", surname="Smith", born=born, postcode="DE22 1HF")
    sign_in(page, base_url, "derby.school", path="/families")
    record_family(page, base_url, oliver)

    page.goto(base_url + "/families/find")
    page.get_by_label("Postcode (if known)").fill("DE1 3AB")  # they moved
    search(page, "Oliver", "Smith", born)
    expect(page.get_by_role("heading", level=2, name="No match found")).to_have_count(0)
    card = possible_card(page, "Oliver Smith")
    expect(card).to_contain_text("date of birth matches")
    expect(card).to_contain_text("postcodes differ")
    check_accessibility(page)

    katherine = Child("Katherine", born=born)
    record_family(page, base_url, katherine)
    page.goto(base_url + "/families/find")
    page.get_by_label("Postcode (if known)").fill(katherine.postcode)
    search(page, "Katherinee", katherine.surname, born)
    shown = page.locator(".govuk-summary-card").filter(has_text=f"Katherine {katherine.surname}")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("could be a twin")
    check_accessibility(page)

    # No date of birth: the child is listed, and the page asks for one.
    page.goto(base_url + "/families/find")
    search(page, "Katherine", katherine.surname)
    expect(page.get_by_text("Add the child's date of birth to your search")).to_be_visible()
    expect(
        page.locator(".govuk-summary-card").filter(has_text=f"Katherine {katherine.surname}")
    ).to_have_count(1)
    check_accessibility(page)

    # Recording the moved family anyway: the create form warns in the same band.
    page.goto(base_url + "/families/new")
    moved = Child("Oliver", surname="Smith", born=born, postcode="DE1 3AB")
    fill_household_and_child(page, moved)
    page.get_by_role("button", name="Record family").click()
    expect(page.get_by_role("heading", level=2, name=POSSIBLE)).to_be_visible()
    expect(page.locator("#possible-duplicates")).to_contain_text("Oliver Smith")
    expect(page.get_by_label("Postcode", exact=True)).to_have_value("DE1 3AB")  # kept
    check_accessibility(page)
