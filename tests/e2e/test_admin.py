"""The administrator's users page: reachable from the navigation, accessible."""

from __future__ import annotations

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
