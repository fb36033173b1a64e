"""Error pages: plain-English, no stack traces, and refusals are audited."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import asyncpg
from litestar import MediaType, Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.response import Redirect
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from portal.audit import service as audit
from portal.kernel.errors import NotAllowed, NotFound, SearchLimitReached
from portal.web.guards import signed_in_user

log = logging.getLogger("portal.errors")

TITLES = {
    400: "There is a problem with the request",
    401: "Sign in to continue",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "Page not found",
    413: "The file is too big",
    429: "Too many requests",
    503: "Sorry, the service is unavailable",
}


def render_error(
    request: Request[Any, Any, Any],
    status: int,
    message: str = "",
    background: BackgroundTask | None = None,
) -> Response[str]:
    title = TITLES.get(status, "Sorry, there is a problem with the service")
    template = request.app.template_engine.get_template("errors/error.html")  # type: ignore[union-attr]
    html = template.render(
        request=request,
        status=status,
        title=title,
        message=message,
    )
    return Response(html, status_code=status, media_type=MediaType.HTML, background=background)


def not_authorized(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if request.headers.get("hx-request"):
        return Response("", status_code=401, headers={"HX-Redirect": "/login"})
    if request.method == "GET":
        # Only a local path is carried back after sign-in: no open redirect.
        return Redirect(f"/login?next={quote(request.url.path, safe='/')}", status_code=303)
    return render_error(request, 401)


def permission_denied(
    request: Request[Any, Any, Any], exc: PermissionDeniedException | NotAllowed
) -> Response[Any]:
    """403 for Litestar's guards and the services' own ``NotAllowed`` alike."""
    user = signed_in_user(request)
    task = BackgroundTask(
        audit.record,
        "access_refused",
        "refused",
        actor=user,
        method=request.method,
        path=request.url.path,
        reason=str(exc.detail),
    )
    return render_error(request, 403, message=str(exc.detail), background=task)


def too_many_searches(request: Request[Any, Any, Any], exc: SearchLimitReached) -> Response[Any]:
    return render_error(request, 429, message=exc.detail)


def not_found(request: Request[Any, Any, Any], exc: NotFound) -> Response[Any]:
    """A service's ``NotFound``: the same audited 404 as an unknown page."""
    return http_exception(request, NotFoundException(), already_audited=exc)


def http_exception(
    request: Request[Any, Any, Any], exc: HTTPException, already_audited: object = None
) -> Response[Any]:
    status = exc.status_code
    if status >= 500:
        log.error("HTTP %s on %s %r", status, request.method, request.url.path)
    message = str(exc.detail) if status in (400, 413, 429) else ""
    task = None
    user = signed_in_user(request)
    audited = isinstance(exc, audit.AlreadyAudited) or isinstance(
        already_audited, audit.AlreadyAudited
    )
    if status == 404 and user is not None and not audited:
        # Someone walking ids leaves a trace: every refusal is audited, core
        # and plugin routes alike (the path holds ids only, never personal data).
        task = BackgroundTask(
            audit.record,
            "not_found",
            "refused",
            actor=user,
            method=request.method,
            path=request.url.path[:300],
        )
    return render_error(request, status, message=message, background=task)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # Type and route only, by default: the exception text could hold a child's details.
    log.error(
        "Unhandled %s on %s %r",
        type(exc).__name__,
        request.method,
        request.url.path,
        exc_info=request.app.state.settings.log_tracebacks,
    )
    return render_error(request, HTTP_500_INTERNAL_SERVER_ERROR)


RETRY_AFTER_SECONDS = 30


def database_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error(
        "Database unavailable (%s) on %s %r", type(exc).__name__, request.method, request.url.path
    )
    response = render_error(
        request,
        503,
        message="The portal cannot reach its database just now. Nothing was half-saved: "
        "if a page did not confirm your change, it was not made. Try again in a few minutes.",
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_value(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A value the database refused as data (SQLSTATE class 22: out of range, an
    unusable character). The forms check their input first; this is the net
    under them, so a value they missed is a 400, never a 500."""
    log.warning("Refused value (%s) on %s %r", type(exc).__name__, request.method, request.url.path)
    return render_error(
        request,
        400,
        message="Something in the request could not be used. Go back, check what you "
        "entered and try again.",
    )


def database_not_ready(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """SQLSTATE 55000: a database refusing connections is unavailable; any other
    "object not in prerequisite state" is a fault of ours (500)."""
    if "accepting connections" in str(exc):
        return database_unavailable(request, exc)
    return server_error(request, exc)


EXCEPTION_HANDLERS = {
    ConnectionError: database_unavailable,  # refused or reset
    TimeoutError: database_unavailable,
    asyncpg.PostgresConnectionError: database_unavailable,
    asyncpg.exceptions.OperatorInterventionError: database_unavailable,  # starting, shut down
    asyncpg.exceptions.InsufficientResourcesError: database_unavailable,  # too many connections
    asyncpg.exceptions.InvalidCatalogNameError: database_unavailable,  # the database is gone
    asyncpg.exceptions.ObjectNotInPrerequisiteStateError: database_not_ready,
    asyncpg.exceptions.QueryCanceledError: database_unavailable,  # statement_timeout
    asyncpg.exceptions.DataError: bad_value,
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: permission_denied,
    NotAllowed: permission_denied,
    NotFound: not_found,
    SearchLimitReached: too_many_searches,
    HTTPException: http_exception,
    Exception: server_error,
}
