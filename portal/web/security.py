"""Response headers every page inherits, and CSRF checks on every unsafe request."""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import ClientException, PermissionDeniedException
from litestar.types import Message, Scope

from portal.settings import Settings
from portal.web.guards import rescues_signed_out_posts

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "_csrf_token"
CSRF_HEADER = "x-csrftoken"
KEEP_FIELD = "_keep_token"
KEEP_LIFETIME_SECONDS = 12 * 3600  # longer than the absolute session limit


def csp_nonce(scope: Scope) -> str:
    """This response's CSP nonce, made on first use."""
    state: dict[str, Any] = scope.setdefault("state", {})
    if "csp_nonce" not in state:
        state["csp_nonce"] = secrets.token_urlsafe(18)
    return str(state["csp_nonce"])


def content_security_policy(nonce: str | None, identity_provider: str) -> str:
    """form-action names the identity provider too: signing out POSTs here and is
    redirected there, and browsers apply form-action to that redirect."""
    script = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            f"form-action 'self' {identity_provider}",
        ]
    )


def security_headers_hook(settings: Settings) -> Any:
    """A before_send hook: it sees every response, 404s for unknown paths included."""

    parts = urlsplit(settings.oidc_issuer)
    provider_origin = f"{parts.scheme}://{parts.netloc}"

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        nonce = scope.get("state", {}).get("csp_nonce")
        if headers.get("Content-Security-Policy") is None:  # a download sets a stricter one
            headers["Content-Security-Policy"] = content_security_policy(nonce, provider_origin)
        headers["X-Content-Type-Options"] = "nosniff"
        # same-origin, not no-referrer: under no-referrer a browser's form POST says
        # "Origin: null", which the CSRF origin check would (rightly) refuse.
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if settings.is_https:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not scope.get("path", "").startswith("/static/"):
            # Pages about children must not linger in browser or proxy caches.
            headers["Cache-Control"] = "no-store"

    return add_headers


def csrf_token_for(session_hash: str, secret: str) -> str:
    """A token bound to one server-side session: another session's token fails."""
    return hmac.new(secret.encode(), f"csrf:{session_hash}".encode(), "sha256").hexdigest()


def keep_token_for(user_id: int, secret: str, now: float | None = None) -> str:
    """A token in every form a signed-in user is shown: if their session has
    ended by the time they send it, it lets what they typed be kept for them
    (and nothing else: see portal.kept). It names the user, so it is bound to
    them, not to the session that has ended."""
    expires = int((now or time.time()) + KEEP_LIFETIME_SECONDS)
    payload = f"{user_id}.{expires}"
    signature = hmac.new(secret.encode(), f"keep:{payload}".encode(), "sha256").hexdigest()
    return f"{payload}.{signature}"


def user_in_keep_token(token: str, secret: str, now: float | None = None) -> int | None:
    """The user a genuine, unexpired keep token was made for, else None."""
    parts = token.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts[:2]):
        return None
    payload = ".".join(parts[:2])
    expected = hmac.new(secret.encode(), f"keep:{payload}".encode(), "sha256").hexdigest()
    if not hmac.compare_digest(parts[2], expected) or int(parts[1]) < (now or time.time()):
        return None
    return int(parts[0])


def cross_site(request: Request[Any, Any, Any], settings: Settings) -> bool:
    """True when the browser says the request comes from another site."""
    origin = request.headers.get("origin")
    if origin is not None and origin != settings.base_origin:
        return True
    fetch_site = request.headers.get("sec-fetch-site")
    return fetch_site is not None and fetch_site not in ("same-origin", "none")


def csrf_protect_hook(settings: Settings) -> Any:
    """A before_request hook refusing unsafe requests that lack this session's token
    or come from another site (Origin / Sec-Fetch-Site)."""

    async def check(request: Request[Any, Any, Any]) -> None:
        hosts = [value for name, value in request.scope["headers"] if name == b"host"]
        if len(hosts) > 1:  # which one AllowedHosts checked would be a guess
            raise ClientException("More than one Host header")
        if request.method in SAFE_METHODS:
            return None
        if cross_site(request, settings):
            raise PermissionDeniedException("Cross-site request refused")
        session_hash = request.scope.get("state", {}).get("session_hash")
        if not session_hash and rescues_signed_out_posts(request.route_handler, request.method):
            return None  # the handler checks its own signed rescue token instead
        supplied = request.headers.get(CSRF_HEADER)
        if supplied is None and request.content_type[0] in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            supplied = (await request.form()).get(CSRF_FIELD)
        if not session_hash or not isinstance(supplied, str):
            raise PermissionDeniedException("This form has expired: go back, reload and try again")
        expected = csrf_token_for(session_hash, settings.session_secret)
        if not hmac.compare_digest(supplied, expected):
            raise PermissionDeniedException("This form has expired: go back, reload and try again")
        return None

    return check
