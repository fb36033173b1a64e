"""Helpers for the family-record browser tests: unique fictional families,
filling the portal's forms by their labels, and a second signed-in user.

The browser tests share one portal and one database for the whole session, so
every test makes its own family with a surname nobody else will have."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_accessibility, sign_in

CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"
RECORD_URL = re.compile(r"/families/(\d+)(#.*)?$")
SURNAMES_USED: list[str] = []  # every surname typed in this session, for the log checks


def unique_surname() -> str:
    """A pronounceable, one-word surname no other test will use, like "Kodabetinor".

    One word on purpose: the matcher treats each part of a double-barrelled
    name as the family name, so "Smith-Jones-xyz" would match every other
    "Smith-Jones" in the shared database."""
    rng = random.SystemRandom()
    syllables = "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(4))
    surname = (syllables + rng.choice(CONSONANTS) + "or").capitalize()
    SURNAMES_USED.append(surname)
    return surname


def unique_word(length: int = 6) -> str:
    rng = random.SystemRandom()
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(length))


def random_birthday() -> date:
    """A date of birth for a child aged about 6 to 14, different in each test, so a
    family made by one test is never a likely duplicate of another test's."""
    rng = random.SystemRandom()
    return date(rng.randint(2012, 2020), rng.randint(1, 12), rng.randint(1, 28))


def random_postcode() -> str:
    """A Derby postcode for a made-up household, like "DE7 4LB".

    Never in DE22, the district the integration tests' households use: two
    children with the same first name and date of birth in the same postcode
    sector are rightly flagged as a possible duplicate."""
    rng = random.SystemRandom()
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    inward = f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    return f"DE{rng.randint(1, 21)} {inward}"


def transposed(name: str) -> str:
    """The name with two neighbouring letters swapped: a typical typing slip."""
    for i in range(2, len(name) - 1):
        if name[i] != name[i + 1]:
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    raise ValueError(f"no two different neighbouring letters in {name!r}")


@dataclass
class Child:
    """A fictional child and household to record."""

    given: str
    surname: str = field(default_factory=unique_surname)
    born: date = field(default_factory=random_birthday)
    locality: str = "North"
    address: str = field(default_factory=lambda: f"{random.randint(2, 98)} Larch Road")
    town: str = "Derby"
    postcode: str = field(default_factory=random_postcode)
    gender: str = "Female"

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"

    @property
    def born_text(self) -> str:
        """As the portal shows it: "4 March 2016"."""
        return f"{self.born.day} {self.born:%B %Y}"


# ------------------------------------------------------------ second users --


@contextmanager
def another_user(browser: Browser, base_url: str, username: str) -> Iterator[Page]:
    """A second person at another computer: a fresh browser context, signed in."""
    context = browser.new_context(java_script_enabled=True, locale="en-GB")
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, base_url, username, check_pages=False)
        yield page
    finally:
        context.close()


# ------------------------------------------------------------------ forms --


def date_group(page: Page, legend: str) -> Locator:
    """A GOV.UK date input, found by its fieldset's legend."""
    return page.get_by_role("group", name=legend, exact=True)


def fill_date(page: Page, legend: str, value: date) -> None:
    group = date_group(page, legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def expect_date(page: Page, legend: str, value: date) -> None:
    group = date_group(page, legend)
    expect(group.get_by_label("Day")).to_have_value(str(value.day))
    expect(group.get_by_label("Month")).to_have_value(str(value.month))
    expect(group.get_by_label("Year")).to_have_value(str(value.year))


def search(
    page: Page, given: str, surname: str, born: date | None = None, *, check: bool = True
) -> None:
    """On "Check if a family is already known": type the child's details and search."""
    expect(
        page.get_by_role("heading", level=1, name="Check if a family is already known")
    ).to_be_visible()
    if check:
        check_accessibility(page)
    page.get_by_label("Child's first name").fill(given)
    page.get_by_label("Child's last name").fill(surname)
    if born is not None:
        fill_date(page, "Date of birth (if known)", born)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state("load")


def fill_household_and_child(page: Page, child: Child, *, names: bool = True) -> None:
    """The "Record a new family" form, all but the button."""
    page.get_by_role("group", name="Locality").get_by_label(child.locality, exact=True).check()
    page.get_by_label("Address line 1").fill(child.address)
    page.get_by_label("Town or city").fill(child.town)
    page.get_by_label("Postcode", exact=True).fill(child.postcode)
    if names:
        page.get_by_label("First names").fill(child.given)
        page.get_by_label("Last name", exact=True).fill(child.surname)
    fill_date(page, "Date of birth", child.born)
    page.get_by_role("group", name="Gender").get_by_label(child.gender, exact=True).check()


def submit_new_family(page: Page) -> int:
    """Press "Record family" and wait for the new record; its id."""
    page.get_by_role("button", name="Record family").click()
    duplicates = page.locator("#duplicates, #possible-duplicates")
    people = page.get_by_role("heading", level=2, name="People")
    expect(people.or_(duplicates.first)).to_be_visible()
    if duplicates.count():
        pytest.fail(
            "the portal warned of a duplicate: " + duplicates.first.inner_text(), pytrace=False
        )
    page.wait_for_load_state("load")
    return family_id_of(page)


def family_id_of(page: Page) -> int:
    match = RECORD_URL.search(page.url)
    assert match, f"not on a family record: {page.url}"
    return int(match.group(1))


def record_family(page: Page, base_url: str, child: Child, *, check: bool = False) -> int:
    """Record a family from the empty "Record a new family" form; the new family's id."""
    page.goto(base_url + "/families/new")
    expect(page.get_by_role("heading", level=1, name="Record a new family")).to_be_visible()
    if check:
        check_accessibility(page)
    fill_household_and_child(page, child)
    family_id = submit_new_family(page)
    expect_record_of(page, child)
    return family_id


def expect_record_of(page: Page, child: Child) -> None:
    """On the family record: its heading and the child's summary card."""
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{child.name}'s family")
    card = person_card(page, child)
    expect(card).to_contain_text(child.born_text)
    expect(card).to_contain_text(child.gender)
    expect(page.locator("#household")).to_contain_text(child.address)


def person_card(page: Page, child: Child) -> Locator:
    return page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", level=3, name=child.name)
    )


def record_consent(
    page: Page,
    child: Child,
    purpose: str,
    given_on: date,
    given_by_name: str,
    *,
    check: bool = True,
) -> None:
    """From the family record: "Record consent", fill the form, submit, back on the record."""
    page.get_by_role("link", name="Record consent").click()
    expect(page.get_by_role("heading", level=1, name="Record consent")).to_be_visible()
    if check:
        check_accessibility(page)
    page.get_by_label("Whose consent is this?").select_option(label=child.name)
    page.get_by_role("group", name="What is it for?").get_by_label(purpose).check()
    expect(page.get_by_label("Yes, consent was given")).to_be_checked()  # the default
    page.get_by_label("A parent or carer").check()
    page.get_by_label("Their name").fill(given_by_name)
    page.get_by_label("Written", exact=True).check()
    fill_date(page, "When?", given_on)
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_url(RECORD_URL)
    page.wait_for_load_state("load")


def consent_row(page: Page, purpose: str) -> Locator:
    table = page.get_by_role("table", name="Consent, newest first")
    return table.get_by_role("row").filter(has_text=purpose)
