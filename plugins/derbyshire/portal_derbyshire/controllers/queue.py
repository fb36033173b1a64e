"""Starting Point's queue with the 24-hour clock, and the timeliness report."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from portal.plugin_api import (
    audit,
    user_of,
    whole_number,
)
from portal_derbyshire import requests, timeliness
from portal_derbyshire.clock import screening_clock
from portal_derbyshire.controllers.web import (
    REPORT_READERS,
    STAFF,
    common_context,
    now_of,
)

PAGE_SIZE = 50


def page_number(value: str | None) -> int:
    """The page asked for (a bad value shows page 1; past the end, the last)."""
    return whole_number(value or "1") or 1


@get("/starting-point", name="derbyshire_queue", guards=STAFF)
async def queue(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    now = now_of(request)
    asked = page_number(request.query_params.get("page"))
    found = await requests.open_queue_page(now, asked, PAGE_SIZE)
    rows = [
        {
            **r,
            "clock": screening_clock(r["initial_contact_at"], now)
            if r["status"] == "initial_contact" and r["initial_contact_at"] is not None
            else None,
        }
        for r in found.rows
    ]
    await audit.record("starting_point_queue_viewed", "success", actor=user, page=request.url.path)
    context = {
        **common_context(request),
        "rows": rows,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "first": found.first,
        "overdue": found.overdue,
    }
    if request.headers.get("hx-target") == "queue-poll":
        return Template("derbyshire/_queue_table.html", context=context)
    return Template("derbyshire/queue.html", context=context)


@get("/reports/timeliness", name="derbyshire_timeliness", guards=REPORT_READERS)
async def timeliness_report(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    await audit.record("starting_point_report_viewed", "success", actor=user, page="timeliness")
    return Template(
        "derbyshire/timeliness.html",
        context={**common_context(request), "weeks": await timeliness.timeliness()},
    )
