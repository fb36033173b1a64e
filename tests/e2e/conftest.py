"""Browser-test fixtures: the real portal in a subprocess (its own PostgreSQL database,
real development identity provider), Chromium driven by Playwright's sync API,
and helpers to sign in and to check every page with axe-core.

Playwright cannot download browsers here, so Debian's /usr/bin/chromium is used.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.conftest import fresh_postgres_database
from tests.support.processes import ROOT, Process, portal_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_SOURCE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEMO_PASSWORD = "demo-password"

# Browser contexts made with JavaScript turned off (axe is run differently there).
_CONTEXTS_WITHOUT_JS: set[BrowserContext] = set()

# Playwright's own waits (expect, clicks, navigations): generous for a 2-core machine,
# short enough that a broken page fails quickly.
expect.set_options(timeout=10_000)


# ------------------------------------------------------------------ servers --


@pytest.fixture(scope="session")
def e2e_database_url() -> Iterator[str]:
    """A fresh database for the browser tests only, migrated by `portal migrate`."""
    with fresh_postgres_database("portal_e2e") as url:
        yield url


@pytest.fixture(scope="session")
def portal_server(e2e_database_url: str, idp_issuer: str, e2e_port: int) -> Iterator[Process]:
    """The real portal (`portal serve`) on the port registered with the provider;
    its output (access log included) is kept for the log checks."""
    url = f"http://127.0.0.1:{e2e_port}"
    server = Process(
        [
            sys.executable,
            "-m",
            "portal.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(e2e_port),
        ],
        # The browser tests record many families as the same few people within
        # minutes, each a search and a duplicate check: the limit itself is
        # tested in tests/integration/test_families.py.
        portal_env(e2e_database_url, idp_issuer, url, PORTAL_SEARCH_LIMIT="1000"),
    )
    server.wait_for_http(f"{url}/healthz")  # stops the server and raises if it never answers
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(portal_server: Process, e2e_port: int) -> str:
    return f"http://127.0.0.1:{e2e_port}"


# ------------------------------------------------------------------ browser --


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


def _new_context(browser: Browser, *, java_script_enabled: bool) -> BrowserContext:
    context = browser.new_context(java_script_enabled=java_script_enabled, locale="en-GB")
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in its own browser context, so cookies never leak between tests."""
    context = _new_context(browser, java_script_enabled=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context with JavaScript turned off (progressive enhancement)."""
    context = _new_context(browser, java_script_enabled=False)
    _CONTEXTS_WITHOUT_JS.add(context)
    yield context.new_page()
    _CONTEXTS_WITHOUT_JS.discard(context)
    context.close()


# ------------------------------------------------------------ accessibility --


@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE_PATH.read_text(encoding="utf-8")


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on ANY WCAG 2.2 A/AA violation.

    How axe gets into the page under the portal's strict Content-Security-Policy
    (`script-src 'self' 'nonce-…'`: no 'unsafe-inline', no 'unsafe-eval'):
    `page.add_script_tag(content=…)` would add an inline <script>, which that CSP
    blocks, and calling `eval` inside the page is blocked too. `page.evaluate(src)`
    is different: Playwright sends the source over the DevTools protocol
    (Runtime.evaluate), which a page's CSP does not govern (as DevTools' console
    works on any page). So the axe source is evaluated as a script in the page's
    main world, then `axe.run` is called. No `bypass_csp` is needed and the page
    under test keeps its real CSP, which the console-error test relies on.

    Pages in a context with JavaScript turned off need one more step: evaluate
    still runs there, but timers never fire, and axe.run waits on setTimeout, so
    it would hang for ever. For those pages the DOM the browser built (which no
    script has touched) is served again at the same URL to a JavaScript-enabled
    page with `Content-Security-Policy: script-src 'none'`, so the page's own
    scripts still do not run while its stylesheets, fonts and images load as
    normal; axe is run there in the same way.
    """
    if page.context in _CONTEXTS_WITHOUT_JS:
        _check_snapshot_without_js(page)
    else:
        _run_axe(page, page.url)


def _check_snapshot_without_js(page: Page) -> None:
    url, html = page.url, page.content()
    browser = page.context.browser
    assert browser is not None
    context = _new_context(browser, java_script_enabled=True)
    try:
        twin = context.new_page()
        twin.route(
            lambda address: address == url,  # a predicate: URLs with "?" are not globs
            lambda route: route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": "script-src 'none'"},
                body=html,
            ),
        )
        twin.goto(url)
        assert twin.evaluate("() => document.body.classList.contains('js-enabled')") is False
        _run_axe(twin, f"{url} (JavaScript off)")
    finally:
        context.close()


def _run_axe(page: Page, where: str) -> None:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # The source is a script, not a function: Playwright evaluates it whole.
        page.evaluate(_axe_source())
        assert page.evaluate("() => typeof window.axe !== 'undefined'"), "axe-core did not load"
    violations = page.evaluate(
        """async (tags) => {
            // evaluate has no time limit of its own: never wait for ever.
            const timeUp = new Promise((_, reject) => {
                setTimeout(() => reject(new Error("axe.run took over 30 seconds")), 30000);
            });
            const results = await Promise.race([
                axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],
                }),
                timeUp,
            ]);
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    if violations:
        lines = [f"axe found {len(violations)} accessibility violation(s) on {where}:"]
        for violation in violations:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                f" <{violation['helpUrl']}>"
            )
            for node in violation["nodes"]:
                lines.append(f"    target: {json.dumps(node['target'])}")
                if node["summary"]:
                    lines.extend(f"      {line}" for line in node["summary"].splitlines())
        pytest.fail("\n".join(lines), pytrace=False)


# ------------------------------------------------------------------ sign-in --


def fill_provider_sign_in(page: Page, username: str) -> None:
    """On the provider's sign-in form: fill the fields by their labels and submit."""
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_in(
    page: Page,
    base_url: str,
    username: str,
    *,
    path: str = "/",
    check_pages: bool = True,
) -> None:
    """Go to a portal page, land on the provider's sign-in form, sign in, and wait
    to be back on the portal. Axe checks the sign-in form unless told not to."""
    page.goto(base_url + path)
    expect(page.get_by_label("Username")).to_be_visible()
    assert not page.url.startswith(base_url), f"expected the provider's sign-in form, at {page.url}"
    if check_pages:
        check_accessibility(page)
    fill_provider_sign_in(page, username)
    page.wait_for_url(lambda url: url.startswith(base_url + "/"))
    page.wait_for_load_state("load")
