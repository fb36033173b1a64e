"""The access check of every family page, as Litestar dependencies and a guard.

A handler under ``/families/{family_id}`` names the access it needs and
receives the decision; it never imports this package, so capabilities below
access (lead, TAF, assessments ...) keep their pages without an import cycle:

- ``family_access``: what the request method needs (a POST needs a reason that
  allows changes, so emergency access is refused in this one place);
- ``change_access``: a GET that shows a change form (refused before anything
  is typed);
- ``read_access``: reading only, whatever the method (answering a proposal);
- ``access_if_signed_in``: ``None`` when the session has ended, so a rescued
  POST keeps what was typed;
- ``family_names``: names the families, among some ids, that the user may open
  (their notifications name the family they are about).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath

from portal.access.service import family_names, open_family
from portal.families.access import FamilyAccess
from portal.kernel.users import CurrentUser
from portal.notify.service import FamilyNames
from portal.plugins import enabled_areas
from portal.web.guards import signed_in_user
from portal.web.handlers import user_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def family_for(
    request: Request[Any, Any, Any], family_id: int, *, for_change: bool | None = None
) -> FamilyAccess:
    """The family if this user may see it (audited either way), else 403/404.

    Every unsafe request (POST and the like) changes something, so it needs a
    reason that allows changes: emergency access is refused here, in one place,
    for core and plugin routes alike. A GET that shows a change form passes
    ``for_change=True`` so the refusal comes before anything is typed."""
    if for_change is None:
        for_change = request.method not in SAFE_METHODS
    return await open_family(user_of(request), family_id, request.url.path, for_change=for_change)


async def provide_family_access(
    request: Request[Any, Any, Any], family_id: FromPath[int]
) -> FamilyAccess:
    return await family_for(request, family_id)


async def provide_change_access(
    request: Request[Any, Any, Any], family_id: FromPath[int]
) -> FamilyAccess:
    return await family_for(request, family_id, for_change=True)


async def provide_read_access(
    request: Request[Any, Any, Any], family_id: FromPath[int]
) -> FamilyAccess:
    return await family_for(request, family_id, for_change=False)


async def provide_access_if_signed_in(
    request: Request[Any, Any, Any], family_id: FromPath[int]
) -> FamilyAccess | None:
    if signed_in_user(request) is None:
        return None
    return await family_for(request, family_id)


async def provide_family_names(request: Request[Any, Any, Any]) -> FamilyNames:
    user = user_of(request)

    async def names(family_ids: Collection[int]) -> dict[int, str]:
        return await family_names(user, family_ids)

    return names


FAMILY_DEPENDENCIES = {
    "family_access": Provide(provide_family_access),
    "change_access": Provide(provide_change_access),
    "read_access": Provide(provide_read_access),
    "access_if_signed_in": Provide(provide_access_if_signed_in),
    "family_names": Provide(provide_family_names),
}


async def require_area_role(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard for family pages: only people with a role in an enabled area.

    Partnership analysts and portal administrators work across areas but not
    with families' records, so even find-before-create is closed to them."""
    user = connection.scope.get("user")
    enabled = {area.slug for area in enabled_areas(connection.app.state.plugin_manager)}
    if isinstance(user, CurrentUser) and not user.areas & enabled:
        raise PermissionDeniedException("Your role does not give access to families' records")
