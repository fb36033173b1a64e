"""The family record's other pages, with and without JavaScript, each checked
with axe: changing the address, adding a relationship, recording a
disagreement about who leads, a save that meets someone else's (the conflict
page), a proposal already withdrawn elsewhere, and moving locality."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import Child, another_user, record_family


@pytest.mark.parametrize("fixture", ["page", "page_without_js"])
def test_the_records_other_pages(
    fixture: str, request: pytest.FixtureRequest, browser: Browser, base_url: str
) -> None:
    page: Page = request.getfixturevalue(fixture)
    with another_user(browser, base_url, "derby.health"):
        pass  # Samuel must have signed in once to be proposed as lead
    child = Child("Harriet")
    sign_in(page, base_url, "derby.school", path="/families")
    family_id = record_family(page, base_url, child)
    record = f"{base_url}/families/{family_id}"
    page.get_by_role("button", name="Become the lead practitioner").click()
    expect(page.get_by_text("You can see this record because: you are the lead")).to_be_visible()

    # The family's address.
    page.get_by_role("link", name="Change family address").click()
    check_accessibility(page)
    page.get_by_label("Town or city").fill("Mickleover")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#household")).to_contain_text("Mickleover")

    # A parent, then a relationship.
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("First names").fill("Joanne")
    page.get_by_label("Last name").fill(child.surname)
    page.get_by_role("radio", name="Parent or carer").check()
    page.get_by_role("radio", name="Not known").check()
    page.get_by_role("button", name="Add person").click()
    page.get_by_role("link", name="Add a relationship").click()
    page.get_by_role("button", name="Add relationship").click()  # nothing chosen
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Person", exact=True).select_option(label=f"Joanne {child.surname}")
    page.get_by_label("Relationship").select_option(label="is a parent of")
    page.get_by_label("Related to").select_option(label=child.name)
    page.get_by_role("button", name="Add relationship").click()
    expect(page.locator("#relationships ~ ul")).to_contain_text(
        f"Joanne {child.surname} is a parent of {child.name}"
    )

    # A disagreement about who leads.
    page.get_by_role("link", name="Record a disagreement about who leads").click()
    expect(page.get_by_text("multi-agency dispute resolution")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("What is the disagreement about?").fill(
        "School nurse feels health should lead"
    )
    page.get_by_role("button", name="Record disagreement").click()
    expect(page).to_have_url(f"{record}#lead")

    # Two tabs change the same person: the second save meets the conflict page.
    first_tab = page.context.new_page()
    page.locator(f"a[href^='/families/{family_id}/people/']").first.click()
    edit = page.url
    first_tab.goto(edit)
    first_tab.get_by_label("Other names (optional)").fill("Hattie")
    first_tab.get_by_role("button", name="Save changes").click()
    page.get_by_label("Other names (optional)").fill("Harri")
    page.get_by_role("button", name="Save changes").click()
    expect(
        page.get_by_role("heading", level=1, name="Someone else changed this record")
    ).to_be_visible()
    expect(page.get_by_role("row", name="Other names")).to_contain_text("Harri")
    expect(page.get_by_role("row", name="Other names")).to_contain_text("Hattie")
    check_accessibility(page)
    page.get_by_role("button", name="Save my version").click()
    expect(page.locator(".govuk-summary-card").first).to_contain_text("Harri")

    # A proposal withdrawn in one tab, then again from a stale tab.
    page.goto(f"{record}/lead/transfer")
    page.get_by_label("Their work email address").fill("samuel.okafor@derwent-vale-health.example")
    page.get_by_label("Why should they lead?").fill("Health needs are the main worry")
    page.get_by_role("button", name="Send proposal").click()
    first_tab.goto(record)
    page.get_by_role("button", name="Withdraw the proposal").click()
    first_tab.get_by_role("button", name="Withdraw the proposal").click()
    expect(
        first_tab.get_by_role("heading", level=1, name="The lead practitioner was not changed")
    ).to_be_visible()
    expect(first_tab.get_by_text("already been answered or withdrawn")).to_be_visible()
    check_accessibility(first_tab)
    first_tab.close()

    # Moving to another locality of the same area.
    page.goto(record)
    page.get_by_role("link", name="Move the family to another area or locality").click()
    check_accessibility(page)
    page.get_by_role("radio", name="Derby City: South").check()
    page.get_by_label("Why is the family moving?").fill("Rehoused by the council")
    page.get_by_role("button", name="Move family").click()
    expect(page.locator("#moves ~ table")).to_contain_text("Derby City, South")
    check_accessibility(page)
