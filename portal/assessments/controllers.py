"""HTTP handlers for the Early Help Assessment: start, task list, sections
(with autosave drafts), complete, versions and history."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.assessments import appendices, rescue, service, versions
from portal.assessments.sections import BY_SLUG, VULNERABILITY_FACTORS, check, readable
from portal.consent.service import ConsentRequired
from portal.families.access import FamilyAccess, ReadOnlyAccess
from portal.families.service import child_choices, people_of
from portal.kernel.clock import now_utc
from portal.kernel.forms import Form, new_form_key, whole_number
from portal.web.handlers import see_other, user_of
from portal.workdays.service import working_days_left

BASE = "/families/{family_id:int}/assessments"


ASSESSMENT = BASE + "/{assessment_id:int}"


SECTION = ASSESSMENT + "/sections/{slug:str}"


def path_of(family_id: int, assessment_id: int, rest: str = "") -> str:
    return f"/families/{family_id}/assessments/{assessment_id}{rest}"


def can_edit(access: FamilyAccess) -> bool:
    # emergency (break-glass) access is for reading, not for changing the work
    return access.may_change


def require_edit(access: FamilyAccess) -> None:
    if not can_edit(access):
        raise ReadOnlyAccess(access.reason)


@get(BASE + "/new", name="new_assessment")
async def new_assessment(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    access = change_access
    require_edit(access)
    form = Form({"form_key": new_form_key()})
    form.set_date("started_on", date.today())
    return await start_page(access, form)


async def start_page(access: FamilyAccess, form: Form, status: int = 200) -> Template:
    family = access.family
    children = await child_choices(family.id)
    if len(children) == 1 and not form.get("child"):
        form.values["child"] = children[0][0]
    return Template(
        "assessments/start.html",
        context={
            "family": family,
            "form": form,
            "children": children,
            "in_progress": await service.in_progress_for(family.id),
        },
        status_code=status,
    )


@post(BASE, name="start_assessment")
async def start_assessment(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    access = family_access
    require_edit(access)
    form = await Form.read(request)
    children = await child_choices(family_id)
    child = form.choice("child", [c for c, _ in children], "Select the child the assessment is for")
    started_on = form.date("started_on", "the date the assessment started")
    if not form.ok or started_on is None:
        return await start_page(access, form, 422)
    try:
        assessment_id = await service.start(
            user_of(request),
            access.family,
            int(child),
            started_on,
            form.get("form_key"),
            request.url.path,
        )
    except ConsentRequired as refused:
        form.error("child", refused.message)
        return await start_page(access, form, 422)
    except service.AlreadyInProgress as existing:
        return see_other(path_of(family_id, existing.assessment_id))
    return see_other(path_of(family_id, assessment_id))


async def overview_context(
    request: Request[Any, Any, Any], access: FamilyAccess, assessment_id: int
) -> dict[str, Any]:
    family = access.family
    assessment = await service.assessment_in(family, assessment_id)
    sections = await service.sections_of(assessment_id)
    drafts = await service.sections_with_drafts(assessment_id, user_of(request).id)
    return {
        "family": family,
        "assessment": assessment,
        "rows": [(BY_SLUG[row["section"]], row) for row in sections],
        "drafts": drafts,
        "days_left": await working_days_left(date.today(), assessment["due_on"]),
        "can_edit": can_edit(access),
        "versions": await versions.versions_of(assessment_id),
        "appendices": await appendices.listed(assessment_id),
        "child": dict(await child_choices(family.id)).get(str(assessment["child"]), ""),
    }


@get(ASSESSMENT, name="assessment")
async def assessment_overview(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
) -> Template:
    access = family_access
    context = await overview_context(request, access, assessment_id)
    return Template("assessments/overview.html", context={**context, "problems": []})


def section_form(answers: dict[str, Any]) -> Form:
    return Form({k: v for k, v in answers.items()})


async def section_context(
    request: Request[Any, Any, Any],
    access: FamilyAccess,
    assessment: dict[str, Any],
    section: dict[str, Any],
    form: Form,
    draft: dict[str, Any] | None,
) -> dict[str, Any]:
    family = access.family
    settings = request.app.state.settings
    user = user_of(request)
    definition = BY_SLUG[section["section"]]
    context: dict[str, Any] = {
        "family": family,
        "assessment": assessment,
        "section": section,
        "definition": definition,
        "form": form,
        "draft": draft,
        "stale_draft": draft is not None and draft["base_version"] != section["version"],
        "editable": can_edit(access) and assessment["status"] == "in_progress",
        "rescue_token": rescue.make_token(settings.session_secret, user.id, section["id"]),
        "factors": VULNERABILITY_FACTORS,
        "saved_rows": readable(definition, json.loads(section["content"] or "{}")),
    }
    if definition.slug == "household":
        context["people"] = await people_of(family.id)
    if definition.slug == "appendices":
        context["appendices"] = await appendices.listed(assessment["id"])
        context["upload_form"] = Form({"form_key": new_form_key()})
        context["max_upload_mb"] = appendices.MAX_BYTES // (1024 * 1024)
    return context


@get(SECTION, name="assessment_section")
async def section_page(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
    slug: FromPath[str],
) -> Template:
    access = family_access
    assessment, section, draft = await service.section_with_draft(
        access.family, assessment_id, slug, user_of(request).id
    )
    saved = json.loads(section["content"] or "{}")
    form = section_form(json.loads(draft["content"]) if draft else saved)
    form.values["base_version"] = str(draft["base_version"] if draft else section["version"])
    if section["status"] == "completed" and not draft:
        form.values["completed"] = "yes"
    context = await section_context(request, access, assessment, section, form, draft)
    return Template("assessments/section.html", context=context)


async def read_section_post(
    request: Request[Any, Any, Any], access: FamilyAccess, assessment_id: int, slug: str
) -> tuple[FamilyAccess, dict[str, Any], dict[str, Any], Form]:
    require_edit(access)
    assessment, section, _ = await service.section_with_draft(
        access.family, assessment_id, slug, user_of(request).id
    )
    return access, assessment, section, await Form.read(request)


def base_version_of(form: Form, section: dict[str, Any]) -> int:
    return whole_number(form.get("base_version")) or section["version"]


@post(SECTION, name="save_assessment_section", opt={"rescue": True})
async def save_section(
    request: Request[Any, Any, Any],
    access_if_signed_in: NamedDependency[FamilyAccess | None],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
    slug: FromPath[str],
) -> Response[Any]:
    if access_if_signed_in is None:
        return await rescue.signed_out_post(request)
    access, assessment, section, form = await read_section_post(
        request, access_if_signed_in, assessment_id, slug
    )
    user = user_of(request)
    definition = BY_SLUG[slug]
    if assessment["status"] != "in_progress":
        return see_other(path_of(family_id, assessment_id))
    completed = form.get("completed") == "yes"
    answers = check(form, definition, completed, date.today())
    base_version = base_version_of(form, section)
    if not form.ok:
        # keep what was typed even if they leave the page without fixing it
        await service.save_draft(user, family_id, section, answers, base_version, request.url.path)
        draft = await service.draft_of(section["id"], user.id)
        context = await section_context(request, access, assessment, section, form, draft)
        return Template("assessments/section.html", context=context, status_code=422)
    try:
        await service.save_section(
            user,
            access.family,
            assessment,
            section,
            answers,
            completed,
            base_version,
            request.url.path,
        )
    except service.StaleSection as stale:
        return conflict(request, form, definition, stale.saved, family_id, assessment_id)
    except service.NotEditable:
        return see_other(path_of(family_id, assessment_id))
    return see_other(path_of(family_id, assessment_id) + f"#section-{slug}")


def conflict(
    request: Request[Any, Any, Any],
    form: Form,
    definition: Any,
    saved: dict[str, Any],
    family_id: int,
    assessment_id: int,
) -> Template:
    yours = readable(definition, check(Form(form.values), definition, False, date.today()))
    theirs = readable(definition, json.loads(saved["content"] or "{}"))
    rows = [
        {"label": q, "yours": a, "saved": b, "differs": a != b}
        for (q, a), (_, b) in zip(yours, theirs, strict=False)
    ]
    resubmit = {k: v for k, v in form.values.items() if k != "base_version"}
    resubmit["base_version"] = str(saved["version"])
    return Template(
        "errors/conflict.html",
        context={
            "rows": rows,
            "resubmit": resubmit,
            "action": path_of(family_id, assessment_id, f"/sections/{definition.slug}"),
            "back": path_of(family_id, assessment_id, f"/sections/{definition.slug}"),
            "saved_by": saved.get("updated_by_name", ""),
        },
        status_code=409,
    )


@post(SECTION + "/draft", name="save_assessment_draft", opt={"rescue": True})
async def save_draft(
    request: Request[Any, Any, Any],
    access_if_signed_in: NamedDependency[FamilyAccess | None],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
    slug: FromPath[str],
) -> Response[Any]:
    """Autosave (htmx, debounced): keeps the user's typing as their draft."""
    if access_if_signed_in is None:
        return await rescue.signed_out_post(request)
    _, assessment, section, form = await read_section_post(
        request, access_if_signed_in, assessment_id, slug
    )
    if assessment["status"] != "in_progress":
        return see_other(path_of(family_id, assessment_id))
    answers = check(Form(form.values), BY_SLUG[slug], False, date.today())
    if answers == json.loads(section["content"] or "{}"):
        # nothing unsaved (e.g. a late autosave of what "Save and continue" just saved)
        if request.headers.get("hx-request"):
            return Template("assessments/_draft_status.html", context={"saved_at": now_utc()})
        return see_other(path_of(family_id, assessment_id, f"/sections/{slug}"))
    await service.save_draft(
        user_of(request),
        family_id,
        section,
        answers,
        base_version_of(form, section),
        request.url.path,
    )
    if request.headers.get("hx-request"):
        return Template("assessments/_draft_status.html", context={"saved_at": now_utc()})
    return see_other(path_of(family_id, assessment_id, f"/sections/{slug}"))


@post(SECTION + "/discard", name="discard_assessment_draft")
async def discard_draft(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
    slug: FromPath[str],
) -> Redirect:
    access, _, section, _ = await read_section_post(request, family_access, assessment_id, slug)
    await service.discard_draft(user_of(request), section)
    return see_other(path_of(access.family.id, assessment_id, f"/sections/{slug}"))


@post(ASSESSMENT + "/complete", name="complete_assessment")
async def complete(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
) -> Template | Redirect:
    access = family_access
    require_edit(access)
    assessment = await service.assessment_in(access.family, assessment_id)
    try:
        problems = await versions.complete(
            user_of(request), access.family, assessment, request.url.path
        )
    except service.NotEditable:
        return see_other(path_of(family_id, assessment_id))
    if problems:
        context = await overview_context(request, access, assessment_id)
        return Template(
            "assessments/overview.html",
            context={**context, "problems": problems},
            status_code=422,
        )
    return see_other(path_of(family_id, assessment_id) + "?completed=1")


@post(ASSESSMENT + "/changes", name="change_assessment")
async def start_changes(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
) -> Redirect:
    access = family_access
    require_edit(access)
    assessment = await service.assessment_in(access.family, assessment_id)
    await versions.start_changes(user_of(request), access.family, assessment, request.url.path)
    return see_other(path_of(family_id, assessment_id))


HANDLERS: list[Any] = [
    new_assessment,
    start_assessment,
    assessment_overview,
    section_page,
    save_section,
    save_draft,
    discard_draft,
    complete,
    start_changes,
]
