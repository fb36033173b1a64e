"""The portal-wide sign-in guard, keeping a signed-out form's text first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.kept import service
from portal.kernel.forms import clean_text
from portal.web.guards import require_sign_in, rescues_signed_out_posts, signed_in_user
from portal.web.security import KEEP_FIELD, cross_site, user_in_keep_token

BeforeRequest = Callable[[Request[Any, Any, Any]], Awaitable[Any]]
SENT_AGAIN = b"kept_form="  # the query parameter a kept form is sent on with


class FormKept(NotAuthorizedException):
    """A signed-out form was kept: sign in, then read it (``kept_id``)."""

    def __init__(self, kept_id: int) -> None:
        super().__init__("Sign in again to send what you typed")
        self.kept_id = kept_id


async def require_sign_in_keeping_forms(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    try:
        await require_sign_in(connection, handler)
    except NotAuthorizedException:
        method = str(connection.scope.get("method", ""))
        if method == "POST" and not rescues_signed_out_posts(handler, method):
            kept_id = await keep_signed_out_form(Request(connection.scope, connection.receive))
            if kept_id is not None:
                raise FormKept(kept_id) from None
        raise


async def keep_signed_out_form(request: Request[Any, Any, Any]) -> int | None:
    """Keep the text of a form whose session has ended, for the user its keep
    token names; None (refused as usual) without a genuine token."""
    settings = request.app.state.settings
    if cross_site(request, settings) or request.content_type[0] not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return None
    data = await request.form()
    try:
        return await keep_form_data(request, data)
    finally:  # no handler will run to close the uploads
        for _, value in data.multi_items():
            if isinstance(value, UploadFile):
                await value.close()


async def keep_form_data(request: Request[Any, Any, Any], data: FormMultiDict) -> int | None:
    settings = request.app.state.settings
    token = data.get(KEEP_FIELD)
    user_id = user_in_keep_token(token, settings.session_secret) if isinstance(token, str) else None
    if user_id is None:
        return None
    row = await PortalUser.objects().get((PortalUser.id == user_id) & PortalUser.disabled.eq(False))
    if row is None:
        return None
    fields: list[tuple[str, str]] = []
    files: list[str] = []
    for name, value in data.multi_items():
        if isinstance(value, UploadFile):
            if value.filename:
                files.append(clean_text(value.filename)[:100])
        else:
            fields.append((name, clean_text(str(value))))
    action = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return await service.keep(current_user_from(row), action, came_from(request), fields, files)


def came_from(request: Request[Any, Any, Any]) -> str:
    """The page the form was on, from the Referer (same-origin only, by policy)."""
    referer = urlsplit(request.headers.get("referer", ""))
    own = urlsplit(request.app.state.settings.base_url)
    if (referer.scheme, referer.netloc) != (own.scheme, own.netloc) or not referer.path:
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


def closing_sent_forms(csrf_check: BeforeRequest) -> BeforeRequest:
    """The app's before-request hook: ``csrf_check``, then, for a kept form sent
    on by its author (past the CSRF check), marking it done with, whatever its
    handler answers (an error page of the handler's own keeps what was typed)."""

    async def hook(request: Request[Any, Any, Any]) -> Any:
        refused = await csrf_check(request)
        if (
            refused is None
            and request.method == "POST"
            and SENT_AGAIN in request.scope.get("query_string", b"")
        ):
            user = signed_in_user(request)
            kept = request.query_params.get("kept_form", "")
            if user is not None and kept.isdigit() and len(kept) < 10:
                await service.close(user, int(kept), "sent")
        return refused

    return hook
