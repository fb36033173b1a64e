"""Drift for area managers (issue 19): each team's open families that may be
drifting, with the reasons, so "drift and delay must be avoided" is something
a manager can act on. Families are listed under each team member who leads
them; every family named here is in its access history."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get
from litestar.exceptions import PermissionDeniedException
from litestar.response import Template

from portal.audit import service as audit
from portal.caseload.service import drifting_led_by
from portal.teams import service as teams
from portal.teams.controllers import managed_areas, teams_of_area
from portal.web.handlers import user_of

MANAGERS_ONLY = "Only area managers can see each team's drifting families"


@get("/drift", name="drift")
async def drift_page(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    areas = managed_areas(request, user)
    if not areas:
        raise PermissionDeniedException(MANAGERS_ONLY)
    today = date.today()
    groups, shown = [], set()
    for slug, name in areas.items():
        team_rows = []
        for team in teams_of_area(request, slug):
            members = await teams.team_members(slug, team.key)
            leads = {m["user"]: m["name"] for m in members}
            families = await drifting_led_by(slug, list(leads), today)
            for family in families:
                family["lead_name"] = leads.get(family["lead_practitioner"], "")
                shown.add(family["id"])
            team_rows.append({"team": team, "families": families})
        groups.append({"name": name, "teams": team_rows})
    await audit.record_together(
        [audit.Event("drift_listed")]
        + [
            audit.Event("family_listed", "family", family_id, family_id)
            for family_id in sorted(shown)
        ],
        "success",
        actor=user,
        page=request.url.path,
    )
    return Template("caseload/drift.html", context={"groups": groups})


DRIFT_HANDLERS = [drift_page]
