"""Derby's start page, a user's lists (submissions, allocations), the VCM
meetings, and a family's Derby page."""

from __future__ import annotations

from litestar import get
from litestar.params import FromPath
from litestar.response import Template

from portal.plugin_api import (
    assessments,
    families,
    lead,
    meetings,
    now_utc,
    require_role,
    teams,
    user_of,
)
from portal_derby import common, pre_assessments, submissions, vcm
from portal_derby import teams as derby_teams
from portal_derby.area import DERBY
from portal_derby.controllers.web import (
    CHAIR,
    CLERK,
    MANAGER,
    Req,
    any_derby_role,
    by_family,
    derby_family,
    page,
)


@get("/", name="derby_about", guards=[any_derby_role])
async def about(request: Req) -> Template:
    user = user_of(request)
    mine = [f for f in await families.families_for(user) if f["area"] == common.AREA]
    contacts = {loc.slug: await derby_teams.locality_contacts(loc.slug) for loc in DERBY.localities}
    return page("about.html", families=mine, contacts=contacts, user=user)


@get("/submissions", name="derby_my_submissions", guards=[any_derby_role])
async def my_submissions(request: Req) -> Template:
    user = user_of(request)
    rows = await families.with_children(await submissions.submissions_by(user.id), by_family)
    return page("my_submissions.html", rows=rows)


@get("/allocations", name="derby_allocations", guards=[any_derby_role])
async def my_allocations(request: Req) -> Template:
    user = user_of(request)
    mine = await teams.teams_of(user.id, common.AREA)
    return page(
        "allocations.html",
        rows=await families.with_children(await submissions.allocations_of(user.id), by_family),
        requests=await families.with_children(
            await pre_assessments.support_requests_for(mine), by_family
        ),
        mat_teams=sorted(t for t in mine if t.startswith("mat:")),
    )


@get(
    "/meetings", name="derby_meetings", guards=[any_derby_role, require_role(CLERK, CHAIR, MANAGER)]
)
async def vcm_meetings(request: Req) -> Template:
    rows = []
    now = now_utc()
    for loc in DERBY.localities:
        series = await vcm.vcm_series(loc.slug)  # GET: never creates the series
        held = (
            await meetings.meetings_of_series(series["id"], since=now)
            if series["id"] is not None
            else []
        )
        rows.append(
            {
                "locality": loc,
                "series": series,
                "meetings": held,
                "next": meetings.next_slots(series, now, 1)[0],
            }
        )
    # Chairs and managers open the agenda; clerks see the dates their requests go to.
    opens_agenda = user_of(request).has_role(CHAIR, MANAGER)
    return page("meetings.html", rows=rows, weekdays=meetings.WEEKDAYS, opens_agenda=opens_agenda)


# A family's Derby page ------------------------------------------------------


@get("/families/{family_id:int}", name="derby_family", guards=[any_derby_role])
async def family_page(request: Req, family_id: FromPath[int]) -> Template:
    access = await derby_family(request, family_id)
    family = access.family
    return page(
        "family.html",
        family=family,
        access=access,
        children=await families.child_choices(family.id),
        user=user_of(request),
        lead=await lead.lead_of(family),
        contacts=await derby_teams.locality_contacts(family.locality),
        pre_assessments=await pre_assessments.pre_assessments_of(family.id),
        submissions=await submissions.submissions_of(family.id),
        completed=await submissions.completed_assessments(family),
        in_progress=await assessments.in_progress_for(family.id),
    )
