"""A meeting series' weekly slot: the area's managers change its day, time
and place. Meetings already holding cases keep their time."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.audit import service as audit
from portal.kernel.errors import StaleVersion
from portal.kernel.forms import Form
from portal.kernel.users import CurrentUser, is_area_manager
from portal.meetings import series as schedule
from portal.plugins import enabled_areas
from portal.taf.web import number
from portal.web.handlers import see_other, user_of

DAYS = [(str(i), day) for i, day in enumerate(schedule.WEEKDAYS)]


async def series_for(
    request: Request[Any, Any, Any], series_id: int
) -> tuple[CurrentUser, dict[str, Any]]:
    """The series if this user manages its area: another area's is a 404."""
    user = user_of(request)
    series = await schedule.series_by_id(series_id)
    areas = {a.slug for a in enabled_areas(request.app.state.plugin_manager)}
    if series is None or series["area"] not in user.areas & areas:
        await audit.record(
            "meeting_series_viewed",
            "refused",
            actor=user,
            record_type="meeting_series",
            record_id=series_id,
            page=request.url.path,
        )
        raise NotFoundException()
    if not is_area_manager(user, series["area"]):
        raise PermissionDeniedException("Only the area's managers can change a meeting's schedule")
    return user, series


def schedule_form(series: dict[str, Any]) -> Form:
    return Form(
        {
            "weekday": str(series["weekday"]),
            "start_time": series["start_time"],
            "location": series["location"],
            "version": str(series["version"]),
        }
    )


def page(series: dict[str, Any], form: Form, status: int = 200) -> Template:
    return Template(
        "meetings/series.html",
        context={"series": series, "form": form, "days": DAYS},
        status_code=status,
    )


@get("/meetings/series/{series_id:int}", name="meeting_series")
async def series_page(request: Request[Any, Any, Any], series_id: FromPath[int]) -> Template:
    _, series = await series_for(request, series_id)
    return page(series, schedule_form(series))


@post("/meetings/series/{series_id:int}", name="meeting_series_save")
async def save_series(
    request: Request[Any, Any, Any], series_id: FromPath[int]
) -> Template | Redirect:
    user, series = await series_for(request, series_id)
    form = await Form.read(request)
    weekday, start_time = form.get("weekday"), form.get("start_time")
    location = form.text("location", max_length=200, label="Location")
    for name, message in schedule.schedule_problems(weekday, start_time).items():
        form.error(name, message)
    if not form.ok:
        return page(series, form, 422)
    try:
        await schedule.reschedule(
            user,
            series_id,
            number(form.get("version")) or 0,
            int(weekday),
            start_time,
            location,
        )
    except StaleVersion:
        current = await schedule.series_by_id(series_id)
        saved = schedule_form(current or series)
        days = dict(DAYS)
        rows = [
            {
                "label": label,
                "yours": days.get(form.get(f), form.get(f)) if f == "weekday" else form.get(f),
                "saved": days.get(saved.get(f), saved.get(f)) if f == "weekday" else saved.get(f),
            }
            for f, label in (
                ("weekday", "Day"),
                ("start_time", "Start time"),
                ("location", "Location"),
            )
        ]
        if all(r["yours"] == r["saved"] for r in rows):
            return see_other("/meetings")  # a double click: already saved
        return Template(
            "errors/conflict.html",
            context={
                "rows": [{**r, "differs": r["yours"] != r["saved"]} for r in rows],
                "resubmit": {**form.values, "version": saved.get("version")},
                "action": f"/meetings/series/{series_id}",
                "back": f"/meetings/series/{series_id}",
            },
            status_code=409,
        )
    return see_other(f"/meetings#series-{series_id}")


SERIES_HANDLERS: list[Any] = [series_page, save_series]
