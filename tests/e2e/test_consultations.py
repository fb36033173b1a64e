"""A call to the area's advice line, recorded from the family's record, with
and without JavaScript, each page checked with axe: a form sent with gaps
keeps what was typed, the consultation shows on the record, and advice of
significant harm goes straight to the referral page."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from portal.kernel.clock import UK
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import Child, expect_date, record_family

CALLED_ON = "When did you call?"


def uk_today() -> date:
    return datetime.now(UK).date()


@pytest.mark.parametrize("fixture", ["page", "page_without_js"])
def test_a_consultation_is_recorded_from_the_record(
    fixture: str, request: pytest.FixtureRequest, base_url: str
) -> None:
    page: Page = request.getfixturevalue(fixture)
    child = Child("Imogen")
    sign_in(page, base_url, "derby.school", path="/families")
    family_id = record_family(page, base_url, child)
    advice = page.locator("#advice")
    expect(advice).to_contain_text("Children's Services Professional Consultation Line")
    expect(advice).to_contain_text("No consultation has been recorded.")

    page.get_by_role("button", name="Record a consultation").click()
    expect(page.get_by_role("heading", level=1, name="Record a consultation")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("What did you ask?").fill("Is a parenting course the right first step?")
    page.get_by_role("button", name="Record the consultation").click()  # gaps
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the advice you were given")).to_be_visible()
    expect(page.get_by_label("What did you ask?")).to_have_value(
        "Is a parenting course the right first step?"
    )
    check_accessibility(page)

    page.get_by_label("What advice were you given?").fill("Start an Early Help Assessment")
    page.get_by_role("group", name=re.compile("^Were you advised")).get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Record the consultation").click()
    page.wait_for_url(re.compile(rf"/families/{family_id}(#advice)?$"))
    card = page.locator("#advice .govuk-summary-card").first
    expect(card).to_contain_text("Start an Early Help Assessment")
    expect(card).to_contain_text("Children's Services Professional Consultation Line")
    check_accessibility(page)

    page.get_by_role("button", name="Record a consultation").click()
    expect_date(page, CALLED_ON, uk_today())  # the form offers today
    page.get_by_label("What did you ask?").fill("Bruising seen at school today")
    page.get_by_label("What advice were you given?").fill("Refer to the Initial Response Team")
    page.get_by_role("group", name=re.compile("^Were you advised")).get_by_label(
        "Yes: refer to Initial Response Team now"
    ).check()
    page.get_by_role("button", name="Record the consultation").click()
    expect(
        page.get_by_role("heading", level=1, name="Refer to Children's Social Care")
    ).to_be_visible()
    check_accessibility(page)
