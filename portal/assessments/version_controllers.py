"""An assessment's history: its past versions, and the print and PDF copies
(each an audited export)."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from portal.assessments import documents, service
from portal.assessments import versions as frozen
from portal.assessments.controllers import ASSESSMENT
from portal.assessments.sections import SECTIONS, readable
from portal.families.access import FamilyAccess
from portal.web.handlers import user_of


@get(ASSESSMENT + "/history", name="assessment_history")
async def history(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
) -> Template:
    access = family_access
    assessment = await service.assessment_in(access.family, assessment_id)
    versions = await frozen.versions_of(assessment_id)
    snapshots = [json.loads(v["snapshot"]) for v in versions]
    entries = [
        {
            "version": v,
            "changes": frozen.changes_between(snapshots[i - 1], snapshots[i]) if i else [],
        }
        for i, v in enumerate(versions)
    ]
    return Template(
        "assessments/history.html",
        context={"family": access.family, "assessment": assessment, "entries": entries[::-1]},
    )


async def version_snapshot(assessment_id: int, number: int) -> dict[str, Any]:
    for v in await frozen.versions_of(assessment_id):  # a handful: read twice, kept simple
        if v["number"] == number:
            return {**v, "snapshot": json.loads(v["snapshot"])}
    raise NotFoundException()


def snapshot_sections(snapshot: dict[str, Any]) -> list[tuple[Any, list[tuple[str, str]]]]:
    return [
        (s, readable(s, snapshot["sections"].get(s.slug, {})))
        for s in SECTIONS
        if s.required or any(v for v in snapshot["sections"].get(s.slug, {}).values())
    ]


@get(ASSESSMENT + "/versions/{number:int}", name="assessment_version")
async def version_page(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
    number: FromPath[int],
) -> Template:
    access = family_access
    assessment = await service.assessment_in(access.family, assessment_id)
    versions = await frozen.versions_of(assessment_id)
    version = await version_snapshot(assessment_id, number)
    return Template(
        "assessments/document.html",
        context={
            "family": access.family,
            "assessment": assessment,
            "version": version,
            "about": documents.about_lines(version["snapshot"], versions),
            "snapshot": version["snapshot"],
            "sections": snapshot_sections(version["snapshot"]),
            "printing": False,
        },
    )


async def current_snapshot(access: FamilyAccess, assessment_id: int) -> dict[str, Any]:
    assessment = await service.assessment_in(access.family, assessment_id)
    return await frozen.snapshot(access.family, assessment)


@get(ASSESSMENT + "/print", name="print_assessment")
async def print_view(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
) -> Template:
    access = family_access
    assessment = await service.assessment_in(access.family, assessment_id)
    snapshot = await frozen.snapshot(access.family, assessment)
    await documents.record_export(
        user_of(request), access.family, assessment, "print", request.url.path
    )
    return Template(
        "assessments/document.html",
        context={
            "family": access.family,
            "assessment": assessment,
            "version": None,
            "about": documents.about_lines(snapshot, await frozen.versions_of(assessment_id)),
            "snapshot": snapshot,
            "sections": snapshot_sections(snapshot),
            "printing": True,
        },
    )


@get(ASSESSMENT + "/pdf", name="assessment_pdf")
async def pdf(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
) -> Response[bytes]:
    access = family_access
    assessment = await service.assessment_in(access.family, assessment_id)
    snapshot = await frozen.snapshot(access.family, assessment)
    await documents.record_export(
        user_of(request), access.family, assessment, "pdf", request.url.path
    )
    versions = await frozen.versions_of(assessment_id)
    body = documents.pdf_of(snapshot, snapshot_sections(snapshot), assessment, versions)
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="early-help-assessment-{assessment_id}.pdf"'
        },
    )


VERSION_HANDLERS = [history, version_page, print_view, pdf]
