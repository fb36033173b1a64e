"""Drive the development identity provider's sign-in form over HTTP, as a browser would."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

import httpx

DEMO_PASSWORD = "demo-password"


def complete_at_idp(authorize_url: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """Follow the provider from its authorize URL to the redirect back to the portal;
    return that redirect URL (with code and state)."""
    with httpx.Client(timeout=10) as browser:
        url = authorize_url
        response = browser.get(url)
        for _ in range(10):
            if (
                response.status_code in (302, 303)
                and "/auth/callback" in response.headers["location"]
            ):
                return str(response.headers["location"])
            if response.is_redirect:
                url = urljoin(url, response.headers["location"])
                response = browser.get(url)
                continue
            action = re.search(r'<form method="post" action="([^"]+)"', response.text)
            if action is None:
                raise AssertionError(f"no sign-in form at {url}: {response.status_code}")
            url = urljoin(url, unescape(action.group(1)))
            response = browser.post(url, data={"username": username, "password": password})
        raise AssertionError("the provider never redirected back to the portal")
