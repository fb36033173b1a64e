"""Completing an Early Help Assessment freezes a version (a snapshot of every
section, the household and the appendices); starting changes opens the next.
Each version can be compared with the one before."""

from __future__ import annotations

import json
from typing import Any

from portal.assessments.sections import SECTIONS, readable
from portal.assessments.service import (
    Incomplete,
    NotEditable,
    incomplete_sections,
    require_editable,
    sections_of,
)
from portal.assessments.tables import (
    Assessment,
    AssessmentAppendix,
    AssessmentVersion,
)
from portal.audit import service as audit
from portal.auth.tables import PortalUser
from portal.consent import service as consent
from portal.db import write_transaction
from portal.families.service import people_of
from portal.families.tables import Family, Person
from portal.kernel.clock import now_utc
from portal.kernel.users import CurrentUser


async def snapshot(family: Family, assessment: dict[str, Any]) -> dict[str, Any]:
    """Everything the frozen version shows, household included as it was then."""
    people = await people_of(family.id)
    child = await Person.objects().get(Person.id == assessment["child"])
    appendices = await AssessmentAppendix.select(
        AssessmentAppendix.id, AssessmentAppendix.title, AssessmentAppendix.original_name
    ).where(
        (AssessmentAppendix.assessment == assessment["id"])
        & AssessmentAppendix.removed_at.is_null()
    )
    assessor = await (
        PortalUser.select(PortalUser.display_name, PortalUser.organisation, PortalUser.email)
        .where(PortalUser.id == assessment["started_by"])
        .first()
    )
    return {
        "child": f"{child.given_names} {child.family_name}" if child else "",
        # Who to contact about it, and what the family agreed to: the copy is
        # shared between services (issue 20, item 14).
        "assessor": {
            "name": assessor["display_name"] if assessor else "",
            "organisation": assessor["organisation"] if assessor else "",
            "email": assessor["email"] if assessor else "",
        },
        "consent": consent_summary(await consent.consent_history(family.id)),
        "started_on": assessment["started_on"].isoformat(),
        "due_on": assessment["due_on"].isoformat(),
        "household": {
            "address": ", ".join(
                p
                for p in (
                    family.address_line_1,
                    family.address_line_2,
                    family.town,
                    family.postcode,
                )
                if p
            ),
            "people": [
                {
                    "name": f"{p.given_names} {p.family_name}",
                    "role": p.role,
                    "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else "",
                    # the child's consistent identifier goes with every copy shared
                    "nhs_number": p.nhs_number,
                }
                for p in people
            ],
        },
        "sections": {
            row["section"]: json.loads(row["content"] or "{}")
            for row in await sections_of(assessment["id"])
        },
        "appendices": [{"title": a["title"], "name": a["original_name"]} for a in appendices],
    }


def consent_summary(history: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each consent on the family in words, oldest first, as the copy shows it."""
    return [
        {
            "person": f"{c['person_given']} {c['person_family']}",
            "purpose": consent.PURPOSES.get(c["purpose"], c["purpose"]),
            "decision": "Given" if c["decision"] == "given" else "Refused",
            "by": f"{c['given_by_name']} ({consent.GIVEN_BY.get(c['given_by'], c['given_by']).lower()})",
            "method": consent.METHODS.get(c["method"], c["method"]).lower(),
            "on": c["given_on"].isoformat(),
            "withdrawn_on": c["withdrawal"]["withdrawn_on"].isoformat() if c["withdrawal"] else "",
        }
        for c in reversed(history)
    ]


async def complete(
    user: CurrentUser, family: Family, assessment: dict[str, Any], page: str
) -> list[Incomplete]:
    """Freeze a read-only version if every required section is complete;
    otherwise return what is missing (and change nothing)."""
    require_editable(assessment)
    async with write_transaction(Assessment._meta.db):
        problems = await incomplete_sections(assessment["id"])
        if problems:
            return problems
        number = assessment["frozen_versions"] + 1
        now = now_utc()
        updated = (
            await Assessment.update(
                {
                    Assessment.status: "completed",
                    Assessment.completed_at: assessment["completed_at"] or now,
                    Assessment.frozen_versions: number,
                    Assessment.updated_at: now,
                    Assessment.version: assessment["version"] + 1,
                }
            )
            .where(
                (Assessment.id == assessment["id"])
                & (Assessment.version == assessment["version"])
                & (Assessment.status == "in_progress")
            )
            .returning(Assessment.id)
        )
        if not updated:
            raise NotEditable()
        await AssessmentVersion.insert(
            AssessmentVersion(
                assessment=assessment["id"],
                number=number,
                snapshot=json.dumps(await snapshot(family, assessment)),
                completed_by=user.id,
                completed_at=now,
            )
        )
        await audit.record(
            "assessment_completed",
            "success",
            actor=user,
            record_type="assessment",
            record_id=assessment["id"],
            family_id=family.id,
            page=page,
            version=number,
        )
    return []


async def start_changes(
    user: CurrentUser, family: Family, assessment: dict[str, Any], page: str
) -> None:
    """Unfreeze a completed assessment to work on its next version; the
    frozen versions stay as they were."""
    async with write_transaction(Assessment._meta.db):
        updated = (
            await Assessment.update(
                {
                    Assessment.status: "in_progress",
                    Assessment.updated_at: now_utc(),
                    Assessment.version: assessment["version"] + 1,
                }
            )
            .where(
                (Assessment.id == assessment["id"])
                & (Assessment.version == assessment["version"])
                & (Assessment.status == "completed")
            )
            .returning(Assessment.id)
        )
        if updated:
            await audit.record(
                "assessment_changes_started",
                "success",
                actor=user,
                record_type="assessment",
                record_id=assessment["id"],
                family_id=family.id,
                page=page,
                version=assessment["frozen_versions"] + 1,
            )


async def versions_of(assessment_id: int) -> list[dict[str, Any]]:
    """The completed versions of an assessment, oldest first."""
    return (
        await AssessmentVersion.select(
            AssessmentVersion.id,
            AssessmentVersion.number,
            AssessmentVersion.snapshot,
            AssessmentVersion.completed_at,
            AssessmentVersion.completed_by.display_name.as_alias("completed_by_name"),
        )
        .where(AssessmentVersion.assessment == assessment_id)
        .order_by(AssessmentVersion.number)
    )


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """Each answer that differs between two snapshots, in section order."""
    changes = []
    for section in SECTIONS:
        old = dict(readable(section, before["sections"].get(section.slug, {})))
        new = dict(readable(section, after["sections"].get(section.slug, {})))
        for question in dict.fromkeys([*old, *new]):
            if old.get(question, "") != new.get(question, ""):
                changes.append(
                    {
                        "section": section.title,
                        "question": question,
                        "before": old.get(question, ""),
                        "after": new.get(question, ""),
                    }
                )
    return changes
