"""Team Around the Family pages: the team, adding and removing members, and
meetings. The action plan's pages are in ``portal.taf.plan_controllers``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.closure.service import require_open
from portal.families.access import FamilyAccess
from portal.families.service import people_of
from portal.kernel.forms import Form, new_form_key
from portal.taf import goals as plan_goals
from portal.taf import plan, reviews, service
from portal.taf.plan_controllers import PLAN_HANDLERS
from portal.taf.web import family_name, member_label, number
from portal.web.handlers import see_other, user_of

if TYPE_CHECKING:
    from portal.families.tables import Family

MEMBER_TEMPLATES = {
    "practitioner": "taf/add_practitioner.html",
    "family_member": "taf/add_family_member.html",
    "external": "taf/add_contact.html",
}


@get("/families/{family_id:int}/taf", name="taf")
async def team(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    user = user_of(request)
    access = family_access
    family = access.family
    today = service.today_uk()
    page = await service.team_page(family.id, today)
    meetings = page.meetings
    return Template(
        "taf/team.html",
        context={
            "family": family,
            "name": await family_name(family),
            "can_manage": service.can_manage(user, family),
            "closed": family.status == "closed",
            "groups": service.grouped(page.members),
            "kinds": service.MEMBER_KINDS,
            "meetings": meetings,
            "meeting_kinds": service.MEETING_KINDS,
            "review": reviews.review_state(meetings[0] if meetings else None, today),
            "cancelled_review_on": meetings[0]["cancelled_review_on"] if meetings else None,
            "open_actions": page.open_actions,
            "overdue_actions": page.overdue_actions,
        },
    )


# Members -----------------------------------------------------------------------


async def member_context(
    request: Request[Any, Any, Any], family: Family, kind: str, form: Form
) -> dict[str, Any]:
    context: dict[str, Any] = {"family": family, "form": form, "name": await family_name(family)}
    if kind == "practitioner":
        query = form.get("q") or request.query_params.get("q", "")
        form.values["q"] = query.strip()[:100]
        current = {m["user"] for m in await service.members_of(family.id) if m["user"]}
        found = await service.find_practitioners(family.area, query)
        context["found"] = [u for u in found if u["id"] not in current]
        context["already"] = [u for u in found if u["id"] in current]
        context["me"] = user_of(request).id
        context["me_in_team"] = context["me"] in current
    elif kind == "family_member":
        current = {m["person"] for m in await service.members_of(family.id) if m["person"]}
        context["people"] = [
            (str(p.id), f"{p.given_names} {p.family_name}")
            for p in await people_of(family.id)
            if p.id not in current
        ]
    return context


async def member_form(request: Request[Any, Any, Any], access: FamilyAccess, kind: str) -> Template:
    family = access.family
    service.require_manager(user_of(request), family)
    form = Form({"kind": kind})
    return Template(
        MEMBER_TEMPLATES[kind], context=await member_context(request, family, kind, form)
    )


@get("/families/{family_id:int}/taf/members/new-practitioner", name="taf_new_practitioner")
async def new_practitioner(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    return await member_form(request, family_access, "practitioner")


@get("/families/{family_id:int}/taf/members/new-family-member", name="taf_new_family_member")
async def new_family_member(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    return await member_form(request, family_access, "family_member")


@get("/families/{family_id:int}/taf/members/new-contact", name="taf_new_contact")
async def new_contact(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    return await member_form(request, family_access, "external")


def read_member(form: Form, kind: str, context: dict[str, Any]) -> service.NewMember | None:
    role = form.text("role", max_length=200, label="Role")
    if kind == "practitioner":
        # someone already in the team is a valid choice: a double submission
        ids = [str(u["id"]) for u in (*context["found"], *context["already"])]
        chosen = form.choice("user", [*ids, "me"], "Select the practitioner to add")
        agency = form.text("agency", max_length=200, label="Agency")
        if not form.ok:
            return None
        user_id = context["me"] if chosen == "me" else int(chosen)
        return service.NewMember(kind=kind, user_id=user_id, agency=agency, role=role)
    if kind == "family_member":
        person = form.choice(
            "person", [p for p, _ in context["people"]], "Select who in the family to add"
        )
        if not form.ok:
            return None
        return service.NewMember(kind=kind, person_id=int(person), role=role)
    name = form.text("name", "Enter the contact's name", label="Name")
    agency = form.text("agency", max_length=200, label="Organisation")
    email = form.text("email", max_length=200, label="Email address")
    phone = form.text("phone", max_length=50, label="Phone number")
    if email and ("@" not in email or " " in email):
        form.error("email", "Enter an email address in the correct format, like name@example.com")
    if not email and not phone:
        form.error("email", "Enter an email address or a phone number for the contact")
    if not form.ok:
        return None
    return service.NewMember(
        kind=kind, name=name, agency=agency, role=role, email=email, phone=phone
    )


@post("/families/{family_id:int}/taf/members", name="taf_add_member")
async def add_member(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    service.require_manager(user, family)
    form = await Form.read(request)
    kind = form.get("kind")
    if kind not in MEMBER_TEMPLATES:
        kind = "external"
    context = await member_context(request, family, kind, form)
    new = read_member(form, kind, context)
    if new is None:
        return Template(MEMBER_TEMPLATES[kind], context=context, status_code=422)
    member_id = await service.add_member(user, family, new)
    return see_other(f"/families/{family.id}/taf#member-{member_id}")


@get("/families/{family_id:int}/taf/members/{member_id:int}/remove", name="taf_remove_member_form")
async def remove_form(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    member_id: FromPath[int],
) -> Template:
    family = family_access.family
    service.require_manager(user_of(request), family)
    member = await service.member_in(family.id, member_id)
    return Template(
        "taf/remove_member.html",
        context={"family": family, "member": member, "label": member_label(member)},
    )


@post("/families/{family_id:int}/taf/members/{member_id:int}/remove", name="taf_remove_member")
async def remove_member(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    member_id: FromPath[int],
) -> Redirect:
    family = family_access.family
    await service.remove_member(user_of(request), family, member_id)
    return see_other(f"/families/{family.id}/taf#members")


# Meetings ----------------------------------------------------------------------


async def meeting_context(family: Family, form: Form, review: bool) -> dict[str, Any]:
    members = await service.members_of(family.id)
    return {
        "family": family,
        "form": form,
        "name": await family_name(family),
        "review": review,
        "members": [(str(m["id"]), member_label(m)) for m in members],
        "kinds": [(k, v) for k, v in service.MEETING_KINDS.items() if k != "review"],
        "goals": await plan_goals.active_goals(family.id) if review else [],
        "scale": [(str(n), str(n)) for n in range(11)],
    }


@get("/families/{family_id:int}/taf/meetings/new", name="taf_new_meeting")
async def new_meeting(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    service.require_manager(user_of(request), family)
    require_open(family, reviews.MEETINGS_CLOSED)
    review = request.query_params.get("kind") == "review"
    today = service.today_uk()
    form = Form({"form_key": new_form_key()})
    form.set_date("held_on", today)
    form.set_date("next_review", reviews.default_next_review(today))
    return Template("taf/meeting_new.html", context=await meeting_context(family, form, review))


def read_meeting(form: Form, context: dict[str, Any]) -> reviews.NewMeeting | None:
    kinds = [k for k, _ in context["kinds"]]
    missing_kind = "Select what kind of meeting this was"
    kind = "review" if context["review"] else form.choice("kind", kinds, missing_kind)
    held_on = form.date("held_on", "the date of the meeting", today=service.today_uk())
    chair = form.text("chair", "Enter who chaired the meeting", label="Chair")
    member_ids = {m for m, _ in context["members"]}
    attendees = [int(m) for m in form.get_all("attendees") if m in member_ids]
    attended = False
    if kind != "professional":
        came = form.choice("family_attended", ("yes", "no"), "Select whether the family came")
        attended = came == "yes"
    exclusion_reason = form.text("exclusion_reason", max_length=4000, label="Reason")
    told = {"yes": True, "no": False}.get(form.get("family_told"))
    not_told_reason = form.text("not_told_reason", max_length=4000, label="Reason")
    scores: dict[int, tuple[int, str]] = {}
    for goal in context["goals"]:
        field = f"score-{goal['id']}"
        score = number(form.get(field))
        if score is None or score > 10:
            form.error(field, f"Enter a score from 0 to 10 for goal {goal['number']}")
        comment = form.text(f"comment-{goal['id']}", max_length=2000, label="Comment")
        scores[goal["id"]] = (score or 0, comment)
    minutes = form.text("minutes", max_length=20000, label="Minutes")
    next_review = form.date(
        "next_review", "the date of the next review", required=False, when="any"
    )
    meeting = reviews.NewMeeting(
        kind=kind,
        held_on=held_on or date.min,
        chair=chair,
        family_attended=attended,
        minutes=minutes,
        next_review_on=next_review,
        exclusion_reason=exclusion_reason,
        family_told=told,
        not_told_reason=not_told_reason,
        attendees=attendees,
        scores=scores,
    )
    for name, message in reviews.meeting_problems(meeting).items():
        form.error(name, message, f"{name}-day" if name == "next_review" else name)
    return meeting if form.ok and held_on is not None else None


@post("/families/{family_id:int}/taf/meetings", name="taf_record_meeting")
async def record_meeting(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    service.require_manager(user, family)
    require_open(family, reviews.MEETINGS_CLOSED)
    form = await Form.read(request)
    context = await meeting_context(family, form, form.get("review") == "yes")
    meeting = read_meeting(form, context)
    if meeting is None:
        return Template("taf/meeting_new.html", context=context, status_code=422)
    meeting_id = await reviews.record_meeting(user, family, meeting, form.get("form_key"))
    return see_other(f"/families/{family.id}/taf/meetings/{meeting_id}")


@get("/families/{family_id:int}/taf/meetings/{meeting_id:int}", name="taf_meeting")
async def meeting_page(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    meeting_id: FromPath[int],
) -> Template:
    family = family_access.family
    meeting = await reviews.meeting_in(family.id, meeting_id)
    return Template(
        "taf/meeting.html",
        context={
            "family": family,
            "name": await family_name(family),
            "meeting": meeting,
            "kind": service.MEETING_KINDS.get(meeting["kind"], meeting["kind"]),
            "attendees": await reviews.attendees_of(meeting_id),
            "scores": await plan.review_scores(meeting_id),
        },
    )


HANDLERS: list[Any] = [
    team,
    new_practitioner,
    new_family_member,
    new_contact,
    add_member,
    remove_form,
    remove_member,
    new_meeting,
    record_meeting,
    meeting_page,
    *PLAN_HANDLERS,
]
