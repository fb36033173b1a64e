"""HTTP handlers for random case audits: the samples, drawing one, each case's
record with its audit form, and the findings roll-up.

These pages sit outside the families router (auditors have no relationship
with families), so each handler checks the auditor's role itself."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from portal.assessments.version_controllers import snapshot_sections
from portal.case_audit import service
from portal.closure import service as closure
from portal.kernel.errors import StaleVersion
from portal.kernel.forms import Form, new_form_key, whole_number
from portal.taf import actions as taf_actions
from portal.taf import service as taf
from portal.web.handlers import areas_by_slug, see_other, user_of

ROOT = "/case-audits"


def auditor_areas(request: Request[Any, Any, Any]) -> list[str]:
    """The areas this user audits; 403 for everyone else."""
    return service.require_auditor(user_of(request), areas_by_slug(request))


def localities(request: Request[Any, Any, Any], areas: list[str]) -> dict[str, dict[str, str]]:
    """Locality names by area, for the form and for showing a sample's filters."""
    described = areas_by_slug(request)
    return {a: {loc.slug: loc.name for loc in described[a].localities} for a in areas}


def area_names(request: Request[Any, Any, Any]) -> dict[str, str]:
    return {slug: a.name for slug, a in areas_by_slug(request).items()}


@get(ROOT, name="case_audits")
async def samples_page(request: Request[Any, Any, Any]) -> Template:
    areas = auditor_areas(request)
    return Template(
        "case_audit/samples.html",
        context={
            "samples": await service.samples_for(areas),
            "localities": localities(request, areas),
            "area_names": area_names(request),
        },
    )


def draw_context(request: Request[Any, Any, Any], areas: list[str], form: Form) -> dict[str, Any]:
    return {
        "form": form,
        "areas": areas,
        "area_names": area_names(request),
        "localities": localities(request, areas),
        "max_sample": service.MAX_SAMPLE,
    }


@get(ROOT + "/new", name="new_case_audit")
async def draw_form(
    request: Request[Any, Any, Any], again: FromQuery[int | None] = None
) -> Template:
    """The draw form; ``?again=<sample id>`` fills it with that sample's filters and seed."""
    areas = auditor_areas(request)
    form = Form({"form_key": new_form_key(), "area": areas[0], "size": "5"})
    if again is not None:
        sample = await service.sample_for(user_of(request), again)
        form.values.update(
            area=sample["area"],
            locality=sample["locality"],
            size=str(sample["requested"]),
            seed=sample["seed"],
            closed_only="yes" if sample["closed_only"] else "",
        )
        form.set_date("started_from", sample["started_from"])
        form.set_date("started_to", sample["started_to"])
    else:
        form.set_date("started_from", date.today() - timedelta(days=365))
        form.set_date("started_to", date.today())
    return Template("case_audit/draw.html", context=draw_context(request, areas, form))


def read_draw(
    form: Form, areas: list[str], localities: dict[str, dict[str, str]]
) -> tuple[service.Filters, int] | None:
    size_text = form.get("size")
    size = whole_number(size_text, 1000) or 0
    if not size_text:
        form.error("size", "Enter how many cases to draw")
    elif not 1 <= size <= service.MAX_SAMPLE:
        form.error("size", f"Enter a whole number of cases from 1 to {service.MAX_SAMPLE}")
    area = form.choice("area", areas, "Select the area")
    locality = form.get("locality")
    if locality and locality not in localities.get(area, {}):
        form.error("locality", "Select a locality of the area, or any locality")
    started_from = form.date("started_from", "the start of the period", when="any")
    started_to = form.date("started_to", "the end of the period", when="any")
    if started_from and started_to and started_to < started_from:
        form.error(
            "started_to",
            "The end of the period must be the same as or after the start",
            "started_to-day",
        )
    form.text("seed", max_length=100, label="Seed")
    if not form.ok or started_from is None or started_to is None:
        return None
    closed_only = form.get("closed_only") == "yes"
    filters = service.Filters(area, locality, started_from, started_to, closed_only)
    return filters, size


@post(ROOT, name="draw_case_audit")
async def draw_sample(request: Request[Any, Any, Any]) -> Template | Redirect:
    areas = auditor_areas(request)
    form = await Form.read(request)
    read = read_draw(form, areas, localities(request, areas))
    if read is None:
        context = draw_context(request, areas, form)
        return Template("case_audit/draw.html", context=context, status_code=422)
    filters, size = read
    seed = form.get("seed") or service.new_seed()
    try:
        sample_id = await service.create_sample(
            user_of(request), filters, size, seed, form.get("form_key")
        )
    except service.NothingToDraw:
        form.error("size", "No episodes match these choices: widen the period or the locality")
        context = draw_context(request, areas, form)
        return Template("case_audit/draw.html", context=context, status_code=422)
    return see_other(f"{ROOT}/{sample_id}")


async def sample_context(request: Request[Any, Any, Any], sample_id: int) -> dict[str, Any]:
    areas = auditor_areas(request)
    sample = await service.sample_for(user_of(request), sample_id)
    cases = await service.cases_of(sample_id)
    sample["cases"] = len(cases)
    sample["reviewed"] = sum(1 for c in cases if c["grade"])
    return {
        "sample": sample,
        "cases": cases,
        "localities": localities(request, areas),
        "area_names": area_names(request),
        "grades": service.GRADES,
    }


@get(ROOT + "/{sample_id:int}", name="case_audit")
async def sample_page(request: Request[Any, Any, Any], sample_id: FromPath[int]) -> Template:
    context = await sample_context(request, sample_id)
    sample = context["sample"]
    chosen = [c["assessment"] for c in context["cases"]]
    others = service.same_draw(await service.samples_for([sample["area"]]), sample)
    for other in others:
        other["same_cases"] = await service.case_ids(other["id"]) == chosen
    return Template("case_audit/sample.html", context={**context, "same_draw": others})


@get(ROOT + "/{sample_id:int}/findings", name="case_audit_findings")
async def findings_page(request: Request[Any, Any, Any], sample_id: FromPath[int]) -> Template:
    context = await sample_context(request, sample_id)
    counts = service.grade_counts(context["cases"])
    largest = max([n for _, _, n in counts] + [1])
    return Template(
        "case_audit/findings.html",
        context={**context, "counts": counts, "largest": largest},
    )


async def case_page(
    request: Request[Any, Any, Any],
    sample_id: int,
    finding_id: int,
    form: Form | None = None,
    status: int = 200,
    stale: dict[str, Any] | None = None,
) -> Template:
    context = await sample_context(request, sample_id)
    case = await service.case_in(context["sample"], finding_id)
    record = await service.open_case(user_of(request), context["sample"], case, request.url.path)
    if form is None:
        form = Form(
            {
                "version": str(case["version"]),
                "grade": case["grade"],
                "good_practice": case["good_practice"],
                "areas_for_development": case["areas_for_development"],
            }
        )
    return Template(
        "case_audit/case.html",
        context={
            **context,
            **record,
            "case": case,
            "form": form,
            "stale": stale,
            "sections": snapshot_sections(record["snapshot"]),
            "statuses": taf_actions.SHOWN_STATUSES,
            "meeting_kinds": taf.MEETING_KINDS,
            "closure_reasons": closure.REASONS,
            "grade_choices": list(service.GRADES.items()),
        },
        status_code=status,
    )


@get(ROOT + "/{sample_id:int}/cases/{finding_id:int}", name="case_audit_case")
async def case_view(
    request: Request[Any, Any, Any], sample_id: FromPath[int], finding_id: FromPath[int]
) -> Template:
    return await case_page(request, sample_id, finding_id)


@post(ROOT + "/{sample_id:int}/cases/{finding_id:int}", name="save_case_audit")
async def save_case(
    request: Request[Any, Any, Any], sample_id: FromPath[int], finding_id: FromPath[int]
) -> Template | Redirect:
    auditor_areas(request)
    sample = await service.sample_for(user_of(request), sample_id)
    case = await service.case_in(sample, finding_id)
    form = await Form.read(request)
    grade = form.choice("grade", service.GRADES, "Select a grade")
    good = form.text("good_practice", max_length=5000, label="Good practice")
    development = form.text("areas_for_development", max_length=5000, label="Areas for development")
    if not good and not development:
        form.error("good_practice", "Enter the good practice you found, or areas for development")
    if not form.ok:
        return await case_page(request, sample_id, finding_id, form, 422)
    version = form.version()
    try:
        await service.save_review(
            user_of(request), sample, case, version, service.Review(grade, good, development)
        )
    except StaleVersion as stale:
        form.values["version"] = str(stale.current["version"])
        return await case_page(request, sample_id, finding_id, form, 409, stale.current)
    return see_other(f"{ROOT}/{sample_id}#case-{case['position']}")


HANDLERS: list[Any] = [
    samples_page,
    draw_form,
    draw_sample,
    sample_page,
    findings_page,
    case_view,
    save_case,
]
