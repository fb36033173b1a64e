"""Access guards. Every route requires a signed-in user unless its handler is
marked ``opt={"public": True}`` (deny by default)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.handlers.base import BaseRouteHandler

from portal.kernel.forms import ID_MAX
from portal.kernel.users import CurrentUser

# Coroutines: Litestar runs a plain-function guard in a worker thread, a thread
# hop on every request.
Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def is_public(handler: BaseRouteHandler) -> bool:
    return bool(handler.opt.get("public"))


def signed_in_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    user = connection.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


def rescues_signed_out_posts(handler: BaseRouteHandler, method: str) -> bool:
    """A route marked ``opt={"rescue": True}`` receives a POST whose session has
    ended, so the handler can keep what was typed (it must check its own
    token and never act for a signed-out user beyond that)."""
    return method == "POST" and bool(handler.opt.get("rescue"))


async def require_sign_in(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    if any(isinstance(v, int) and not 0 <= v <= ID_MAX for v in connection.path_params.values()):
        raise NotFoundException()  # no row has that id (and the database would refuse it)
    if is_public(handler) or signed_in_user(connection) is not None:
        return
    if rescues_signed_out_posts(handler, str(connection.scope.get("method", ""))):
        return
    raise NotAuthorizedException("Sign in to use the Early Help Portal")


def require_role(*roles: str) -> Guard:
    """A guard letting through users who hold any of these portal roles."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = signed_in_user(connection)
        if user is None:
            raise NotAuthorizedException("Sign in to use the Early Help Portal")
        if not user.has_role(*roles):
            raise PermissionDeniedException("Your role does not give access to this page")

    return guard


def require_area_role(area: str, *roles: str) -> Guard:
    """An area plugin's guard: users of another area get a 404, as if the page
    did not exist (areas are separate tenants); users of this area without one
    of ``roles`` get a 403."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = signed_in_user(connection)
        if user is None:
            raise NotAuthorizedException("Sign in to use the Early Help Portal")
        if area not in user.areas:
            raise NotFoundException()
        if not user.has_role(*roles):
            raise PermissionDeniedException("Your role does not give access to this page")

    return guard
