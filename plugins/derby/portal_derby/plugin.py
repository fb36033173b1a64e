"""Derby's area plugin: MAT / VCM routing (pages arrive with the Derby issue)."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litestar import get
from litestar.response import Template

from portal.plugin_api import (
    AreaDescription,
    CurrentUser,
    NavigationItem,
    SocialCareRoute,
    hookimpl,
    require_role,
)
from portal_derby.area import DERBY, SOCIAL_CARE_ROUTE

DERBY_ROLES = ("derby.practitioner", "derby.spa_clerk", "derby.vcm_chair", "derby.area_manager")


@get("/", name="derby_about", guards=[require_role(*DERBY_ROLES)])
async def about() -> Template:
    return Template("derby/about.html", context={"area": DERBY})


@hookimpl
def portal_describe_area() -> AreaDescription:
    return DERBY


@hookimpl
def portal_route_handlers() -> Sequence[Any]:
    return [about]


@hookimpl
def portal_navigation_items(user: CurrentUser) -> Sequence[NavigationItem]:
    return [NavigationItem("Derby", "/derby/")] if user.has_role(*DERBY_ROLES) else []


@hookimpl
def portal_template_directories() -> Sequence[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def portal_database_app() -> str:
    return "portal_derby.piccolo_app"


@hookimpl
def portal_social_care_route(area: str) -> SocialCareRoute | None:
    return SOCIAL_CARE_ROUTE
