"""Small helpers shared by the record pages' handlers."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect

from portal.areas import AreaDescription
from portal.kernel.users import CurrentUser
from portal.plugins import enabled_areas
from portal.web.guards import signed_in_user


def user_of(request: Request[Any, Any, Any]) -> CurrentUser:
    """The signed-in user of a request behind the sign-in guard."""
    user = signed_in_user(request)
    assert user is not None  # the app-wide guard has run
    return user


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
