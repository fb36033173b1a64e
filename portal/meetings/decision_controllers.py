"""A meeting's decision on each case on its agenda: the area's own outcomes,
an allocation where the outcome allocates, and the area's reaction in the
same transaction; a decision someone else recorded first keeps what was typed."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.areas import AgendaOutcome
from portal.auth import service as auth
from portal.families.service import with_children
from portal.kernel.errors import StaleVersion
from portal.kernel.forms import Form
from portal.meetings import service
from portal.meetings.pages import meeting_for, meeting_view, record_view
from portal.plugins import call_for_area
from portal.taf.service import in_area
from portal.taf.web import number
from portal.teams import service as teams
from portal.web.handlers import see_other

# Decisions -----------------------------------------------------------------------


def outcomes_of(request: Request[Any, Any, Any], meeting: dict[str, Any]) -> list[AgendaOutcome]:
    """The decisions this meeting can make, from its area's plugin."""
    found = call_for_area(
        request.app.state.plugin_manager,
        meeting["area"],
        "portal_agenda_outcomes",
        series_key=meeting["series_key"],
    )
    return list(found or [])


async def allocation_choices(area: str, outcome: AgendaOutcome) -> list[tuple[str, str]]:
    """Who a case can be allocated to: the outcome's team, or anyone in the area."""
    if outcome.allocation_team:
        members = await teams.team_members(area, outcome.allocation_team)
        return [
            (str(m["user"]), f"{m['name']} ({m['role']})" if m["role"] else m["name"])
            for m in members
        ]
    rows = await auth.active_users()
    return [(str(r["id"]), r["display_name"]) for r in rows if in_area(r["roles"], area)]


async def item_for(meeting: dict[str, Any], item_id: int) -> dict[str, Any]:
    try:
        item = await service.item_in(meeting["id"], item_id)
    except service.NotOnAgenda:
        raise NotFoundException() from None
    [shown] = await with_children([item], lambda r: r["family"])
    return shown


async def decision_context(
    request: Request[Any, Any, Any], meeting: dict[str, Any], item: dict[str, Any], form: Form
) -> dict[str, Any]:
    outcomes = outcomes_of(request, meeting)
    return {
        "meeting": meeting_view(meeting),
        "item": item,
        "form": form,
        "outcomes": [
            {
                "outcome": o,
                "members": await allocation_choices(meeting["area"], o) if o.allocates else [],
            }
            for o in outcomes
        ],
    }


@get("/meetings/{meeting_id:int}/items/{item_id:int}/decision", name="meeting_decision")
async def decision_form(
    request: Request[Any, Any, Any], meeting_id: FromPath[int], item_id: FromPath[int]
) -> Template:
    user, meeting = await meeting_for(request, meeting_id)
    item = await item_for(meeting, item_id)
    await record_view(request, user, meeting, [item], "agenda_case_viewed")
    form = Form({"version": str(item["version"])})
    if item["outcome"]:
        form.values["outcome"] = item["outcome"]
    return Template(
        "meetings/decision.html", context=await decision_context(request, meeting, item, form)
    )


@post("/meetings/{meeting_id:int}/items/{item_id:int}/decision", name="meeting_decide")
async def decide(
    request: Request[Any, Any, Any], meeting_id: FromPath[int], item_id: FromPath[int]
) -> Template | Redirect:
    user, meeting = await meeting_for(request, meeting_id)
    item = await item_for(meeting, item_id)
    form = await Form.read(request)
    context = await decision_context(request, meeting, item, form)
    by_key = {c["outcome"].key: c for c in context["outcomes"]}
    chosen = by_key.get(form.get("outcome"))
    outcome: AgendaOutcome | None = chosen["outcome"] if chosen else None
    key = outcome.key if outcome else ""
    decision = form.get(f"decision-{key}")
    allocated_to: int | None = None
    if chosen and outcome and outcome.allocates:
        picked = form.get(f"allocated_to-{key}")
        if picked in {m for m, _ in chosen["members"]}:
            allocated_to = int(picked)
    if len(decision) > 10000:
        form.error("decision", "The decision must be 10000 characters or fewer", f"decision-{key}")
    for name, message in service.decision_problems(outcome, decision, allocated_to).items():
        form.error(name, message, f"{name}-{key}" if name != "outcome" else "outcome")
    if not form.ok or outcome is None:
        return Template("meetings/decision.html", context=context, status_code=422)
    manager = request.app.state.plugin_manager
    area = meeting["area"]
    try:
        await service.decide(
            user,
            meeting,
            item_id,
            number(form.get("version")) or 0,
            outcome,
            decision,
            allocated_to=allocated_to,
            on_decided=lambda d: call_for_area(manager, area, "portal_agenda_decided", decision=d),
        )
    except StaleVersion as stale:
        current = stale.current
        if current["outcome"] == outcome.key and current["decision"] == decision.strip():
            return see_other(f"/meetings/{meeting_id}#item-{item_id}")  # a double click
        return stale_decision(meeting, item, current, outcome, decision, form)
    return see_other(f"/meetings/{meeting_id}#item-{item_id}")


def stale_decision(
    meeting: dict[str, Any],
    item: dict[str, Any],
    current: dict[str, Any],
    outcome: AgendaOutcome,
    decision: str,
    form: Form,
) -> Template:
    """Someone decided the case (or changed it) after this form was opened."""
    if current["outcome"]:
        return Template(
            "meetings/already_decided.html",
            context={
                "meeting": meeting_view(meeting),
                "item": {**item, **current},
                "yours": {"label": outcome.label, "decision": decision},
            },
            status_code=409,
        )
    return Template(
        "errors/conflict.html",
        context={
            "rows": [{"label": "Decision", "yours": decision, "saved": "", "differs": True}],
            "resubmit": {**form.values, "version": str(current["version"])},
            "action": f"/meetings/{meeting['id']}/items/{item['id']}/decision",
            "back": f"/meetings/{meeting['id']}#item-{item['id']}",
        },
        status_code=409,
    )


DECISION_HANDLERS = [decision_form, decide]
