"""Browser-test fixtures: the real portal in a subprocess (fresh SQLite database,
real development identity provider), Chromium driven by Playwright's sync API,
and helpers to sign in and to check every page with axe-core.

Playwright cannot download browsers here, so Debian's /usr/bin/chromium is used.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.support.processes import ROOT, Process, migrate, portal_env

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

# Playwright's own waits (expect, clicks, navigations): generous for a 2-core machine,
# short enough that a broken page fails quickly.
expect.set_options(timeout=10_000)


# ------------------------------------------------------------------ servers --


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh SQLite database for the browser tests only, migrated by `portal migrate`."""
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'portal.sqlite'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def base_url(e2e_database_url: str, idp_issuer: str, e2e_port: int) -> Iterator[str]:
    """The real portal (`portal serve`) on the port registered with the provider."""
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
        portal_env(e2e_database_url, idp_issuer, url),
    )
    server.wait_for_http(f"{url}/healthz")  # stops the server and raises if it never answers
    yield url
    server.stop()


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
    yield context.new_page()
    context.close()


# ------------------------------------------------------------ accessibility --


def _axe_source() -> str:
    return Path(AXE_SOURCE_PATH).read_text(encoding="utf-8")


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on ANY WCAG 2.2 A/AA violation.

    How axe gets into the page under the portal's strict Content-Security-Policy
    (`script-src 'self' 'nonce-…'`, no 'unsafe-inline', no 'unsafe-eval'):
    `page.add_script_tag(content=…)` would add an inline <script> that the CSP
    blocks, and `eval` inside the page is blocked too. `page.evaluate(source)`
    is different: Playwright sends it over the DevTools protocol
    (Runtime.evaluate), which the page's CSP does not govern — the same way
    DevTools' console works on a CSP-protected page. So the axe source is
    evaluated as a script in the page's main world, and then `axe.run` is called.
    No `bypass_csp` is needed, so the page under test keeps its real CSP (which
    the console test relies on).

    With JavaScript turned off in the context, Playwright's evaluate still works
    (it is the page's own scripts that are disabled), so pages seen without
    JavaScript are checked too.
    """
    loaded = page.evaluate("() => typeof window.axe !== 'undefined'")
    if not loaded:
        # The source is a script, not a function: evaluate it whole, then confirm.
        page.evaluate(_axe_source())
        assert page.evaluate("() => typeof window.axe !== 'undefined'"), "axe-core did not load"
    results = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
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
    if results:
        lines = [f"axe found {len(results)} accessibility violation(s) on {page.url}:"]
        for violation in results:
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


def on_provider(page: Page, idp_issuer: str) -> bool:
    return page.url.startswith(idp_issuer + "/")


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
