"""The page-rules check (run on every page the integration tests GET) catches
each broken rule, and passes a page that keeps them all."""

from __future__ import annotations

import pytest

from tests.support.page_rules import SITE, PageRuleBroken, check_page, page_problems

TOKEN = "ab" * 32
GOOD = f"""<!DOCTYPE html><html lang="en"><head><title>Find a family{SITE}</title></head>
<body><a href="#main-content">Skip to main content</a><main id="main-content"><h1>Find a family</h1>
<form action="/families/find" method="post">
  <input type="hidden" name="_csrf_token" value="{TOKEN}">
  <label for="name">Name</label><input id="name" name="name">
  <label>Postcode <input name="postcode"></label>
  <button type="submit">Search</button>
</form>
<form action="/reports" method="get"><select aria-label="Area" name="area"></select></form>
</main></body></html>"""


def test_a_page_keeping_every_rule_passes() -> None:
    assert page_problems(GOOD) == []
    check_page(GOOD.replace("<title>", "<title>Error: "), "an error page")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("<h1>Find a family</h1>", "<h1>Find a family</h1><h1>Two</h1>"), "2 h1 elements"),
        (("<h1>Find a family</h1>", ""), "0 h1 elements"),
        (("<title>Find a family", "<title>Search"), "is not the start of the h1"),
        ((SITE, ""), "does not end with"),
        (('<input id="name"', '<input id="main-content"'), "duplicate id 'main-content'"),
        (('action="/families/find"', 'action="https://evil.example/"'), "without a local action"),
        ((f'value="{TOKEN}"', 'value=""'), "has no CSRF field"),
        (('<label for="name">Name</label>', ""), "<input name='name'> has no label"),
        (("<button", '<button onclick="go()"'), "inline event handler onclick"),
        (("<main ", '<main style="color:red" '), "inline style on <main>"),
        (('lang="en"', 'lang="fr"'), 'no <html lang="en">'),
        (('href="#main-content"', 'href="#top"'), "no skip link"),
    ],
)
def test_each_broken_rule_is_named(change: tuple[str, str], problem: str) -> None:
    html = GOOD.replace(*change)
    assert html != GOOD
    with pytest.raises(PageRuleBroken, match=problem):
        check_page(html, "/families/find")
