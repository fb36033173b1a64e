"""Small helpers shared by the record pages' handlers."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect

from portal.access.service import FamilyAccess, open_family
from portal.areas import AreaDescription
from portal.kernel.users import CurrentUser
from portal.plugins import enabled_areas
from portal.web.guards import signed_in_user


def user_of(request: Request[Any, Any, Any]) -> CurrentUser:
    user = signed_in_user(request)
    assert user is not None  # the app-wide guard has run
    return user


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


def see_other(url: str) -> Redirect:
    """Post/redirect/get: a refreshed page never re-submits the form."""
    return Redirect(url, status_code=303)


def areas_by_slug(request: Request[Any, Any, Any]) -> dict[str, AreaDescription]:
    return {a.slug: a for a in enabled_areas(request.app.state.plugin_manager)}


def locality_name(areas: dict[str, AreaDescription], area: str, locality: str) -> str:
    description = areas.get(area)
    if description is None:
        return locality
    names = {loc.slug: loc.name for loc in description.localities}
    return f"{description.name}, {names.get(locality, locality)}"
