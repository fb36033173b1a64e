"""Every rendered page keeps the habits GOV.UK services keep: one h1, unique ids,
a page title, forms with an action and this session's CSRF token, and the safe
htmx configuration."""

from __future__ import annotations

import json
import re

from tests.support.page_rules import check_page
from tests.support.portal import Portal

SIGNED_IN_PAGES = [
    "/",
    "/derby/",
    "/accessibility",
    "/cookies",
    "/signed-out",
    "/no-such-page",
    "/derbyshire/",
]


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
