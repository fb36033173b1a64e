"""Browser tests for issue 20, items 12 and 13, with and without JavaScript,
axe on each page:

- 12: "Team Around the Family reviews held on time" counts a review held the
  same day as the meeting that set its review date as on time (seeded straight
  into the shared database for years no other test touches: 2009 and 2010).
- 13: adding a parent who may already be known warns of an adult, not a child;
  and a report's CSV says ``text/csv; charset=utf-8`` once.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import Child, fill_date, person_card, record_family
from tests.support.sql import fetch

TITLE = "Team Around the Family reviews held on time"
# JavaScript on, JavaScript off: each its own year, so neither counts the other's
YEARS = {"page": 2009, "page_without_js": 2010}


def seed_reviews(database_url: str, year: int) -> None:
    """Three Derby families' meetings in one statement, recorded in this order:

    - 1: TAF meeting 9 March, review the same day (on time);
    - 2: TAF meeting 11 May, two reviews the same day and one on 22 June, the
      date set (all on time);
    - 3: TAF meeting 3 August, review 15 September, a day after the date set (late).

    4 of 5 on time; counting earlier days' meetings only said 1 of 5."""
    meetings = [
        (1, "taf", date(year, 3, 9), date(year, 4, 20)),
        (1, "review", date(year, 3, 9), date(year, 4, 20)),
        (2, "taf", date(year, 5, 11), date(year, 6, 22)),
        (2, "review", date(year, 5, 11), date(year, 6, 22)),
        (2, "review", date(year, 5, 11), date(year, 6, 22)),
        (2, "review", date(year, 6, 22), date(year, 8, 3)),
        (3, "taf", date(year, 8, 3), date(year, 9, 14)),
        (3, "review", date(year, 9, 15), date(year, 10, 27)),
    ]
    fetch(
        database_url,
        "WITH manager AS ("
        "  SELECT id FROM portal_user WHERE email LIKE 'derby.manager%'"
        "  OR roles LIKE '%derby.area_manager%' ORDER BY id LIMIT 1),"
        " made AS ("
        "  INSERT INTO family (area, locality, address_line_1, address_line_2, town, postcode,"
        "  created_at, updated_at, statutory_lead, status, closure_reason, restricted, version)"
        "  SELECT 'derby', 'north', '', '', '', '', at, at, '', 'open', '', false, 1"
        "  FROM unnest($1::timestamptz[]) AS t(at)"
        "  RETURNING id, created_at),"
        " numbered AS (SELECT id, row_number() OVER (ORDER BY created_at) AS n FROM made)"
        " INSERT INTO taf_meeting (family, kind, held_on, chair, family_attended,"
        " exclusion_reason, family_told, not_told_reason, minutes, next_review_on,"
        " recorded_by, recorded_at, version, idempotency_key)"
        " SELECT numbered.id, m.kind, m.held_on, '', true, '', NULL, '', '', m.next_review_on,"
        " manager.id, now(), 1, NULL"
        " FROM unnest($2::int[], $3::text[], $4::date[], $5::date[]) WITH ORDINALITY"
        "   AS m(fam, kind, held_on, next_review_on, ord)"
        " JOIN numbered ON numbered.n = m.fam CROSS JOIN manager"
        " ORDER BY m.ord",
        [datetime(year, 1, day, 12, tzinfo=UTC) for day in (5, 6, 7)],
        [m[0] for m in meetings],
        [m[1] for m in meetings],
        [m[2] for m in meetings],
        [m[3] for m in meetings],
    )


@pytest.mark.parametrize("fixture", ["page", "page_without_js"])
def test_reviews_held_the_day_their_date_was_set_are_on_time(
    fixture: str, request: pytest.FixtureRequest, base_url: str, e2e_database_url: str
) -> None:
    page: Page = request.getfixturevalue(fixture)
    year = YEARS[fixture]
    sign_in(page, base_url, "derby.manager", path="/reports")
    expect(page.get_by_role("heading", level=1, name="Reports")).to_be_visible()
    seed_reviews(e2e_database_url, year)

    fill_date(page, "From", date(year, 1, 1))
    fill_date(page, "To", date(year, 12, 31))
    page.get_by_label("Locality", exact=True).select_option(label="All localities")
    page.get_by_role("button", name="Show figures").click()
    expect(
        page.get_by_role(
            "heading", name=f"Derby City, all localities: 1 January {year} to 31 December {year}"
        )
    ).to_be_visible()
    check_accessibility(page)

    section = page.locator("section", has=page.get_by_role("heading", name=TITLE, exact=True))
    table = section.get_by_role("table", name=f"{TITLE}: the figures")
    expect(table.locator("tbody th")).to_have_text(["On time", "Late"])
    expect(table.locator("tbody td")).to_have_text(["4 of 5 (80%)", "1 of 5 (20%)"])
    summary = f"{TITLE}. On time: 4 of 5 (80%); Late: 1 of 5 (20%)."
    expect(section.locator("p").filter(has_text=summary)).to_be_visible()

    # its CSV: the same figure, and the type said once
    link = section.get_by_role("link", name=f"Download “{TITLE}” as a spreadsheet (CSV)")
    href = link.get_attribute("href")
    assert href is not None
    response = page.request.get(base_url + href if href.startswith("/") else href)
    assert response.status == 200
    assert [
        (h["name"].lower(), h["value"])
        for h in response.headers_array
        if h["name"].lower() == "content-type"
    ] == [("content-type", "text/csv; charset=utf-8")]
    text = response.body().decode("utf-8-sig")
    assert f"{TITLE},On time,4,5,80,4 of 5 (80%)" in text


@pytest.mark.parametrize("fixture", ["page", "page_without_js"])
def test_a_parent_who_may_be_known_is_called_an_adult(
    fixture: str, request: pytest.FixtureRequest, base_url: str
) -> None:
    page: Page = request.getfixturevalue(fixture)
    sign_in(page, base_url, "derby.school", path="/families", check_pages=False)
    first = Child("Rosalind")
    parent = Child("Bernadette", surname=first.surname, born=adult_birthday())
    record_family(page, base_url, first)
    add_parent(page, parent)
    expect(person_card(page, parent)).to_contain_text("Parent or carer")

    # The same mother, added to another family she also belongs to.
    second = Child("Tobias")
    second_id = record_family(page, base_url, second)
    add_parent(page, parent)
    expect(page.get_by_role("heading", level=1, name="Add a person to the family")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "This may be an adult the portal already knows. Check before you carry on."
    )
    expect(page.get_by_role("heading", level=2, name="Likely the same adult")).to_be_visible()
    expect(page.locator("#duplicates")).to_contain_text(parent.name)
    confirm = page.get_by_label("I have checked: this is a different adult, record them anyway")
    expect(confirm).to_be_visible()
    expect(page.get_by_text("the same child")).to_have_count(0)
    expect(page.get_by_text("a child the portal already knows")).to_have_count(0)
    check_accessibility(page)

    # What was typed is kept; confirming adds her.
    expect(page.get_by_label("First names")).to_have_value(parent.given)
    confirm.check()
    page.get_by_role("button", name="Add person").click()
    page.wait_for_url(re.compile(re.escape(f"{base_url}/families/{second_id}") + r"#person-\d+$"))
    expect(person_card(page, parent)).to_contain_text("Parent or carer")
    check_accessibility(page)


def adult_birthday() -> date:
    """Different in each test, so one test's parent is never a match for another's."""
    rng = random.SystemRandom()
    return date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))


def add_parent(page: Page, parent: Child) -> None:
    """From a family record: "Add a person", a parent or carer, submitted."""
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1, name="Add a person to the family")).to_be_visible()
    page.get_by_label("First names").fill(parent.given)
    page.get_by_label("Last name", exact=True).fill(parent.surname)
    page.get_by_role("group", name="Role in the family").get_by_label("Parent or carer").check()
    fill_date(page, "Date of birth", parent.born)
    page.get_by_role("group", name="Gender").get_by_label("Female", exact=True).check()
    page.get_by_role("button", name="Add person").click()
    page.wait_for_load_state("load")
