"""Teams for area managers: the teams each area declares (SPA inboxes, MATs,
Early Help Teams), who is posted to them and as what. Only an area's managers
staff its teams; another area's teams do not exist here (404)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.areas import AreaTeam
from portal.audit import service as audit
from portal.kernel.forms import Form
from portal.kernel.users import CurrentUser, is_area_manager
from portal.plugins import call_per_area, enabled_areas
from portal.taf.service import find_practitioners
from portal.taf.web import number
from portal.teams import service
from portal.web.handlers import see_other, user_of

MANAGERS_ONLY = "Only the area's managers can change who is in its teams"


def managed_areas(request: Request[Any, Any, Any], user: CurrentUser) -> dict[str, str]:
    """The enabled areas this user manages: slug -> name."""
    return {
        a.slug: a.name
        for a in enabled_areas(request.app.state.plugin_manager)
        if a.slug in user.areas and is_area_manager(user, a.slug)
    }


def teams_of_area(request: Request[Any, Any, Any], area: str) -> list[AreaTeam]:
    for slug, teams in call_per_area(request.app.state.plugin_manager, "portal_area_teams"):
        if slug == area:
            return list(teams or [])
    return []


async def team_for(
    request: Request[Any, Any, Any], area: str, key: str
) -> tuple[CurrentUser, str, AreaTeam]:
    """The team if this user manages its area: 404 for another area or an
    unknown team, 403 for someone in the area who does not manage it."""
    user = user_of(request)
    names = {a.slug: a.name for a in enabled_areas(request.app.state.plugin_manager)}
    team = next((t for t in teams_of_area(request, area) if t.key == key), None)
    if area not in user.areas or area not in names or team is None:
        await audit.record(
            "team_viewed", "refused", actor=user, record_type="team", page=request.url.path
        )
        raise NotFoundException()
    if not is_area_manager(user, area):
        raise PermissionDeniedException(MANAGERS_ONLY)
    return user, names[area], team


@get("/teams", name="teams")
async def teams_page(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    areas = managed_areas(request, user)
    if not areas:
        raise PermissionDeniedException(MANAGERS_ONLY)
    groups = []
    for slug, name in areas.items():
        teams = [
            {"team": t, "members": len(await service.team_members(slug, t.key))}
            for t in teams_of_area(request, slug)
        ]
        groups.append({"slug": slug, "name": name, "teams": teams})
    await audit.record("teams_listed", "success", actor=user, page=request.url.path)
    return Template("teams/list.html", context={"groups": groups})


async def team_context(
    request: Request[Any, Any, Any], area: str, area_name: str, team: AreaTeam, form: Form
) -> dict[str, Any]:
    query = (form.get("q") or request.query_params.get("q", "")).strip()[:100]
    form.values["q"] = query
    members = await service.team_members(area, team.key)
    current = {m["user"] for m in members}
    found = await find_practitioners(area, query) if query else []
    return {
        "area": area,
        "area_name": area_name,
        "team": team,
        "members": members,
        "form": form,
        "found": [
            (str(u["id"]), u["display_name"], u["organisation"] or u["email"])
            for u in found
            if u["id"] not in current
        ],
        "roles": [(r, r) for r in team.member_roles],
    }


@get("/teams/{area:str}/members", name="team")
async def team_page(request: Request[Any, Any, Any], area: FromPath[str]) -> Template:
    key = request.query_params.get("team", "")
    user, area_name, team = await team_for(request, area, key)
    form = Form({"team": team.key})
    context = await team_context(request, area, area_name, team, form)
    await audit.record(
        "team_viewed", "success", actor=user, record_type="team", page=request.url.path, team=key
    )
    return Template("teams/team.html", context=context)


@post("/teams/{area:str}/members", name="team_add_member")
async def add_member(request: Request[Any, Any, Any], area: FromPath[str]) -> Template | Redirect:
    form = await Form.read(request)
    user, area_name, team = await team_for(request, area, form.get("team"))
    context = await team_context(request, area, area_name, team, form)
    chosen = form.choice(
        "user", [value for value, _, _ in context["found"]], "Select the person to add"
    )
    if team.member_roles:
        role = form.choice("role", team.member_roles, "Select what they do in the team")
    else:
        role = form.text("role", max_length=200, label="Role")
    if not form.ok:
        # someone already in the team is a double submission: nothing to add
        if number(form.get("user")) in {m["user"] for m in context["members"]}:
            return see_other(f"/teams/{area}/members?team={team.key}#members")
        return Template("teams/team.html", context=context, status_code=422)
    await service.add_team_member(user, area, team.key, int(chosen), role)
    return see_other(f"/teams/{area}/members?team={team.key}#members")


@post("/teams/{area:str}/members/{member_id:int}/remove", name="team_remove_member")
async def remove_member(
    request: Request[Any, Any, Any], area: FromPath[str], member_id: FromPath[int]
) -> Redirect:
    form = await Form.read(request)
    user, _, team = await team_for(request, area, form.get("team"))
    await service.remove_team_member(user, area, member_id, team=team.key)
    return see_other(f"/teams/{area}/members?team={team.key}#members")


HANDLERS: list[Any] = [teams_page, team_page, add_member, remove_member]
