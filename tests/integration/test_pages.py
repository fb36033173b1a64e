"""Every rendered page keeps the habits GOV.UK services keep: one h1, unique ids,
a page title, forms with an action and this session's CSRF token, and the safe
htmx configuration."""

from __future__ import annotations

import json
import re
from collections import Counter

from tests.integration.conftest import Portal

SIGNED_IN_PAGES = [
    "/",
    "/derby/",
    "/accessibility",
    "/cookies",
    "/signed-out",
    "/no-such-page",
    "/derbyshire/",
]


def check_page(html: str, path: str) -> None:
    assert len(re.findall(r"<h1[\s>]", html)) == 1, f"{path}: exactly one h1"
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert not [i for i, n in ids.items() if n > 1], f"{path}: duplicate ids {ids.most_common(3)}"
    assert re.search("<title>[^<]+ \u2013 Early Help Portal</title>", html), f"{path}: title"
    assert '<html lang="en"' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html, f"{path}: skip link"
    for form in re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S):
        assert re.search(r'action="/[^"]*"', form), f"{path}: form action"
        if 'method="get"' in form:  # filters: they change nothing
            continue
        assert 'method="post"' in form, f"{path}: form method"
        assert re.search(r'name="_csrf_token" value="[0-9a-f]{64}"', form), f"{path}: CSRF field"


def test_every_page_keeps_the_house_rules(portal: Portal) -> None:
    for path in ["/accessibility", "/cookies", "/signed-out"]:
        check_page(portal.client.get(path).text, path)
    portal.sign_in("derby.school")
    for path in SIGNED_IN_PAGES:
        response = portal.client.get(path)
        assert response.status_code in (200, 403, 404), path
        check_page(response.text, path)


def test_htmx_is_configured_safely(portal: Portal) -> None:
    portal.sign_in("derby.school")
    html = portal.client.get("/").text
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html).group(1))  # type: ignore[union-attr]
    assert config["selfRequestsOnly"] is True
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["historyCacheSize"] == 0
    assert config["methodsThatUseUrlParams"] == ["get"]
    assert config["includeIndicatorStyles"] is False  # inline styles would break the CSP
    swaps = {rule["code"]: rule["swap"] for rule in config["responseHandling"]}
    assert swaps["422"] is True and swaps["409"] is True
    assert '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>' in html
    token = re.search(r'<meta name="csrf-token" content="([0-9a-f]{64})">', html).group(1)  # type: ignore[union-attr]
    body = re.search(r"<body[^>]*>", html).group(0)  # type: ignore[union-attr]
    assert f'hx-headers="{{&#34;X-CSRFToken&#34;: &#34;{token}&#34;}}"' in body


def test_the_administrators_page_keeps_the_house_rules(portal: Portal) -> None:
    portal.sign_in("portal.admin")
    response = portal.client.get("/admin/users")
    assert response.status_code == 200
    check_page(response.text, "/admin/users")
