"""Issue 20, item 1, in Chromium: text typed into any form (here a TAF
meeting's minutes, with JavaScript, and a closing summary, without) survives
a session that timed out while the form was open. Saving sends the browser to
sign in again, then to a page showing what was kept; sending it from there
saves it as the form would have. Axe runs on each page."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, fill_provider_sign_in, sign_in
from tests.e2e.families_helpers import Child, fill_date, record_family, unique_word
from tests.e2e.practice_helpers import become_lead, end_session_by_idle_time_out

KEPT_URL = re.compile(r"/kept/\d+$")
KEPT_HEADING = "You were signed out before your form was sent"


def sign_in_again(page: Page, base_url: str) -> None:
    """At the provider's form (the session really ended), then back to the kept form."""
    expect(page.get_by_label("Username")).to_be_visible(timeout=15_000)
    assert not page.url.startswith(base_url), f"expected the provider's sign-in form: {page.url}"
    fill_provider_sign_in(page, "derby.school")
    page.wait_for_url(KEPT_URL)
    expect(page.get_by_role("heading", level=1, name=KEPT_HEADING)).to_be_visible()
    check_accessibility(page)


def test_minutes_typed_when_the_session_ended_are_kept_and_saved(
    page: Page, base_url: str, e2e_database_url: str
) -> None:
    child = Child("Imogen")
    sign_in(page, base_url, "derby.school", path="/families/new", check_pages=False)
    family_id = record_family(page, base_url, child)
    become_lead(page)
    page.goto(f"{base_url}/families/{family_id}/taf/meetings/new")
    expect(page.get_by_role("heading", level=1, name="Record a meeting")).to_be_visible()
    page.get_by_role("group", name="What kind of meeting was it?").get_by_label(
        "Team Around the Family meeting"
    ).check()
    held_on = date.today() - timedelta(days=1)
    fill_date(page, "When was the meeting?", held_on)
    page.get_by_label("Who chaired it?").fill("Hannah Ashworth")
    page.get_by_role("group", name=re.compile("^Did the family come")).get_by_label("Yes").check()
    minutes = (
        f"Mum and the school agreed a calmer morning routine ({unique_word()}).\n"
        "Imogen said she wants to walk to school with her friend."
    )
    page.get_by_label("Minutes").fill(minutes)

    end_session_by_idle_time_out(page, e2e_database_url)
    page.get_by_role("button", name="Save the meeting").click()
    sign_in_again(page, base_url)

    # What she typed is there to check, and the page the form was on is linked.
    expect(page.get_by_label("Minutes")).to_have_value(minutes)
    expect(page.get_by_role("link", name="Go to the page it was on")).to_have_attribute(
        "href", f"/families/{family_id}/taf/meetings/new"
    )
    kept_url = page.url
    page.get_by_role("button", name="Send it").click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile("^Team Around the Family meeting on"))
    ).to_be_visible()
    expect(page.get_by_text("Imogen said she wants to walk to school")).to_be_visible()
    check_accessibility(page)

    # Sent once: the kept copy now only says so.
    page.goto(kept_url)
    expect(
        page.get_by_role("heading", level=1, name="This form has been dealt with")
    ).to_be_visible()
    expect(page.get_by_text("Imogen said she wants")).to_have_count(0)
    check_accessibility(page)


def test_a_closing_summary_is_kept_without_javascript(
    page_without_js: Page, base_url: str, e2e_database_url: str
) -> None:
    page = page_without_js
    child = Child("Harriet")
    sign_in(page, base_url, "derby.school", path="/families/new", check_pages=False)
    family_id = record_family(page, base_url, child)
    page.goto(f"{base_url}/families/{family_id}/close")
    expect(
        page.get_by_role("heading", level=1, name="Close the family's early help")
    ).to_be_visible()
    page.get_by_role("group", name="Why is the family's early help closing?").get_by_role(
        "radio"
    ).first.check()
    summary = f"Attendance is back to 96% and mornings are calm ({unique_word()})."
    page.get_by_label("Closing summary").fill(summary)

    end_session_by_idle_time_out(page, e2e_database_url)
    page.get_by_role("button", name="Close early help").click()
    sign_in_again(page, base_url)

    # A slip corrected before sending: the summary can be changed here.
    corrected = summary.replace("96%", "97%")
    page.get_by_label("Summary").fill(corrected)
    expect(page.get_by_role("term").filter(has_text="Reason")).to_be_visible()
    page.get_by_role("button", name="Send it").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{child.name}'s family")
    expect(page.get_by_text("Closed", exact=True).first).to_be_visible()
    check_accessibility(page)


def test_a_kept_form_can_be_discarded(page: Page, base_url: str, e2e_database_url: str) -> None:
    child = Child("Rosalind")
    sign_in(page, base_url, "derby.school", path="/families/new", check_pages=False)
    family_id = record_family(page, base_url, child)
    page.goto(f"{base_url}/families/{family_id}/close")
    page.get_by_label("Closing summary").fill("Typed, then thought better of it")
    end_session_by_idle_time_out(page, e2e_database_url)
    page.get_by_role("button", name="Close early help").click()
    sign_in_again(page, base_url)
    page.get_by_role("button", name="Discard what I typed").click()
    expect(
        page.get_by_role("heading", level=1, name="This form has been dealt with")
    ).to_be_visible()
    check_accessibility(page)
    page.goto(f"{base_url}/families/{family_id}")
    expect(page.get_by_role("link", name="Close the family's early help")).to_be_visible()
