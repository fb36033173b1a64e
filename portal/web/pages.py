"""The core's own pages: home, health checks, accessibility statement, cookies."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import MediaType, Request, Response, get
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from portal.access.service import break_glass_awaiting_review
from portal.caseload.service import SHOWS, SORTS, Filters, caseload
from portal.db import ping
from portal.kernel.users import is_area_manager
from portal.lead.service import transfers_waiting_for
from portal.plugins import enabled_areas
from portal.web.guards import signed_in_user

PUBLIC = {"public": True}


@get("/", name="home")
async def home(
    request: Request[Any, Any, Any],
    show: Annotated[str | None, QueryParameter(name="show")] = None,
    sort: Annotated[str | None, QueryParameter(name="sort")] = None,
) -> Template:
    areas = enabled_areas(request.app.state.plugin_manager)
    user = signed_in_user(request)
    assert user is not None  # the app-wide guard has run
    mine = [area for area in areas if area.slug in user.areas]
    filters = Filters.parse(show, sort)
    cases = await caseload(user, filters, date.today()) if mine else []
    context = {"caseload": cases, "filters": filters, "shows": SHOWS, "sorts": SORTS}
    if request.headers.get("hx-target") == "caseload":
        return Template("caseload/_caseload.html", context=context)
    managed = frozenset(a.slug for a in mine if is_area_manager(user, a.slug))
    return Template(
        "home.html",
        context={
            **context,
            "areas": areas,
            "my_areas": mine,
            "transfers": await transfers_waiting_for(user) if mine else [],
            "reviews": len(await break_glass_awaiting_review(managed)) if managed else 0,
        },
    )


@get("/healthz", opt={**PUBLIC, "without_session": True}, name="healthz", media_type=MediaType.TEXT)
async def healthz() -> str:
    return "ok"


@get("/readyz", opt=PUBLIC, name="readyz", media_type=MediaType.TEXT)
async def readyz(request: Request[Any, Any, Any]) -> Response[str]:
    if await ping(request.app.state.engine):
        return Response("ready", media_type=MediaType.TEXT)
    return Response("database unavailable", status_code=503, media_type=MediaType.TEXT)


@get("/accessibility", opt=PUBLIC, name="accessibility")
async def accessibility(request: Request[Any, Any, Any]) -> Template:
    return Template("accessibility.html")


@get("/cookies", opt=PUBLIC, name="cookies")
async def cookies(request: Request[Any, Any, Any]) -> Template:
    return Template("cookies.html")


@get("/favicon.ico", opt=PUBLIC, include_in_schema=False)
async def favicon() -> Redirect:
    return Redirect("/static/images/favicon.svg", status_code=301)


PAGE_HANDLERS = [home, healthz, readyz, accessibility, cookies, favicon]
