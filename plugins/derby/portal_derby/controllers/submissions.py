"""Pages for a practitioner's submission to the VCM: submit, see where it
is, resubmit a returned one."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.plugin_api import (
    Form,
    StaleVersion,
    closure,
    families,
    format_weekday,
    new_form_key,
    see_other,
    user_of,
)
from portal_derby import common, submissions
from portal_derby.controllers.web import (
    Req,
    any_derby_role,
    derby_family,
    page,
)


async def submit_context(family: Any, form: Form) -> dict[str, Any]:
    completed = await submissions.completed_assessments(family)
    return {
        "family": family,
        "form": form,
        "completed": completed,
        "choices": [
            (
                str(a["id"]),
                f"{a['child_given_names']} {a['child_family_name']}, completed "
                f"{format_weekday(a['completed_at']) if a['completed_at'] else ''}",
            )
            for a in completed
        ],
        "waiting": await submissions.open_submission(family.id),
        "given_by": list(common.GIVEN_BY.items()),
        "methods": list(common.METHODS.items()),
    }


@get("/families/{family_id:int}/vcm/new", name="derby_new_submission", guards=[any_derby_role])
async def new_submission(request: Req, family_id: FromPath[int]) -> Template:
    family = (await derby_family(request, family_id)).family
    closure.require_open(family, submissions.SUBMIT_CLOSED)
    form = Form({"form_key": new_form_key()})
    context = await submit_context(family, form)
    if len(context["choices"]) == 1:
        form.values["assessment"] = context["choices"][0][0]
    return page("submission_new.html", **context)


def read_submission(form: Form, choices: list[str]) -> submissions.SubmissionInput | None:
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
    given_by = form.choice("given_by", common.GIVEN_BY, "Select who gave consent")
    name = form.text("given_by_name", "Enter the name of the person who gave consent")
    method = form.choice("method", common.METHODS, "Select how consent was given")
    given_on = form.date("given_on", "the date consent was given")
    if not form.ok or given_on is None:
        return None
    return submissions.SubmissionInput(
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
    closure.require_open(family, submissions.SUBMIT_CLOSED)
    form = await Form.read(request)
    context = await submit_context(family, form)
    new = read_submission(form, [c for c, _ in context["choices"]])
    if new is None:
        return page("submission_new.html", 422, **context)
    try:
        submission_id = await submissions.submit(user, family, new, form.get("form_key"))
    except common.DerbyError as error:
        form.error(error.field or "assessment", error.message)
        return page("submission_new.html", 422, **context)
    return see_other(f"/derby/submissions/{submission_id}")


async def visible_submission(request: Req, submission_id: int) -> tuple[dict[str, Any], Any]:
    """The submission and its family, if this user may see both (else 404 / 403)."""
    row = await submissions.submission(submission_id)
    if not await submissions.may_see_submission(user_of(request), row):
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
    closure.require_open(family, submissions.SUBMIT_CLOSED)
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
        await submissions.resubmit(user, row, form.version(), text)
    except StaleVersion:
        return see_other(f"/derby/submissions/{submission_id}")  # already resubmitted
    return see_other(f"/derby/submissions/{submission_id}")
