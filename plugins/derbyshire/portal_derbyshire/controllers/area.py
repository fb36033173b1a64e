"""About Starting Point, where a referral starts, and the referrer's and
staff's lists, and the family's Derbyshire page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from portal.plugin_api import (
    audit,
    families,
    user_of,
)
from portal_derbyshire import common, requests
from portal_derbyshire.controllers.web import (
    ANY_ROLE,
    common_context,
    derbyshire_family,
    now_of,
    with_clocks,
)


@get("/", name="derbyshire_about", guards=ANY_ROLE)
async def about(request: Request[Any, Any, Any]) -> Template:
    return Template("derbyshire/about.html", context=common_context(request))


@get("/referral", name="derbyshire_start_referral", guards=ANY_ROLE)
async def start_referral(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    mine = [f for f in await families.families_for(user) if f["area"] == common.AREA]
    return Template(
        "derbyshire/start_referral.html", context={**common_context(request), "families": mine}
    )


@get("/requests", name="derbyshire_my_requests", guards=ANY_ROLE)
async def my_requests(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    rows = with_clocks(await requests.requests_sent_by(user.id), now_of(request))
    await audit.record("starting_point_requests_listed", "success", actor=user, page="mine")
    return Template(
        "derbyshire/my_requests.html", context={**common_context(request), "rows": rows}
    )


@get("/cases", name="derbyshire_my_cases", guards=ANY_ROLE)
async def my_cases(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    rows = await requests.cases_of(user.id)
    await audit.record("starting_point_requests_listed", "success", actor=user, page="cases")
    return Template("derbyshire/my_cases.html", context={**common_context(request), "rows": rows})


@get("/families/{family_id:int}", name="derbyshire_family", guards=ANY_ROLE)
async def family_page(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Template:
    family = await derbyshire_family(request, family_id)
    return Template(
        "derbyshire/family.html",
        context={
            **common_context(request),
            "family": family,
            "children": await families.child_choices(family.id),
            "requests": with_clocks(await requests.requests_for_family(family.id), now_of(request)),
        },
    )
