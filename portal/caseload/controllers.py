"""The home page: the signed-in practitioner's caseload and what waits for them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from portal.access.service import break_glass_awaiting_review
from portal.caseload.service import SHOWS, SORTS, Filters, caseload
from portal.kernel.users import is_area_manager
from portal.lead.service import transfers_waiting_for
from portal.plugins import enabled_areas
from portal.web.handlers import user_of


@get("/", name="home")
async def home(
    request: Request[Any, Any, Any],
    show: Annotated[str | None, QueryParameter(name="show")] = None,
    sort: Annotated[str | None, QueryParameter(name="sort")] = None,
) -> Template:
    areas = enabled_areas(request.app.state.plugin_manager)
    user = user_of(request)
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


CASELOAD_HANDLERS = [home]
