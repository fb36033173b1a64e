"""The administrator's users page: reachable from the navigation, accessible."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessibility, sign_in


def test_an_administrator_finds_a_user_from_the_navigation(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "portal.admin", check_pages=False)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1, name="Users")).to_be_visible()
    page.get_by_label("Name or email contains").fill("Moreland")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Isaac Moreland").first).to_be_visible()
    check_accessibility(page)


def test_an_administrator_adds_and_removes_a_one_off_bank_holiday_without_javascript(
    page_without_js: Page, base_url: str
) -> None:
    page = page_without_js
    sign_in(page, base_url, "portal.admin", check_pages=False)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Bank holidays").click()
    expect(page.get_by_role("heading", level=1, name="Bank holidays")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Add bank holiday").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name="Enter the date of the bank holiday")).to_be_visible()
    check_accessibility(page)
    # a Tuesday far from any date the other browser tests count working days across
    group = page.get_by_role("group", name="Date of the bank holiday")
    group.get_by_label("Day").fill("15")
    group.get_by_label("Month").fill("6")
    group.get_by_label("Year").fill("2027")
    page.get_by_label("Name of the bank holiday").fill("Browser test holiday")
    page.get_by_role("button", name="Add bank holiday").click()
    added = page.get_by_role("row").filter(has_text="Browser test holiday")
    expect(added.first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name=re.compile("^Remove Browser test holiday")).click()
    expect(page.get_by_role("row").filter(has_text="Browser test holiday")).to_have_count(0)


def test_an_administrator_sees_the_emails_not_sent(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "portal.admin", check_pages=False)
    page.locator(".govuk-service-navigation").get_by_role("link", name="Emails").click()
    expect(page.get_by_role("heading", level=1, name="Emails not sent")).to_be_visible()
    check_accessibility(page)
