"""A random case audit in a real browser, as the Derby auditor (derby.auditor,
Farah Qureshi): draw a sample of 5 with a seed, draw again with the same seed
and get the same cases in the same order, review a case (the form says what is
missing first), and read the findings. Every page reached is checked with axe.

The episodes are seeded straight into the browser tests' database, in a period
and locality no other browser test uses (Derby East, 2019)."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from portal.db import bind_tables, engine_from_url
from portal.tables import CORE_TABLES
from tests.conftest import in_fresh_loop
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import fill_date
from tests.integration.test_case_audit import Episode, seed_episodes

SEED = "derby-east-2019"


def seed_database(database_url: str, episodes: list[Episode]) -> list[int]:
    """Write the episodes with the portal's own tables, bound for a moment to the
    browser tests' database (the server runs in its own process)."""
    saved = [table._meta._db for table in CORE_TABLES]  # None when never bound
    bind_tables(engine_from_url(database_url), CORE_TABLES)
    try:
        return in_fresh_loop(seed_episodes(episodes))
    finally:
        for table, engine in zip(CORE_TABLES, saved, strict=True):
            table._meta._db = engine


def draw_sample(page: Page) -> None:
    page.get_by_label("How many cases?").fill("5")
    page.get_by_label("Locality (optional)").select_option(label="East")
    fill_date(page, "Episodes started from", date(2019, 1, 1))
    fill_date(page, "Episodes started up to", date(2019, 12, 31))
    page.get_by_label("Seed (optional)").fill(SEED)
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_text(f"Seed: {SEED}")).to_be_visible()
    check_accessibility(page)


def drawn_cases(page: Page) -> list[str]:
    return page.locator("#cases td.app-episode").all_inner_texts()


def test_an_auditor_draws_the_same_sample_twice_and_reviews_a_case(
    page: Page, base_url: str, e2e_database_url: str
) -> None:
    seed_database(
        e2e_database_url,
        [Episode(date(2019, 1 + n % 12, 1 + n), locality="east") for n in range(12)],
    )
    sign_in(page, base_url, "derby.auditor", path="/case-audits")
    expect(page.get_by_role("heading", level=1, name="Case audits")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Draw a sample").click()
    expect(page.get_by_role("heading", level=1, name="Draw a sample")).to_be_visible()
    check_accessibility(page)
    draw_sample(page)
    first = drawn_cases(page)
    assert len(first) == 5 and len(set(first)) == 5
    expect(page.get_by_text("5 chosen at random from 12 matching episodes")).to_be_visible()
    first_url = page.url

    # Draw again from the list: the same seed and choices, typed afresh.
    page.get_by_role("link", name="Case audits", exact=True).first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Draw a sample").click()
    draw_sample(page)
    assert page.url != first_url
    assert drawn_cases(page) == first
    expect(page.locator("#same-draw")).to_contain_text("has the same cases in the same order")

    # And with the sample's own "draw again" link, which fills the form in.
    page.get_by_role("link", name="Draw again with this seed").click()
    expect(page.get_by_label("Seed (optional)")).to_have_value(SEED)
    check_accessibility(page)
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_text(f"Seed: {SEED}")).to_be_visible()
    assert drawn_cases(page) == first

    page.get_by_role("link", name="Case 1", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Case 1 of 5")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Save audit").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select a grade")
    check_accessibility(page)
    page.get_by_label("Good practice").fill("The child's voice is clear throughout the plan.")
    page.get_by_label("Areas for development").fill("Reviews slipped beyond six weeks.")
    page.get_by_label("Requires improvement").check()
    page.get_by_role("button", name="Save audit").click()
    expect(page.locator("#progress")).to_have_text("1 of 5 reviewed")
    expect(page.locator("#case-1")).to_contain_text("Requires improvement")
    check_accessibility(page)

    page.get_by_role("link", name="Findings").click()
    counts = page.locator("#grade-counts")
    expect(counts.get_by_role("row", name="Requires improvement")).to_contain_text("1")
    expect(counts.get_by_role("row", name="Not yet reviewed")).to_contain_text("4")
    expect(page.get_by_text("Reviews slipped beyond six weeks.")).to_be_visible()
    check_accessibility(page)


def test_an_auditor_draws_and_reviews_without_javascript(
    page_without_js: Page, base_url: str, e2e_database_url: str
) -> None:
    """Every form is a plain form (Derby West, 2018: untouched by the test above)."""
    page = page_without_js
    seed_database(
        e2e_database_url,
        [Episode(date(2018, 1 + n, 3), locality="west") for n in range(4)],
    )
    sign_in(page, base_url, "derby.auditor", path="/case-audits")
    page.get_by_role("link", name="Draw a sample").click()
    page.get_by_label("How many cases?").fill("3")
    page.get_by_label("Locality (optional)").select_option(label="West")
    fill_date(page, "Episodes started from", date(2018, 1, 1))
    fill_date(page, "Episodes started up to", date(2018, 12, 31))
    page.get_by_label("Seed (optional)").fill("derby-west-2018")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_text("3 chosen at random from 4 matching episodes")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Case 1", exact=True).click()
    page.get_by_label("Good practice").fill("Clear, shared plan.")
    page.get_by_label("Good", exact=True).check()
    page.get_by_role("button", name="Save audit").click()
    expect(page.locator("#progress")).to_have_text("1 of 3 reviewed")
    expect(page.locator("#case-1")).to_contain_text("Good")
    check_accessibility(page)
