"""Issue 20, item 5, in a real browser, with axe on every page reached:

- A member of the Team Around the Family (derby.health, Samuel Okafor, without
  JavaScript) refers the family to Children's Social Care. The lead
  practitioner until then (derby.school, Hannah Ashworth) and the other member
  of the team (derby.mat, Priya Chandran) are told: their notifications name
  the family and say who referred it where, while the emails name nobody.
- Someone without a relationship (Samuel, without JavaScript) uses emergency
  access on Hannah's family. Hannah is told who and why; the area manager
  (derby.manager) sees the family named on the emergency-access list, with a
  link to its record.

Each test records its own fictional families under made-up surnames."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import Child, another_user, unique_word
from tests.e2e.practice_helpers import (
    add_practitioner_to_the_team,
    become_lead,
    find_then_record_family,
)
from tests.support.sql import fetch

SAMUEL = "Samuel Okafor"
PRIYA = "Priya Chandran"
TOLD_LEAD = "A family you were lead practitioner for has been referred to Children's Social Care"
TOLD_TAF = "A family in your Team Around the Family has been referred to Children's Social Care"
TOLD_BREAK_GLASS = "Someone used emergency access to see the record of a family you lead"
REFERRED = f"Referred to Children's Social Care (Initial Response Team) by {SAMUEL}"


def notification_row(page: Page, base_url: str, child: Child, message: str) -> Locator:
    """From the header: the notifications page, and the row with this message
    naming this child's family."""
    page.goto(base_url + "/")
    page.get_by_role("banner").get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    notes = page.get_by_role("table", name=re.compile("^Your notifications"))
    return (
        notes.get_by_role("row").filter(has_text=f"Family: {child.name}").filter(has_text=message)
    )


def open_notification(page: Page, row: Locator, message: str) -> None:
    """Open the notification's own page (where its email links)."""
    action = row.locator("form").get_attribute("action") or ""
    match = re.search(r"/notifications/(\d+)/open$", action)
    assert match, action
    page.goto(page.url.split("/notifications")[0] + f"/notifications/{match.group(1)}")
    expect(page.get_by_role("heading", level=1, name=message)).to_be_visible()


def emails_about(database_url: str, family_id: int, kind: str) -> list[str]:
    rows = fetch(
        database_url,
        "SELECT e.subject, e.body FROM outbox_email e JOIN notification n"
        " ON n.id = e.notification WHERE n.family_id = $1 AND n.kind = $2",
        family_id,
        kind,
    )
    return [f"{r['subject']}\n{r['body']}" for r in rows]


def test_the_team_and_the_lead_are_told_of_a_referral_to_social_care(
    page: Page, page_without_js: Page, browser: Browser, base_url: str, e2e_database_url: str
) -> None:
    child = Child("Wilhelmina")
    samuel = page_without_js
    sign_in(samuel, base_url, "derby.health", path="/families/find", check_pages=False)
    with another_user(browser, base_url, "derby.mat") as priya:
        sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
        family_id = find_then_record_family(page, base_url, child)
        become_lead(page)
        page.get_by_role("link", name="Team and meetings").click()
        add_practitioner_to_the_team(page, SAMUEL, "Health visitor")
        add_practitioner_to_the_team(page, PRIYA, "Youth worker")
        check_accessibility(page)

        # Samuel, in the team, records the referral without JavaScript.
        samuel.goto(f"{base_url}/families/{family_id}")
        harm = samuel.get_by_role("region", name="Worried about significant harm?")
        harm.get_by_role("button", name="Refer to Children's Social Care").click()
        expect(
            samuel.get_by_role("heading", level=1, name="Refer to Children's Social Care")
        ).to_be_visible()
        check_accessibility(samuel)
        samuel.get_by_role("group", name="Which children are you worried about?").get_by_label(
            child.name
        ).check()
        samuel.get_by_label("What are you worried about?").fill(
            f"Marks on her neck she would not explain ({unique_word()})"
        )
        samuel.get_by_role(
            "group", name="Did you ask the family for consent to the referral?"
        ).get_by_label("No").check()
        samuel.get_by_label("If you did not ask: why not?").fill(
            "Asking would put her at greater risk"
        )
        samuel.get_by_label("How did you make the referral?").fill(
            "Phoned the Initial Response Team at 09:40, reference IRT-5120"
        )
        samuel.get_by_role("button", name="Record the referral").click()
        samuel.wait_for_url(re.compile(rf"/families/{family_id}(#statutory-lead)?$"))
        expect(samuel.locator("#statutory-lead")).to_contain_text("Children's Social Care")
        check_accessibility(samuel)

        # Hannah, the lead until now, is told which family and by whom.
        row = notification_row(page, base_url, child, TOLD_LEAD)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(REFERRED)
        check_accessibility(page)
        open_notification(page, row, TOLD_LEAD)
        expect(page.locator("#notification-family")).to_have_text(child.name)
        expect(page.locator("#notification-detail")).to_have_text(REFERRED)
        check_accessibility(page)

        # Priya, in the team, is told too.
        row = notification_row(priya, base_url, child, TOLD_TAF)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(REFERRED)
        check_accessibility(priya)

    # Samuel referred: he is not told what he did.
    samuel.goto(base_url + "/notifications")
    expect(samuel.get_by_text(TOLD_TAF)).to_have_count(0)
    check_accessibility(samuel)

    queued = emails_about(e2e_database_url, family_id, "social_care_referral")
    assert len(queued) == 2
    for email in queued:
        for said in (child.given, child.surname, SAMUEL):
            assert said not in email, said


def test_the_lead_is_told_of_emergency_access_and_the_manager_sees_which_family(
    page: Page, page_without_js: Page, browser: Browser, base_url: str, e2e_database_url: str
) -> None:
    child = Child("Ottoline")
    reason = f"Out-of-hours call from the hospital about her ({unique_word()})"
    sign_in(page, base_url, "derby.school", path="/families/find", check_pages=False)
    family_id = find_then_record_family(page, base_url, child)
    become_lead(page)
    record_url = f"{base_url}/families/{family_id}"

    # Samuel has no relationship: he asks for emergency access without JavaScript.
    samuel = page_without_js
    sign_in(samuel, base_url, "derby.health", path="/families/find", check_pages=False)
    response = samuel.goto(record_url)
    assert response is not None and response.status == 403
    samuel.get_by_role("link", name="ask for emergency access").click()
    expect(samuel).to_have_url(f"{record_url}/break-glass")
    check_accessibility(samuel)
    samuel.get_by_label("Why do you need to see this record now?").fill(reason)
    samuel.get_by_role("button", name="Open the record").click()
    samuel.wait_for_url(record_url)
    expect(samuel.get_by_text("emergency access (break-glass)")).to_be_visible()
    check_accessibility(samuel)

    # Hannah, who leads, is told who looked and why.
    row = notification_row(page, base_url, child, TOLD_BREAK_GLASS)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(SAMUEL)
    expect(row).to_contain_text(reason)
    check_accessibility(page)
    open_notification(page, row, TOLD_BREAK_GLASS)
    expect(page.locator("#notification-family")).to_have_text(child.name)
    expect(page.locator("#notification-detail")).to_contain_text(f"Reason given: {reason}")
    check_accessibility(page)
    [email] = emails_about(e2e_database_url, family_id, "break_glass_used")
    for said in (child.given, child.surname, SAMUEL, reason):
        assert said not in email, said

    # The manager's list names the family, and links to its record.
    with another_user(browser, base_url, "derby.manager") as manager:
        manager.goto(base_url + "/access/break-glass")
        grant = manager.locator(".govuk-summary-card").filter(has_text=reason)
        expect(grant).to_have_count(1)
        family = grant.locator(".govuk-summary-list__row").filter(has_text="Family")
        expect(family.get_by_role("link", name=child.name)).to_have_attribute(
            "href", f"/families/{family_id}"
        )
        check_accessibility(manager)
        family.get_by_role("link", name=child.name).click()
        manager.wait_for_url(record_url)
        expect(manager.get_by_text(child.surname).first).to_be_visible()
        check_accessibility(manager)
        manager.go_back()
        grant = manager.locator(".govuk-summary-card").filter(has_text=reason)
        grant.get_by_label("Yes", exact=True).check()
        grant.get_by_role(
            "button", name=f"Record review of {SAMUEL}'s access to {child.name}"
        ).click()
        manager.wait_for_url(f"{base_url}/access/break-glass")
        expect(manager.get_by_text(reason)).to_have_count(0)
        check_accessibility(manager)
