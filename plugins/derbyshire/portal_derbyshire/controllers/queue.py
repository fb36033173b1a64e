"""Starting Point's queue with the 24-hour clock, and the timeliness report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, get
from litestar.response import Template

from portal.plugin_api import (
    audit,
    user_of,
)
from portal_derbyshire import requests, timeliness
from portal_derbyshire.clock import screening_clock
from portal_derbyshire.controllers.web import (
    REPORT_READERS,
    STAFF,
    common_context,
    now_of,
)


def sort_queue(rows: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Initial Contacts first, least time left (most overdue) first; then new
    requests, oldest first."""
    contacts = [
        {**r, "clock": screening_clock(r["initial_contact_at"], now)}
        for r in rows
        if r["status"] == "initial_contact" and r["initial_contact_at"] is not None
    ]
    contacts.sort(key=lambda r: r["clock"].left)
    new = [{**r, "clock": None} for r in rows if r["status"] == "with_starting_point"]
    new.sort(key=lambda r: r["submitted_at"])
    return contacts + new


PAGE_SIZE = 50


def page_number(value: str | None, pages: int) -> int:
    """The page asked for, kept within 1..pages (a bad value shows page 1)."""
    try:
        return min(max(int(value or 1), 1), pages)
    except ValueError:
        return 1


@get("/starting-point", name="derbyshire_queue", guards=STAFF)
async def queue(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    now = now_of(request)
    rows = sort_queue(await requests.open_queue(), now)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = page_number(request.query_params.get("page"), pages)
    shown = await requests.with_children(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    await audit.record("starting_point_queue_viewed", "success", actor=user, page=request.url.path)
    context = {
        **common_context(request),
        "rows": shown,
        "total": len(rows),
        "page": page,
        "pages": pages,
        "first": (page - 1) * PAGE_SIZE + 1,
        "overdue": sum(1 for r in rows if r["clock"] and r["clock"].overdue),
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
