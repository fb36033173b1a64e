"""Sign-in and sign-out journeys in a real browser, against the real portal and the
real development identity provider. Every page the tests reach is checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect
from portal_derby.area import DERBY
from portal_derbyshire.area import DERBYSHIRE

from tests.e2e.conftest import check_accessibility, fill_provider_sign_in, sign_in

HOME_H1 = "Early help"
SIGNIFICANT_HARM = "Worried a child is at risk of significant harm?"


def expect_home_page(page: Page, base_url: str, name: str) -> None:
    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_role("heading", level=1, name=HOME_H1)).to_be_visible()
    expect(page.get_by_text(f"Welcome, {name}.")).to_be_visible()


def finish_signing_out(page: Page, base_url: str, *, javascript: bool = True) -> None:
    """After "Sign out" was pressed: go through the provider's pages (axe-checked
    where they wait for the user) and end on the portal's signed-out page."""
    signed_out = page.get_by_role("heading", level=1, name="You have signed out")
    refused = page.get_by_role("heading", level=1, name="You do not have access to this page")
    # The provider asks "Do you want to sign out?" while its own session cookie is
    # there. On 127.0.0.1 the portal's Clear-Site-Data also clears the provider's
    # cookies (cookies ignore the port), so the provider shows its "Signing out"
    # page instead: it submits itself with JavaScript, or waits for "Continue".
    confirm = page.get_by_role("button", name="Yes, sign me out")
    carry_on = page.get_by_role("button", name="Continue")
    expect(signed_out.or_(refused).or_(confirm).or_(carry_on)).to_be_visible()
    if page.url.startswith(base_url + "/") and refused.is_visible():
        pytest.fail(
            f"the portal refused to sign out ({page.url}): "
            + page.get_by_role("main").inner_text().replace("\n", " "),
            pytrace=False,
        )
    if confirm.is_visible():
        check_accessibility(page)
        confirm.click()
    elif not javascript and carry_on.is_visible():
        check_accessibility(page)
        carry_on.click()
    page.wait_for_url(base_url + "/signed-out")
    expect(signed_out).to_be_visible()
    check_accessibility(page)


def expect_signed_out_of_portal(page: Page, base_url: str) -> None:
    """Going home again shows the provider's sign-in form, not the portal's home page."""
    page.goto(base_url + "/")
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert not page.url.startswith(base_url), page.url
    expect(page.get_by_role("heading", level=1, name=HOME_H1)).to_have_count(0)
    check_accessibility(page)


# ------------------------------------------------------------------- tests --


def test_practitioner_signs_in_and_every_page_is_accessible(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "derby.school")  # axe checks the provider's sign-in form

    expect_home_page(page, base_url, "Hannah Ashworth")
    expect(page.get_by_role("banner")).to_contain_text("Hannah Ashworth")
    harm = page.get_by_role("region", name=SIGNIFICANT_HARM)
    expect(harm.get_by_role("heading", level=2, name=SIGNIFICANT_HARM)).to_be_visible()
    # Both areas' children's social care front doors, whichever area the user works in.
    for area in (DERBY, DERBYSHIRE):
        expect(harm.get_by_role("heading", level=3, name=area.name, exact=True)).to_be_visible()
        for contact in (area.social_care_front_door, area.out_of_hours):
            assert contact is not None
            expect(harm.get_by_text(contact.name, exact=True)).to_be_visible()
            phone = harm.get_by_role("link", name=contact.phone, exact=True)
            expect(phone).to_have_attribute("href", "tel:" + contact.phone.replace(" ", ""))
    check_accessibility(page)

    # The service navigation (its <nav> is labelled "Portal").
    navigation = page.locator(".govuk-service-navigation").get_by_role("navigation")
    navigation.get_by_role("link", name="Derby", exact=True).click()
    expect(page).to_have_url(base_url + "/derby/")
    expect(page.get_by_role("heading", level=1, name="Early help in Derby")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Accessibility statement").click()
    expect(page).to_have_url(base_url + "/accessibility")
    expect(
        page.get_by_role(
            "heading", level=1, name="Accessibility statement for the Early Help Portal"
        )
    ).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Cookies").click()
    expect(page).to_have_url(base_url + "/cookies")
    expect(page.get_by_role("heading", level=1, name="Cookies")).to_be_visible()
    check_accessibility(page)


def test_sign_out_ends_the_portal_session(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "derby.school", check_pages=False)
    expect_home_page(page, base_url, "Hannah Ashworth")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    finish_signing_out(page, base_url)

    expect_signed_out_of_portal(page, base_url)


def test_sign_in_and_out_work_without_javascript(page_without_js: Page, base_url: str) -> None:
    page = page_without_js
    sign_in(page, base_url, "derby.school")
    expect_home_page(page, base_url, "Hannah Ashworth")
    # No script ran: govuk-frontend's inline snippet would have added this class.
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    check_accessibility(page)

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    finish_signing_out(page, base_url, javascript=False)

    expect_signed_out_of_portal(page, base_url)


def test_keyboard_skip_link_and_sign_out(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "derby.school", check_pages=False)
    expect_home_page(page, base_url, "Hannah Ashworth")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # shown once it has focus
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement !== null && document.activeElement.closest('main') !== null"
    )

    # From the top of the page again, Tab to the Sign out button and press Enter.
    page.goto(base_url + "/")
    sign_out = page.get_by_role("banner").get_by_role("button", name="Sign out")
    for _ in range(15):
        page.keyboard.press("Tab")
        if sign_out.evaluate("(button) => button === document.activeElement"):
            break
    else:
        pytest.fail("the Sign out button was not reached with the Tab key")
    page.keyboard.press("Enter")
    finish_signing_out(page, base_url)

    expect_signed_out_of_portal(page, base_url)


def test_user_without_a_portal_role_is_refused(page: Page, base_url: str) -> None:
    refused = page.get_by_role("heading", level=1, name="You do not have access to this page")
    sign_in(page, base_url, "no.roles", check_pages=False)

    expect(refused).to_be_visible()
    expect(page.get_by_text("does not have a role in the Early Help Portal")).to_be_visible()
    check_accessibility(page)

    # No portal session was started, so the home page is out of reach: they are
    # sent to sign in again, and (still signed in at the provider) refused again.
    page.goto(base_url + "/")
    expect(refused.or_(page.get_by_label("Username"))).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=HOME_H1)).to_have_count(0)
    expect(page.get_by_text("Welcome, Jo Fenwick")).to_have_count(0)


def test_signing_in_returns_to_the_page_asked_for(page: Page, base_url: str) -> None:
    page.goto(base_url + "/derby/")
    expect(page.get_by_label("Username")).to_be_visible()
    assert not page.url.startswith(base_url), f"expected the provider's sign-in form, at {page.url}"

    fill_provider_sign_in(page, "derby.school")

    # The portal carries the path as /derby (Litestar drops the trailing slash); both
    # addresses show the Derby page.
    page.wait_for_url(re.compile(re.escape(base_url) + r"/derby/?$"))
    expect(page.get_by_role("heading", level=1, name="Early help in Derby")).to_be_visible()
    check_accessibility(page)


def test_home_page_has_no_console_errors_under_the_csp(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "derby.school", check_pages=False)
    expect_home_page(page, base_url, "Hannah Ashworth")

    # Watch a fresh load of the home page. CSP violations are console errors in Chromium.
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text} ({message.location})")

    def on_page_error(error: Error) -> None:
        problems.append(f"uncaught: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.reload()
    page.wait_for_load_state("networkidle")

    assert not problems, "\n".join(problems)
    # The scripts the strict CSP must allow really ran: htmx, govuk-frontend's inline
    # (nonce'd) snippet and the portal's module, which starts govuk-frontend.
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx did not load"
    body = page.locator("body")
    expect(body).to_have_class(re.compile(r"\bjs-enabled\b"))
    expect(body).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.locator(".govuk-skip-link")).to_have_attribute("data-govuk-skip-link-init", "")
    check_accessibility(page)


def test_unknown_page_shows_page_not_found(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "derby.school", check_pages=False)

    response = page.goto(base_url + "/no-such-page")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    check_accessibility(page)


def test_service_navigation_marks_the_current_page(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "derby.school", check_pages=False)
    navigation = page.locator(".govuk-service-navigation").get_by_role("navigation")
    expect(navigation.get_by_role("link", name="Home")).to_have_attribute("aria-current", "true")

    page.goto(base_url + "/derby/")

    derby = navigation.get_by_role("link", name="Derby", exact=True)
    expect(derby).to_have_attribute("aria-current", "true", timeout=2_000)


def test_derbyshire_page_is_accessible_and_derby_does_not_exist(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "derbyshire.senior", check_pages=False)
    page.get_by_role("link", name="Derbyshire", exact=True).click()
    expect(page).to_have_url(base_url + "/derbyshire/")
    expect(page.get_by_role("heading", level=1, name="Early help in Derbyshire")).to_be_visible()
    check_accessibility(page)
    page.goto(base_url + "/derby/")  # another area's pages are a 404, as if they did not exist
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    check_accessibility(page)
