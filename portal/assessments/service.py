"""The rules of the Early Help Assessment: starting (behind the consent gate),
drafts, saving sections without losing anyone's text, and what is due.
Completing one and its versions are in ``portal.assessments.versions``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.assessments.sections import BY_SLUG, SECTIONS, has_answers
from portal.assessments.tables import (
    Assessment,
    AssessmentSection,
    SectionDraft,
)
from portal.audit import service as audit
from portal.consent.service import require_assessment_consent
from portal.db import Fact, fetch_fact, row_from_json, rows_from_json, write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotFound
from portal.kernel.records import once
from portal.kernel.users import CurrentUser
from portal.workdays.service import closed_days, working_days_after, working_days_between

WORKING_DAYS_TO_COMPLETE = 10


class AlreadyInProgress(Exception):
    """The family already has an assessment in progress (its id says which)."""

    def __init__(self, assessment_id: int) -> None:
        super().__init__("An assessment is already in progress for this family")
        self.assessment_id = assessment_id


class NotEditable(Exception):
    """The assessment is complete: changes start a new version first."""


class StaleSection(Exception):
    """Someone saved the section after this user started; nothing was overwritten."""

    def __init__(self, saved: dict[str, Any]) -> None:
        super().__init__("The section was saved by someone else")
        self.saved = saved


@dataclass(frozen=True)
class Incomplete:
    slug: str
    message: str


async def start(
    user: CurrentUser, family: Family, child_id: int, started_on: date, form_key: str, page: str
) -> int:
    """Start an assessment for a child once consent allows; returns its id."""
    await require_assessment_consent(family.id, child_id)
    due_on = await working_days_after(started_on, WORKING_DAYS_TO_COMPLETE)

    async def create() -> int:
        async with write_transaction(Assessment._meta.db):
            open_one = await in_progress_for(family.id)
            if open_one is not None:
                raise AlreadyInProgress(open_one)
            now = now_utc()
            rows = await Assessment.insert(
                Assessment(
                    family=family.id,
                    child=child_id,
                    started_by=user.id,
                    started_on=started_on,
                    due_on=due_on,
                    status="in_progress",
                    created_at=now,
                    updated_at=now,
                    idempotency_key=form_key or None,
                )
            ).returning(Assessment.id)
            assessment_id = int(rows[0]["id"])
            await AssessmentSection.insert(
                *(AssessmentSection(assessment=assessment_id, section=s.slug) for s in SECTIONS)
            )
            await audit.record(
                "assessment_started",
                "success",
                actor=user,
                record_type="assessment",
                record_id=assessment_id,
                family_id=family.id,
                page=page,
                due_on=due_on.isoformat(),
            )
            return assessment_id

    return await once(Assessment, form_key, create)


async def in_progress_for(family_id: int) -> int | None:
    """The id of the family's assessment in progress, or None."""
    rows = await Assessment.select(Assessment.id).where(
        (Assessment.family == family_id) & (Assessment.status == "in_progress")
    )
    return int(rows[0]["id"]) if rows else None


async def assessment_in(family: Family, assessment_id: int) -> dict[str, Any]:
    """The assessment if it belongs to this family (ids from elsewhere are 404)."""
    rows = await Assessment.select().where(
        (Assessment.id == assessment_id) & (Assessment.family == family.id)
    )
    if not rows:
        raise NotFound()
    return rows[0]


ASSESSMENTS = """
SELECT jsonb_agg((to_jsonb(a) - 'idempotency_key') || jsonb_build_object(
                     'child_given_names', p.given_names,
                     'child_family_name', p.family_name,
                     'started_by_name', u.display_name)
                 ORDER BY a.id DESC)
FROM assessment a
LEFT JOIN person p ON p.id = a.child
LEFT JOIN portal_user u ON u.id = a.started_by
WHERE a.family = {}
"""


def assessments_fact(family_id: int) -> Fact:
    """Every assessment of a family, newest first, with the child's and starter's names."""
    return Fact(Assessment, ASSESSMENTS, (family_id,), lambda v: rows_from_json(Assessment, v))


async def assessments_of(family_id: int) -> list[dict[str, Any]]:
    """``assessments_fact`` read on its own."""
    rows: list[dict[str, Any]] = await fetch_fact(assessments_fact(family_id))
    return rows


async def sections_of(assessment_id: int) -> list[dict[str, Any]]:
    rows = await AssessmentSection.select(
        *AssessmentSection.all_columns(),
        AssessmentSection.updated_by.display_name.as_alias("updated_by_name"),
    ).where(AssessmentSection.assessment == assessment_id)
    order = {s.slug: i for i, s in enumerate(SECTIONS)}
    return sorted(rows, key=lambda r: order.get(r["section"], 99))


async def section_of(assessment_id: int, slug: str) -> dict[str, Any]:
    """One section of an assessment by its slug (a 404 if there is none)."""
    if slug not in BY_SLUG:
        raise NotFound()
    rows = await AssessmentSection.select(
        *AssessmentSection.all_columns(),
        AssessmentSection.updated_by.display_name.as_alias("updated_by_name"),
    ).where((AssessmentSection.assessment == assessment_id) & (AssessmentSection.section == slug))
    if not rows:
        raise NotFound()
    return rows[0]


# An assessment of this family, one of its sections (with who last saved it)
# and this user's unsaved draft of it, in one statement.
SECTION_SQL = """
SELECT to_jsonb(a) AS assessment,
       to_jsonb(s) || jsonb_build_object('updated_by_name', u.display_name) AS section,
       to_jsonb(d) AS draft
FROM assessment a
JOIN assessment_section s ON s.assessment = a.id AND s.section = {}
LEFT JOIN portal_user u ON u.id = s.updated_by
LEFT JOIN assessment_section_draft d ON d.section = s.id AND d.author = {}
WHERE a.id = {} AND a.family = {}
"""


async def section_with_draft(
    family: Family, assessment_id: int, slug: str, user_id: int
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    """The assessment (if it is this family's), its section by slug and this
    user's draft of it, or a 404 (as assessment_in and section_of)."""
    if slug not in BY_SLUG:
        raise NotFound()
    rows = await Assessment.raw(SECTION_SQL, slug, user_id, assessment_id, family.id)
    if not rows:
        raise NotFound()
    row = rows[0]
    draft = json.loads(row["draft"]) if row["draft"] else None
    return (
        row_from_json(Assessment, json.loads(row["assessment"])),
        row_from_json(AssessmentSection, json.loads(row["section"])),
        row_from_json(SectionDraft, draft) if draft else None,
    )


async def draft_of(section_id: int, user_id: int) -> dict[str, Any] | None:
    rows = await SectionDraft.select().where(
        (SectionDraft.section == section_id) & (SectionDraft.author == user_id)
    )
    return rows[0] if rows else None


async def sections_with_drafts(assessment_id: int, user_id: int) -> set[str]:
    """The sections where this user has unsaved typing (one query)."""
    rows = await SectionDraft.select(SectionDraft.section.section.as_alias("slug")).where(
        (SectionDraft.section.assessment == assessment_id) & (SectionDraft.author == user_id)
    )
    return {row["slug"] for row in rows}


def require_editable(assessment: dict[str, Any]) -> None:
    if assessment["status"] != "in_progress":
        raise NotEditable()


async def save_draft(
    user: CurrentUser,
    family_id: int,
    section: dict[str, Any],
    answers: dict[str, Any],
    base_version: int,
    page: str,
) -> None:
    """Keep what this user has typed in a section, without touching the section.

    Autosave calls this every few seconds, so only the first draft of a
    section is audited; the save itself is audited when it happens."""
    async with write_transaction(SectionDraft._meta.db):
        existing = await draft_of(section["id"], user.id)
        content = json.dumps(answers)
        if existing is None:
            await SectionDraft.insert(
                SectionDraft(
                    section=section["id"],
                    author=user.id,
                    content=content,
                    base_version=base_version,
                    updated_at=now_utc(),
                )
            )
            await audit.record(
                "assessment_draft_kept",
                "success",
                actor=user,
                record_type="assessment_section",
                record_id=section["id"],
                family_id=family_id,
                page=page,
            )
        else:
            await SectionDraft.update(
                {
                    SectionDraft.content: content,
                    SectionDraft.base_version: min(base_version, existing["base_version"]),
                    SectionDraft.updated_at: now_utc(),
                }
            ).where(SectionDraft.id == existing["id"])


async def discard_draft(user: CurrentUser, section: dict[str, Any]) -> None:
    await SectionDraft.delete().where(
        (SectionDraft.section == section["id"]) & (SectionDraft.author == user.id)
    )


async def save_section(
    user: CurrentUser,
    family: Family,
    assessment: dict[str, Any],
    section: dict[str, Any],
    answers: dict[str, Any],
    completed: bool,
    base_version: int,
    page: str,
) -> None:
    """Save a section if nobody saved it since ``base_version``; else StaleSection.

    On a conflict the user's text stays in their draft, so it is never lost."""
    require_editable(assessment)
    status = (
        "completed" if completed else ("in_progress" if has_answers(answers) else "not_started")
    )
    async with write_transaction(AssessmentSection._meta.db):
        updated = (
            await AssessmentSection.update(
                {
                    AssessmentSection.content: json.dumps(answers),
                    AssessmentSection.status: status,
                    AssessmentSection.updated_by: user.id,
                    AssessmentSection.updated_at: now_utc(),
                    AssessmentSection.version: base_version + 1,
                }
            )
            .where(
                (AssessmentSection.id == section["id"])
                & (AssessmentSection.version == base_version)
                & AssessmentSection.assessment.id.is_in(
                    Assessment.select(Assessment.id).where(
                        (Assessment.id == assessment["id"]) & (Assessment.status == "in_progress")
                    )
                )
            )
            .returning(AssessmentSection.id)
        )
        if updated:
            await discard_draft(user, section)
            await Assessment.update({Assessment.updated_at: now_utc()}).where(
                Assessment.id == assessment["id"]
            )
            await audit.record(
                "assessment_section_saved",
                "success",
                actor=user,
                record_type="assessment_section",
                record_id=section["id"],
                family_id=family.id,
                page=page,
                section=section["section"],
                status=status,
            )
    if not updated:
        # outside the (rolled back) transaction: the user's text is kept as their draft
        require_editable(await assessment_in(family, assessment["id"]))
        await save_draft(user, family.id, section, answers, base_version, page)
        raise StaleSection(await section_of(assessment["id"], section["section"]))


async def incomplete_sections(assessment_id: int) -> list[Incomplete]:
    """What still stops the assessment being completed, section by section."""
    problems = []
    for row in await sections_of(assessment_id):
        definition = BY_SLUG[row["section"]]
        if definition.required and row["status"] != "completed":
            problems.append(
                Incomplete(definition.slug, f"Complete the section '{definition.title}'")
            )
    return problems


async def due_for_families(family_ids: list[int], today: date) -> dict[int, dict[str, Any]]:
    """The open assessment of each family with its due date and working days
    left (for the caseload); one query plus the holiday lookup."""
    if not family_ids:
        return {}
    rows = await Assessment.select(
        Assessment.id,
        Assessment.family,
        Assessment.due_on,
        Assessment.frozen_versions,
        Assessment.started_by,
    ).where(Assessment.family.is_in(family_ids) & (Assessment.status == "in_progress"))
    return await due_of(rows, today)


async def due_of(rows: list[dict[str, Any]], today: date) -> dict[int, dict[str, Any]]:
    """From assessment rows already read (id, family, status, due_on,
    frozen_versions, started_by): each family's open one, its due date and
    working days left. No statement of its own (the holiday overrides come
    with the session)."""
    rows = [row for row in rows if row.get("status", "in_progress") == "in_progress"]
    if not rows:
        return {}
    dues = [row["due_on"] for row in rows] + [today]
    closed = await closed_days(min(dues), max(dues))
    result = {}
    for row in rows:
        # the 10-day target is for the first version; later versions have none
        first_version = row["frozen_versions"] == 0
        result[row["family"]] = {
            "assessment_id": row["id"],
            "due_on": row["due_on"] if first_version else None,
            "days_left": working_days_between(today, row["due_on"], closed)
            if first_version
            else None,
            "started_by": row["started_by"],
        }
    return result
