"""What every meeting page shares: who may open a meeting (its chairs and its
area's managers; another area's meeting is a 404), its cases, and the audit
of each family's case being viewed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException, PermissionDeniedException

from portal.audit import service as audit
from portal.families.service import restricted_among, with_children
from portal.kernel.users import CurrentUser
from portal.meetings import series as schedule
from portal.meetings import service
from portal.plugins import enabled_areas
from portal.teams import service as teams
from portal.web.handlers import user_of

RECENT = timedelta(days=14)  # past meetings stay listed this long, to minute them
EMPTY_SLOTS = 3
NOT_YOURS = "Only the meeting's chairs and the area's managers can open its agenda"


def enabled(request: Request[Any, Any, Any]) -> set[str]:
    return {a.slug for a in enabled_areas(request.app.state.plugin_manager)}


async def meeting_for(
    request: Request[Any, Any, Any], meeting_id: int
) -> tuple[CurrentUser, dict[str, Any]]:
    """The meeting if this user may open it: 404 for another area's (or no)
    meeting, 403 for someone in the area who neither chairs nor manages."""
    user = user_of(request)
    meeting = await service.meeting_by_id(meeting_id)
    if meeting is None or meeting["area"] not in user.areas & enabled(request):
        await audit.record(
            "meeting_viewed",
            "refused",
            actor=user,
            record_type="meeting",
            record_id=meeting_id,
            page=request.url.path,
            reason="not found" if meeting is None else "another area",
        )
        raise NotFoundException()
    my_teams = await teams.teams_of(user.id, meeting["area"])
    if not schedule.may_open(user, meeting, my_teams):
        raise PermissionDeniedException(NOT_YOURS)  # the error handler audits refusals
    return user, meeting


async def cases(meeting_id: int) -> list[dict[str, Any]]:
    """The agenda with each family's children's names and whether it is restricted."""
    items = await with_children(await service.agenda(meeting_id), lambda r: r["family"])
    ids = [item["family"] for item in items]
    restricted = await restricted_among(ids)
    return [{**item, "restricted": item["family"] in restricted} for item in items]


async def record_view(
    request: Request[Any, Any, Any],
    user: CurrentUser,
    meeting: dict[str, Any],
    items: list[dict[str, Any]],
    action: str,
) -> None:
    """One event for the meeting and one per family shown (its access history)."""
    page = request.url.path
    await audit.record(
        action, "success", actor=user, record_type="meeting", record_id=meeting["id"], page=page
    )
    for item in items:
        await audit.record(
            action,
            "success",
            actor=user,
            record_type="agenda_item",
            record_id=item["id"],
            family_id=item["family"],
            page=page,
        )


def meeting_view(meeting: dict[str, Any]) -> dict[str, Any]:
    return {**meeting, "when": schedule.when_label(meeting["starts_at"])}
