"""Pages for the Pre-Assessment: record, review, start a full assessment
from it, ask the Multi-Agency Team for low-level support."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.plugin_api import (
    Form,
    StaleVersion,
    assessments,
    consent,
    families,
    new_form_key,
    see_other,
    user_of,
)
from portal_derby import common, pre_assessments
from portal_derby.controllers.web import (
    Req,
    any_derby_role,
    derby_family,
    page,
)


def read_pre_assessment(
    form: Form, children: list[str]
) -> pre_assessments.PreAssessmentInput | None:
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
        "conclusion", common.CONCLUSIONS, "Select what the pre-assessment concludes"
    )
    if not form.ok:
        return None
    return pre_assessments.PreAssessmentInput(
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
    pre_id = await pre_assessments.create_pre_assessment(user, family, new, form.get("form_key"))
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
        "reviews": await pre_assessments.reviews_of(pre["id"]),
        **extra,
    }


@get(
    "/families/{family_id:int}/pre-assessments/{pre_id:int}",
    name="derby_pre_assessment",
    guards=[any_derby_role],
)
async def pre_assessment(request: Req, family_id: FromPath[int], pre_id: FromPath[int]) -> Template:
    family = (await derby_family(request, family_id)).family
    pre = await pre_assessments.pre_assessment_in(family.id, pre_id)
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
    pre = await pre_assessments.pre_assessment_in(family.id, pre_id)
    form = await Form.read(request)
    children = await families.child_choices(family.id)
    new = read_pre_assessment(form, [c for c, _ in children])
    if new is None:
        return page("pre_assessment.html", 422, **await pre_context(family, pre, form))
    try:
        version = form.version()
    except ValueError:
        version = 0
    try:
        await pre_assessments.update_pre_assessment(user, family, pre_id, version, new)
    except StaleVersion as stale:
        saved = pre_form(stale.current)
        rows = [
            {
                "label": label,
                "yours": form.get(name),
                "saved": saved.get(name),
                "differs": form.get(name) != saved.get(name),
            }
            for name, label in pre_assessments.PRE_ASSESSMENT_FIELDS
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
    pre = await pre_assessments.pre_assessment_in(family.id, pre_id)
    form = await Form.read(request)
    try:
        assessment_id = await pre_assessments.start_assessment_from(
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
    except common.DerbyError as error:
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
    pre = await pre_assessments.pre_assessment_in(family.id, pre_id)
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
    await pre_assessments.request_support(user, family, pre, by, asked)
    return see_other(f"/derby/families/{family.id}/pre-assessments/{pre_id}")
