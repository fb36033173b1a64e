"""Derbyshire's area plugin: Starting Point routing (pages arrive with the Derbyshire issue)."""

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
from portal_derbyshire.area import DERBYSHIRE, SOCIAL_CARE_ROUTE

DERBYSHIRE_ROLES = (
    "derbyshire.practitioner",
    "derbyshire.starting_point",
    "derbyshire.senior_practitioner",
    "derbyshire.area_manager",
)


@get("/", name="derbyshire_about", guards=[require_role(*DERBYSHIRE_ROLES)])
async def about() -> Template:
    return Template("derbyshire/about.html", context={"area": DERBYSHIRE})


@hookimpl
def portal_describe_area() -> AreaDescription:
    return DERBYSHIRE


@hookimpl
def portal_route_handlers() -> Sequence[Any]:
    return [about]


@hookimpl
def portal_navigation_items(user: CurrentUser) -> Sequence[NavigationItem]:
    return (
        [NavigationItem("Derbyshire", "/derbyshire/")] if user.has_role(*DERBYSHIRE_ROLES) else []
    )


@hookimpl
def portal_template_directories() -> Sequence[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def portal_social_care_route(area: str) -> SocialCareRoute | None:
    return SOCIAL_CARE_ROUTE


@hookimpl
def portal_database_app() -> str:
    return "portal_derbyshire.piccolo_app"
