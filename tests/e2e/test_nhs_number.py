"""Issue 23, item 3: a child's NHS number, or why there is none, walked in
Chromium as a Derby practitioner would, with JavaScript and without, axe on
every page reached.

What it proves: recording a family says why the child has no NHS number, and
the record shows the reason; a child with neither is flagged on the record
with a link that leads to the form asking for either; an NHS number added
later replaces the reason, spaced as the NHS writes it."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import (
    Child,
    fill_household_and_child,
    person_card,
    submit_new_family,
)

BOTH_WAYS = [
    pytest.param("page", id="with-js"),
    pytest.param("page_without_js", id="without-js"),
]
WHY_NOT = "If a child has no NHS number: why not? (optional)"
NOT_KNOWN = "Unknown, and finding it now would cause unreasonable delay"
WOULD_NOT_HELP = "Using it would not help safeguard the child or promote their welfare"


def fresh_nhs_number() -> str:
    """A valid NHS number (Modulus 11) no other test uses: each search key on an
    NHS number is strong evidence, so a shared one would flag other tests'
    families as duplicates."""
    rng = random.SystemRandom()
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10 and len(set(digits)) > 1:
            return "".join(map(str, digits)) + str(check)


def signed_in(request: pytest.FixtureRequest, fixture: str, base_url: str) -> Page:
    page: Page = request.getfixturevalue(fixture)
    sign_in(page, base_url, "derby.school", path="/families")
    return page


@pytest.mark.parametrize("fixture", BOTH_WAYS)
def test_recording_a_child_says_why_there_is_no_nhs_number(
    request: pytest.FixtureRequest, fixture: str, base_url: str
) -> None:
    page = signed_in(request, fixture, base_url)
    child = Child("Imogen")
    page.goto(base_url + "/families/new")
    check_accessibility(page)
    fill_household_and_child(page, child)
    page.get_by_role("group", name=WHY_NOT).get_by_label(NOT_KNOWN).check()
    submit_new_family(page)
    check_accessibility(page)
    card = person_card(page, child)
    expect(card).to_contain_text(f"None. {NOT_KNOWN}.")

    # Later, the number is found: it replaces the reason.
    number = fresh_nhs_number()
    card.get_by_role("link", name=f"Change {child.name}'s details").click()
    check_accessibility(page)
    expect(page.get_by_role("group", name=WHY_NOT).get_by_label(NOT_KNOWN)).to_be_checked()
    page.get_by_label("NHS number (optional)").fill(number)
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("load")
    card = person_card(page, child)
    expect(card).to_contain_text(f"{number[:3]} {number[3:6]} {number[6:]}")
    expect(card).not_to_contain_text(NOT_KNOWN)


@pytest.mark.parametrize("fixture", BOTH_WAYS)
def test_a_child_with_neither_is_flagged_and_the_link_asks_for_either(
    request: pytest.FixtureRequest, fixture: str, base_url: str
) -> None:
    page = signed_in(request, fixture, base_url)
    child = Child("Felix", gender="Male")
    page.goto(base_url + "/families/new")
    fill_household_and_child(page, child)
    submit_new_family(page)
    card = person_card(page, child)
    expect(card.locator(".govuk-tag", has_text="Not recorded")).to_be_visible()
    card.get_by_role("link", name=f"Add it, or record why there is none for {child.name}").click()
    check_accessibility(page)
    page.get_by_role("group", name=WHY_NOT).get_by_label(WOULD_NOT_HELP).check()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("load")
    check_accessibility(page)
    card = person_card(page, child)
    expect(card).to_contain_text(f"None. {WOULD_NOT_HELP}.")
    expect(card.locator(".govuk-tag", has_text="Not recorded")).to_have_count(0)
