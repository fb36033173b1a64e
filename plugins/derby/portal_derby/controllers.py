"""Derby's pages, mounted under /derby/. Every handler is guarded by a Derby
role, and every family read goes through the core's ``family_for`` (access
checked and audited); a family of another area is a 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.plugin_api import (
    FamilyAccess,
    Form,
    StaleVersion,
    assessments,
    consent,
    families,
    family_for,
    lead,
    meetings,
    new_form_key,
    now_utc,
    queues,
    require_role,
    see_other,
    user_of,
)
from portal_derby import service
from portal_derby.area import DERBY

PRACTITIONER = "derby.practitioner"
CLERK = "derby.spa_clerk"
CHAIR = "derby.vcm_chair"
MANAGER = "derby.area_manager"
DERBY_ROLES = (PRACTITIONER, CLERK, CHAIR, MANAGER)
any_derby_role = require_role(*DERBY_ROLES)
clerks_only = require_role(CLERK)
YES_NO = [("yes", "Yes"), ("no", "No")]

Req = Request[Any, Any, Any]


async def derby_family(request: Req, family_id: int) -> FamilyAccess:
    access = await family_for(request, family_id)
    if access.family.area != service.AREA:
        raise NotFoundException()
    return access


def by_family(row: dict[str, Any]) -> int:
    return int(row["family"])


def helpers() -> dict[str, Any]:
    return {
        "area": DERBY,
        "where_it_is": service.where_it_is,
        "uk_day": service.uk_day,
        "uk_time": service.uk_time,
        "locality_name": service.locality_name,
        "inbox_name": service.inbox_name,
        "status_tags": service.STATUS_TAGS,
        "conclusions": service.CONCLUSIONS,
        "consent_methods": service.METHODS,
    }


def page(name: str, status_code: int = 200, **context: Any) -> Template:
    return Template(f"derby/{name}", context={**helpers(), **context}, status_code=status_code)


# The area's start page and lists ----------------------------------------------


@get("/", name="derby_about", guards=[any_derby_role])
async def about(request: Req) -> Template:
    user = user_of(request)
    mine = [f for f in await families.families_for(user) if f["area"] == service.AREA]
    contacts = {loc.slug: await service.locality_contacts(loc.slug) for loc in DERBY.localities}
    return page("about.html", families=mine, contacts=contacts, user=user)


@get("/submissions", name="derby_my_submissions", guards=[any_derby_role])
async def my_submissions(request: Req) -> Template:
    user = user_of(request)
    rows = await families.with_children(await service.submissions_by(user.id), by_family)
    return page("my_submissions.html", rows=rows)


@get("/allocations", name="derby_allocations", guards=[any_derby_role])
async def my_allocations(request: Req) -> Template:
    user = user_of(request)
    teams = await queues.teams_of(user.id, service.AREA)
    return page(
        "allocations.html",
        rows=await families.with_children(await service.allocations_of(user.id), by_family),
        requests=await families.with_children(await service.support_requests_for(teams), by_family),
        mat_teams=sorted(t for t in teams if t.startswith("mat:")),
    )


@get("/meetings", name="derby_meetings", guards=[require_role(CLERK, CHAIR, MANAGER)])
async def vcm_meetings(request: Req) -> Template:
    rows = []
    now = now_utc()
    for loc in DERBY.localities:
        series = await service.ensure_vcm_series(loc.slug)
        held = await meetings.meetings_of_series(series["id"], since=now)
        rows.append(
            {
                "locality": loc,
                "series": series,
                "meetings": held,
                "next": meetings.next_slots(series, now, 1)[0],
            }
        )
    return page("meetings.html", rows=rows, weekdays=meetings.WEEKDAYS)


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
        contacts=await service.locality_contacts(family.locality),
        pre_assessments=await service.pre_assessments_of(family.id),
        consultations=await service.consultations_of(family.id),
        submissions=await service.submissions_of(family.id),
        completed=await service.completed_assessments(family),
        in_progress=await assessments.in_progress_for(family.id),
    )


# Pre-Assessment -----------------------------------------------------------------


def read_pre_assessment(form: Form, children: list[str]) -> service.PreAssessmentInput | None:
    child = form.choice("child", children, "Select which child the pre-assessment is about")
    needs = form.text("needs", "Enter the needs", max_length=10_000, label="The needs")
    strengths = form.text("strengths", max_length=10_000, label="Strengths")
    child_views = form.text("child_views", max_length=10_000, label="The child's views")
    parent_views = form.text("parent_views", max_length=10_000, label="Parents' views")
    plan = form.text(
        "action_plan",
        "Enter the single-agency action plan",
        max_length=10_000,
        label="The action plan",
    )
    review_on = form.date("review_on", "the date to review the plan", when="future")
    conclusion = form.choice(
        "conclusion", service.CONCLUSIONS, "Select what the pre-assessment concludes"
    )
    if not form.ok:
        return None
    return service.PreAssessmentInput(
        child_id=int(child),
        needs=needs,
        strengths=strengths,
        child_views=child_views,
        parent_views=parent_views,
        action_plan=plan,
        review_on=review_on,
        conclusion=conclusion,
    )


@get(
    "/families/{family_id:int}/pre-assessments/new",
    name="derby_new_pre_assessment",
    guards=[any_derby_role],
)
async def new_pre_assessment(request: Req, family_id: FromPath[int]) -> Template:
    family = (await derby_family(request, family_id)).family
    children = await families.child_choices(family.id)
    form = Form({"form_key": new_form_key()})
    if len(children) == 1:
        form.values["child"] = children[0][0]
    return page("pre_assessment_new.html", family=family, form=form, children=children)


@post(
    "/families/{family_id:int}/pre-assessments",
    name="derby_create_pre_assessment",
    guards=[any_derby_role],
)
async def create_pre_assessment(request: Req, family_id: FromPath[int]) -> Template | Redirect:
    user = user_of(request)
    family = (await derby_family(request, family_id)).family
    children = await families.child_choices(family.id)
    form = await Form.read(request)
    new = read_pre_assessment(form, [c for c, _ in children])
    if new is None:
        return page("pre_assessment_new.html", 422, family=family, form=form, children=children)
    pre_id = await service.create_pre_assessment(user, family, new, form.get("form_key"))
    return see_other(f"/derby/families/{family.id}/pre-assessments/{pre_id}")


def pre_form(pre: dict[str, Any]) -> Form:
    form = Form(
        {
            "child": str(pre["child"] or ""),
            "needs": pre["needs"],
            "strengths": pre["strengths"],
            "child_views": pre["child_views"],
            "parent_views": pre["parent_views"],
            "action_plan": pre["action_plan"],
            "conclusion": pre["conclusion"],
            "version": str(pre["version"]),
        }
    )
    form.set_date("review_on", pre["review_on"])
    return form


async def pre_context(family: Any, pre: dict[str, Any], form: Form, **extra: Any) -> dict[str, Any]:
    return {
        "family": family,
        "pre": pre,
        "form": form,
        "children": await families.child_choices(family.id),
        "start_key": new_form_key(),
        "support": Form(),
        **extra,
    }


@get(
    "/families/{family_id:int}/pre-assessments/{pre_id:int}",
    name="derby_pre_assessment",
    guards=[any_derby_role],
)
async def pre_assessment(request: Req, family_id: FromPath[int], pre_id: FromPath[int]) -> Template:
    family = (await derby_family(request, family_id)).family
    pre = await service.pre_assessment_in(family.id, pre_id)
    return page("pre_assessment.html", **await pre_context(family, pre, pre_form(pre)))


@post(
    "/families/{family_id:int}/pre-assessments/{pre_id:int}",
    name="derby_review_pre_assessment",
    guards=[any_derby_role],
)
async def review_pre_assessment(
    request: Req, family_id: FromPath[int], pre_id: FromPath[int]
) -> Template | Redirect:
    user = user_of(request)
    family = (await derby_family(request, family_id)).family
    pre = await service.pre_assessment_in(family.id, pre_id)
    form = await Form.read(request)
    children = await families.child_choices(family.id)
    new = read_pre_assessment(form, [c for c, _ in children])
    if new is None:
        return page("pre_assessment.html", 422, **await pre_context(family, pre, form))
    try:
        version = int(form.get("version"))
    except ValueError:
        version = 0
    try:
        await service.update_pre_assessment(user, family, pre_id, version, new)
    except StaleVersion as stale:
        saved = pre_form(stale.current)
        rows = [
            {
                "label": label,
                "yours": form.get(name),
                "saved": saved.get(name),
                "differs": form.get(name) != saved.get(name),
            }
            for name, label in service.PRE_ASSESSMENT_FIELDS
        ]
        return Template(
            "errors/conflict.html",
            context={
                "rows": rows,
                "resubmit": {**form.values, "version": saved.get("version")},
                "action": f"/derby/families/{family.id}/pre-assessments/{pre_id}",
                "back": f"/derby/families/{family.id}/pre-assessments/{pre_id}",
            },
            status_code=409,
        )
    return see_other(f"/derby/families/{family.id}/pre-assessments/{pre_id}?saved=1")


@post(
    "/families/{family_id:int}/pre-assessments/{pre_id:int}/assessment",
    name="derby_pre_assessment_to_eha",
    guards=[any_derby_role],
)
async def start_assessment(
    request: Req, family_id: FromPath[int], pre_id: FromPath[int]
) -> Template | Redirect:
    user = user_of(request)
    family = (await derby_family(request, family_id)).family
    pre = await service.pre_assessment_in(family.id, pre_id)
    form = await Form.read(request)
    try:
        assessment_id = await service.start_assessment_from(
            user, family, pre, date.today(), form.get("form_key")
        )
    except consent.ConsentRequired as error:
        problem = error.message
    except assessments.AlreadyInProgress as error:
        problem = "An assessment is already in progress for this family: continue that one"
        return page(
            "pre_assessment.html",
            422,
            **await pre_context(
                family, pre, pre_form(pre), start_problem=problem, open_id=error.assessment_id
            ),
        )
    except service.DerbyError as error:
        problem = error.message
    else:
        return see_other(f"/families/{family.id}/assessments/{assessment_id}")
    return page(
        "pre_assessment.html",
        422,
        **await pre_context(family, pre, pre_form(pre), start_problem=problem),
    )


@post(
    "/families/{family_id:int}/pre-assessments/{pre_id:int}/support",
    name="derby_request_support",
    guards=[any_derby_role],
)
async def request_support(
    request: Req, family_id: FromPath[int], pre_id: FromPath[int]
) -> Template | Redirect:
    user = user_of(request)
    family = (await derby_family(request, family_id)).family
    pre = await service.pre_assessment_in(family.id, pre_id)
    support = await Form.read(request)
    agreed = support.choice(
        "support_consent", ("yes", "no"), "Select whether the family agreed to the request"
    )
    if agreed == "no":
        support.error(
            "support_consent",
            "You can only ask the Multi-Agency Team for support with the family's consent",
        )
    by = support.text("support_consent_by", "Enter who gave consent", label="Who gave consent")
    asked = support.text(
        "support_request",
        "Enter what support you are asking for",
        max_length=5000,
        label="The support asked for",
    )
    if not support.ok:
        context = await pre_context(family, pre, pre_form(pre))
        context["support"] = support
        return page("pre_assessment.html", 422, **context)
    await service.request_support(user, family, pre, by, asked)
    return see_other(f"/derby/families/{family.id}/pre-assessments/{pre_id}")


# Professional Consultation Line -----------------------------------------------


@get(
    "/families/{family_id:int}/consultations/new",
    name="derby_new_consultation",
    guards=[any_derby_role],
)
async def new_consultation(request: Req, family_id: FromPath[int]) -> Template:
    family = (await derby_family(request, family_id)).family
    return page("consultation_new.html", family=family, form=Form({"form_key": new_form_key()}))


@post(
    "/families/{family_id:int}/consultations",
    name="derby_record_consultation",
    guards=[any_derby_role],
)
async def record_consultation(request: Req, family_id: FromPath[int]) -> Template | Redirect:
    user = user_of(request)
    family = (await derby_family(request, family_id)).family
    form = await Form.read(request)
    on = form.date("consulted_on", "the date you called the line")
    spoke_to = form.text("spoke_to", label="Who you spoke to")
    question = form.text(
        "question", "Enter what you asked the line", max_length=5000, label="What you asked"
    )
    advice = form.text("advice", "Enter what the line advised", max_length=5000, label="The advice")
    harm = form.choice(
        "significant_harm",
        ("yes", "no"),
        "Select whether the line advised that a child may be suffering significant harm",
    )
    if not form.ok or on is None:
        return page("consultation_new.html", 422, family=family, form=form)
    await service.record_consultation(
        user,
        family,
        service.ConsultationInput(on, spoke_to, question, advice, harm == "yes"),
        form.get("form_key"),
    )
    if harm == "yes":
        return see_other(f"/families/{family.id}/escalate")
    return see_other(f"/derby/families/{family.id}#advice")


# Submitting to the VCM ------------------------------------------------------------


async def submit_context(family: Any, form: Form) -> dict[str, Any]:
    completed = await service.completed_assessments(family)
    return {
        "family": family,
        "form": form,
        "completed": completed,
        "choices": [
            (
                str(a["id"]),
                f"{a['child_given_names']} {a['child_family_name']}, completed "
                f"{service.uk_day(a['completed_at']) if a['completed_at'] else ''}",
            )
            for a in completed
        ],
        "waiting": await service.open_submission(family.id),
        "given_by": list(service.GIVEN_BY.items()),
        "methods": list(service.METHODS.items()),
    }


@get("/families/{family_id:int}/vcm/new", name="derby_new_submission", guards=[any_derby_role])
async def new_submission(request: Req, family_id: FromPath[int]) -> Template:
    family = (await derby_family(request, family_id)).family
    form = Form({"form_key": new_form_key()})
    context = await submit_context(family, form)
    if len(context["choices"]) == 1:
        form.values["assessment"] = context["choices"][0][0]
    return page("submission_new.html", **context)


def read_submission(form: Form, choices: list[str]) -> service.SubmissionInput | None:
    assessment = form.choice(
        "assessment", choices, "Select the completed Early Help Assessment to submit"
    )
    disability = form.choice(
        "significant_disability",
        ("yes", "no"),
        "Select whether the child has a significant disability",
    )
    request = form.text(
        "request",
        "Enter what help you are asking the meeting for",
        max_length=5000,
        label="The help asked for",
    )
    agreed = form.choice(
        "consent",
        ("yes", "no"),
        "Select whether the family agreed to share the assessment with the meeting",
    )
    if agreed == "no":
        form.error(
            "consent",
            "You can only submit to the meeting with the family's consent to share the assessment",
        )
    given_by = form.choice("given_by", service.GIVEN_BY, "Select who gave consent")
    name = form.text("given_by_name", "Enter the name of the person who gave consent")
    method = form.choice("method", service.METHODS, "Select how consent was given")
    given_on = form.date("given_on", "the date consent was given")
    if not form.ok or given_on is None:
        return None
    return service.SubmissionInput(
        assessment_id=int(assessment),
        significant_disability=disability == "yes",
        request=request,
        consent_given_by=given_by,
        consent_given_by_name=name,
        consent_method=method,
        consent_given_on=given_on,
    )


@post("/families/{family_id:int}/vcm", name="derby_submit", guards=[any_derby_role])
async def submit(request: Req, family_id: FromPath[int]) -> Template | Redirect:
    user = user_of(request)
    family = (await derby_family(request, family_id)).family
    form = await Form.read(request)
    context = await submit_context(family, form)
    new = read_submission(form, [c for c, _ in context["choices"]])
    if new is None:
        return page("submission_new.html", 422, **context)
    try:
        submission_id = await service.submit(user, family, new, form.get("form_key"))
    except service.DerbyError as error:
        form.error(error.field or "assessment", error.message)
        return page("submission_new.html", 422, **context)
    return see_other(f"/derby/submissions/{submission_id}")


async def visible_submission(request: Req, submission_id: int) -> tuple[dict[str, Any], Any]:
    """The submission and its family, if this user may see both (else 404 / 403)."""
    row = await service.submission(submission_id)
    if not await service.may_see_submission(user_of(request), row):
        raise NotFoundException()
    family = (await derby_family(request, row["family"])).family
    return row, family


@get("/submissions/{submission_id:int}", name="derby_submission", guards=[any_derby_role])
async def submission_page(request: Req, submission_id: FromPath[int]) -> Template:
    row, family = await visible_submission(request, submission_id)
    user = user_of(request)
    form = Form({"request": row["request"], "version": str(row["version"])})
    return page("submission.html", **await submission_context(user, row, family, form))


async def submission_context(
    user: Any, row: dict[str, Any], family: Any, form: Form
) -> dict[str, Any]:
    return {
        "row": row,
        "children": await families.child_choices(family.id),
        "family": family,
        "form": form,
        "user": user,
        "is_submitter": row["submitted_by"] == user.id,
        "is_allocated": row["allocated_to"] == user.id,
    }


@post(
    "/submissions/{submission_id:int}/resubmit",
    name="derby_resubmit",
    guards=[any_derby_role],
)
async def resubmit(request: Req, submission_id: FromPath[int]) -> Template | Redirect:
    user = user_of(request)
    row, family = await visible_submission(request, submission_id)
    if row["submitted_by"] != user.id:
        raise NotFoundException()
    form = await Form.read(request)
    text = form.text(
        "request",
        "Enter what help you are asking the meeting for",
        max_length=5000,
        label="The help asked for",
    )
    if not form.ok:
        return page("submission.html", 422, **await submission_context(user, row, family, form))
    try:
        await service.resubmit(user, row, int(form.get("version") or 0), text)
    except StaleVersion:
        return see_other(f"/derby/submissions/{submission_id}")  # already resubmitted
    return see_other(f"/derby/submissions/{submission_id}")


# The SPA clerk's inbox -------------------------------------------------------------


@get("/inbox", name="derby_inbox", guards=[clerks_only])
async def inbox(request: Req) -> Template:
    user = user_of(request)
    teams = await queues.teams_of(user.id, service.AREA)
    inboxes = sorted(t for t in teams if t.startswith("spa:") or t == service.LIGHTHOUSE)
    rows = await families.with_children(await service.inbox_items(teams), by_family)
    return page("inbox.html", rows=rows, inboxes=inboxes)


async def clerk_submission(request: Req, submission_id: int) -> tuple[dict[str, Any], Any]:
    """A request in one of this clerk's inboxes, and its family while it waits
    there (None once it has left the inbox: the clerk's access went with it)."""
    row = await service.submission(submission_id)
    if not await service.clerk_may_work(user_of(request), row):
        raise NotFoundException()
    if row["status"] != "with_clerk":
        return row, None
    family = (await derby_family(request, row["family"])).family
    return row, family


def gone(row: dict[str, Any], status_code: int) -> Template:
    return page("stale.html", status_code, row=row, back="/derby/inbox")


async def clerk_context(row: dict[str, Any], family: Any, **extra: Any) -> dict[str, Any]:
    slots = await service.upcoming_slots(row["locality"]) if row["status"] == "with_clerk" else []
    place_form = extra.pop("place_form", None) or Form({"version": str(row["version"])})
    return_form = extra.pop("return_form", None) or Form({"version": str(row["version"])})
    assessment = await assessments.assessment_in(family, row["assessment_id"])
    return {
        "row": row,
        "family": family,
        "children": await families.child_choices(family.id),
        "assessment": assessment,
        "slots": [(s.isoformat(), f"{service.uk_day(s)} at {service.uk_time(s)}") for s in slots],
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
            await service.place_on_meeting(user, row, int(form.get("version") or 0), starts_at)
        except service.DerbyError as error:
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
        await service.return_to_practitioner(user, row, int(form.get("version") or 0), reason)
    except StaleVersion as stale:
        return page("stale.html", 409, row=stale.current, back="/derby/inbox")
    return see_other("/derby/inbox?returned=1")


HANDLERS: list[Any] = [
    about,
    my_submissions,
    my_allocations,
    vcm_meetings,
    family_page,
    new_pre_assessment,
    create_pre_assessment,
    pre_assessment,
    review_pre_assessment,
    start_assessment,
    request_support,
    new_consultation,
    record_consultation,
    new_submission,
    submit,
    submission_page,
    resubmit,
    inbox,
    inbox_item,
    place,
    return_submission,
]
