"""Sign-in and sign-out over HTTP: /login, /auth/callback, /auth/logout, /signed-out."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from portal.audit import service as audit
from portal.auth import service
from portal.auth.middleware import LOGIN_COOKIE, SESSION_COOKIE, cookie_name
from portal.auth.oidc import OidcClient, OidcError
from portal.settings import Settings
from portal.web.errors import render_error
from portal.web.guards import signed_in_user

log = logging.getLogger("portal.auth")
PUBLIC = {"public": True}


def _cookie(settings: Settings, name: str, value: str, *, max_age: int | None = None) -> Cookie:
    return Cookie(
        key=cookie_name(settings, name),
        value=value,
        path="/",
        secure=settings.is_https,
        httponly=True,
        samesite="lax",
        max_age=max_age,
    )


def _settings(request: Request[Any, Any, Any]) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _oidc(request: Request[Any, Any, Any]) -> OidcClient:
    return request.app.state.oidc  # type: ignore[no-any-return]


def _safe_return_path(candidate: str | None) -> str:
    """Only a path on this site: '/x' but never '//evil.example', '/\\evil' or a path
    hiding control characters (browsers drop tabs and newlines from URLs)."""
    if (
        not candidate
        or not candidate.startswith("/")
        or candidate.startswith("//")
        or "\\" in candidate
        or not candidate.isprintable()
    ):
        return "/"
    return candidate[:500]


@get("/login", opt=PUBLIC, name="login")
async def login(
    request: Request[Any, Any, Any],
    next_path: Annotated[str | None, QueryParameter(name="next")] = None,
) -> Response[Any]:
    if signed_in_user(request):
        return Redirect(_safe_return_path(next_path), status_code=303)
    settings, oidc = _settings(request), _oidc(request)
    browser = request.cookies.get(cookie_name(settings, LOGIN_COOKIE)) or service.new_token()
    state, nonce, verifier = await service.start_login_attempt(
        browser, _safe_return_path(next_path)
    )
    try:
        url = await oidc.authorization_url(state=state, nonce=nonce, code_verifier=verifier)
    except OidcError as error:
        log.error("Sign-in could not start: %s", error)
        return render_error(
            request,
            503,
            message="The sign-in service is not responding. Try again in a few minutes.",
        )
    response = Redirect(url, status_code=303)
    response.set_cookie(_cookie(settings, LOGIN_COOKIE, browser, max_age=600))
    return response


@get("/auth/callback", opt=PUBLIC, name="auth_callback")
async def callback(
    request: Request[Any, Any, Any],
    code: FromQuery[str | None] = None,
    # `state` is a reserved handler argument in Litestar: read the OIDC state by name.
    oidc_state: Annotated[str | None, QueryParameter(name="state")] = None,
    error: FromQuery[str | None] = None,
) -> Response[Any]:
    settings, oidc = _settings(request), _oidc(request)
    browser = request.cookies.get(cookie_name(settings, LOGIN_COOKIE))
    attempt = (
        await service.take_login_attempt(oidc_state, browser) if oidc_state and browser else None
    )
    if attempt is None:
        await audit.record("sign_in", "failure", reason="unknown, expired or replayed state")
        return render_error(
            request,
            400,
            message="This sign-in link has expired or was not started in this browser. Sign in again.",
        )
    if error or not code:
        await audit.record(
            "sign_in", "failure", reason="provider returned an error", error=error or "no code"
        )
        return render_error(
            request, 400, message="The sign-in service did not sign you in. Sign in again."
        )
    try:
        id_token = await oidc.exchange_code(code=code, code_verifier=attempt["code_verifier"])
        claims = await oidc.verify_id_token(id_token, nonce=attempt["nonce"])
    except OidcError as failure:
        log.warning("Sign-in refused: %s", failure)
        await audit.record("sign_in", "failure", reason=str(failure))
        return render_error(
            request, 400, message="Your sign-in could not be checked. Sign in again."
        )
    user_row = await service.upsert_user(claims, settings)
    user = service.current_user_from(user_row)
    if user_row.disabled or not user.roles:
        await audit.record(
            "sign_in",
            "refused",
            actor=user,
            reason="disabled" if user_row.disabled else "no portal role",
        )
        return render_error(
            request,
            403,
            message="Your account does not have a role in the Early Help Portal. "
            "Ask your organisation's portal administrator to give you access.",
        )
    old = request.cookies.get(cookie_name(settings, SESSION_COOKIE))
    engine = request.app.state.engine
    token = await service.start_session(engine, user.id, id_token, replaces=old)
    await audit.record("sign_in", "success", actor=user)
    response = Redirect(_safe_return_path(attempt["return_to"]), status_code=303)
    response.set_cookie(_cookie(settings, SESSION_COOKIE, token))
    return response


@post("/auth/logout", name="logout", status_code=303)
async def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    settings, oidc = _settings(request), _oidc(request)
    state = request.scope.get("state", {})
    await service.end_session(state["session_hash"])
    await audit.record("sign_out", "success", actor=signed_in_user(request))
    try:
        destination = await oidc.end_session_url(state.get("id_token", "")) or "/signed-out"
    except OidcError:
        destination = "/signed-out"
    response = Redirect(destination, status_code=303)
    response.delete_cookie(cookie_name(settings, SESSION_COOKIE), path="/")
    # Wipe anything this origin left in the browser (SECURITY.md 13).
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@get("/signed-out", opt=PUBLIC, name="signed_out")
async def signed_out(request: Request[Any, Any, Any]) -> Template:
    return Template("signed-out.html")


AUTH_HANDLERS = [login, callback, logout, signed_out]
