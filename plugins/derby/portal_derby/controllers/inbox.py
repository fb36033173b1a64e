"""The SPA clerk's (and The Lighthouse's) inbox: check a request, put it on a
meeting's agenda or return it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.plugin_api import (
    Form,
    StaleVersion,
    assessments,
    families,
    format_slot,
    see_other,
    teams,
    user_of,
)
from portal_derby import common, submissions, vcm
from portal_derby.controllers.web import (
    Req,
    by_family,
    clerks_only,
    derby_family,
    page,
)


@get("/inbox", name="derby_inbox", guards=[clerks_only])
async def inbox(request: Req) -> Template:
    user = user_of(request)
    my_teams = await teams.teams_of(user.id, common.AREA)
    inboxes = sorted(t for t in my_teams if t.startswith("spa:") or t == common.LIGHTHOUSE)
    rows = await families.with_children(await submissions.inbox_items(my_teams), by_family)
    return page("inbox.html", rows=rows, inboxes=inboxes)


async def clerk_submission(request: Req, submission_id: int) -> tuple[dict[str, Any], Any]:
    """A request in one of this clerk's inboxes, and its family while it waits
    there (None once it has left the inbox: the clerk's access went with it)."""
    row = await submissions.submission(submission_id)
    if not await submissions.clerk_may_work(user_of(request), row):
        raise NotFoundException()
    if row["status"] != "with_clerk":
        return row, None
    family = (await derby_family(request, row["family"])).family
    return row, family


def gone(row: dict[str, Any], status_code: int) -> Template:
    """The request has left the inbox: a 409 when the clerk was acting on it, else just where it is."""
    just_looking = status_code != 409
    return page("stale.html", status_code, row=row, back="/derby/inbox", just_looking=just_looking)


async def clerk_context(row: dict[str, Any], family: Any, **extra: Any) -> dict[str, Any]:
    slots = await vcm.upcoming_slots(row["locality"]) if row["status"] == "with_clerk" else []
    place_form = extra.pop("place_form", None) or Form({"version": str(row["version"])})
    return_form = extra.pop("return_form", None) or Form({"version": str(row["version"])})
    assessment = await assessments.assessment_in(family, row["assessment_id"])
    return {
        "row": row,
        "family": family,
        "children": await families.child_choices(family.id),
        "assessment": assessment,
        "slots": [(s.isoformat(), format_slot(s)) for s in slots],
        "place_form": place_form,
        "return_form": return_form,
        "form": place_form if place_form.errors else return_form,
        **extra,
    }


@get("/inbox/{submission_id:int}", name="derby_inbox_item", guards=[clerks_only])
async def inbox_item(request: Req, submission_id: FromPath[int]) -> Template:
    row, family = await clerk_submission(request, submission_id)
    if family is None:
        return gone(row, 200)
    return page("inbox_item.html", **await clerk_context(row, family))


@post("/inbox/{submission_id:int}/place", name="derby_place", guards=[clerks_only])
async def place(request: Req, submission_id: FromPath[int]) -> Template | Redirect:
    user = user_of(request)
    row, family = await clerk_submission(request, submission_id)
    if family is None:
        return gone(row, 409)
    form = await Form.read(request)
    chosen = form.get("starts_at")
    starts_at: datetime | None = None
    try:
        starts_at = datetime.fromisoformat(chosen) if chosen else None
    except ValueError:
        starts_at = None
    if starts_at is None or starts_at.tzinfo is None:
        form.error("starts_at", "Select the meeting to put the request on")
    else:
        try:
            await submissions.place_on_meeting(user, row, form.version(), starts_at)
        except common.DerbyError as error:
            form.error("starts_at", error.message)
        except StaleVersion as stale:
            return page("stale.html", 409, row=stale.current, back=f"/derby/inbox/{submission_id}")
    if not form.ok:
        return page("inbox_item.html", 422, **await clerk_context(row, family, place_form=form))
    return see_other(f"/derby/inbox?placed={submission_id}")


@post("/inbox/{submission_id:int}/return", name="derby_return", guards=[clerks_only])
async def return_submission(request: Req, submission_id: FromPath[int]) -> Template | Redirect:
    user = user_of(request)
    row, family = await clerk_submission(request, submission_id)
    if family is None:
        return gone(row, 409)
    form = await Form.read(request)
    reason = form.text(
        "reason", "Enter why you are returning the request", max_length=5000, label="Reason"
    )
    if not form.ok:
        return page("inbox_item.html", 422, **await clerk_context(row, family, return_form=form))
    try:
        await submissions.return_to_practitioner(user, row, form.version(), reason)
    except StaleVersion as stale:
        return page("stale.html", 409, row=stale.current, back="/derby/inbox")
    return see_other("/derby/inbox?returned=1")
