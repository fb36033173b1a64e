"""Random case audits: draw a reproducible sample of episodes, review each
against a short audit form, and roll the findings up.

An episode is one Early Help Assessment (one per episode of early help), in
its family's area and locality. The eligible episodes are listed by id, then
``random.Random(seed).sample(ids, n)`` picks the cases: the same seed and
filters give the same cases, in the same order, for anyone who draws again
on the same data. The chosen cases are stored with the sample (frozen).

Auditors (``<area>.auditor``) see their own area's samples only (another
area's is a 404) and reach a family's record only through a sampled case,
read-only; every look is in the audit trail with the reason "case audit".
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.assessments import service as assessments
from portal.assessments import versions as assessment_versions
from portal.assessments.tables import Assessment
from portal.audit import service as audit
from portal.case_audit.tables import CaseAuditFinding, CaseAuditSample
from portal.closure import service as closure
from portal.closure.tables import Closure
from portal.db import write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed, NotFound, StaleVersion
from portal.kernel.records import once, versioned_update
from portal.kernel.users import CurrentUser
from portal.taf import plan as taf_plan
from portal.taf import reviews as taf_reviews
from portal.taf import service as taf

AUDITOR = "auditor"
MAX_SAMPLE = 50
REASON = "case audit"
GRADES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}


def audit_areas(user: CurrentUser, enabled: Iterable[str]) -> list[str]:
    """The enabled areas this user audits, in a stable order."""
    return sorted(a for a in enabled if user.has_role(f"{a}.{AUDITOR}"))


def require_auditor(user: CurrentUser, enabled: Iterable[str]) -> list[str]:
    areas = audit_areas(user, enabled)
    if not areas:
        raise NotAllowed("Only auditors can open case audits")
    return areas


@dataclass(frozen=True)
class Filters:
    area: str
    locality: str  # "" for every locality
    started_from: date
    started_to: date
    closed_only: bool = False


# Choosing the cases ------------------------------------------------------------


async def eligible_ids(filters: Filters) -> list[int]:
    """Ids of the episodes matching the filters, in id order (the draw's input).

    Restricted records (consent to keep them withdrawn) are left out: only
    their lead practitioner and area managers may open them."""
    where = (
        (Assessment.family.area == filters.area)
        & (Assessment.started_on >= filters.started_from)
        & (Assessment.started_on <= filters.started_to)
        & (Assessment.family.restricted == False)  # noqa: E712 (Piccolo builds SQL from ==)
    )
    if filters.locality:
        where &= Assessment.family.locality == filters.locality
    rows = await Assessment.select(Assessment.id, Assessment.family).where(where)
    ids = sorted(int(r["id"]) for r in rows)
    if not filters.closed_only or not ids:
        return ids
    closed = await closed_episodes({int(r["family"]) for r in rows})
    return [i for i in ids if i in closed]


def episode_windows(episodes: list[dict[str, Any]]) -> dict[int, tuple[date, date | None]]:
    """Each assessment's episode: from its start to the next assessment's start."""
    ordered = sorted(episodes, key=lambda e: (e["started_on"], e["id"]))
    windows: dict[int, tuple[date, date | None]] = {}
    for i, e in enumerate(ordered):
        following = ordered[i + 1 : i + 2]
        windows[e["id"]] = (e["started_on"], following[0]["started_on"] if following else None)
    return windows


def in_window(when: date, window: tuple[date, date | None]) -> bool:
    start, end = window
    return when >= start and (end is None or when <= end)


async def closed_episodes(family_ids: set[int]) -> set[int]:
    """Assessment ids whose episode is closed: an earlier episode closed if the
    family was closed before the next one started; the latest one if the
    family is closed now (a closure since it started, not reopened)."""
    ids = list(family_ids)
    episodes = await Assessment.select(
        Assessment.id, Assessment.family, Assessment.started_on
    ).where(Assessment.family.is_in(ids))
    closures = await Closure.select(Closure.family, Closure.closed_at, Closure.reopened_at).where(
        Closure.family.is_in(ids)
    )
    closed_now = {
        int(r["id"])
        for r in await Family.select(Family.id).where(
            Family.id.is_in(ids) & (Family.status == "closed")
        )
    }
    result: set[int] = set()
    for family_id in family_ids:
        own = [e for e in episodes if e["family"] == family_id]
        dates = [c["closed_at"].date() for c in closures if c["family"] == family_id]
        for episode_id, window in episode_windows(own).items():
            closed_in = any(in_window(d, window) for d in dates)
            latest = window[1] is None
            if closed_in and (not latest or family_id in closed_now):
                result.add(episode_id)
    return result


def draw(ids: list[int], size: int, seed: str) -> list[int]:
    """The cases for this seed: reproducible for the same ids, size and seed."""
    # Reproducibility is the point here, not secrecy.
    return random.Random(seed).sample(ids, min(size, len(ids)))  # noqa: S311


def new_seed() -> str:
    return secrets.token_hex(6)


class NothingToDraw(Exception):
    """No episode matches the filters."""


async def create_sample(
    user: CurrentUser, filters: Filters, size: int, seed: str, form_key: str
) -> int:
    """Draw and freeze a sample; returns its id (the same one when this form
    was already submitted). Raises NothingToDraw when no episode matches."""
    if not user.has_role(f"{filters.area}.{AUDITOR}"):
        raise NotFound()

    async def create() -> int:
        ids = await eligible_ids(filters)
        if not ids:
            raise NothingToDraw()
        chosen = draw(ids, size, seed)
        async with write_transaction(CaseAuditSample._meta.db):
            sample = CaseAuditSample(
                area=filters.area,
                locality=filters.locality,
                started_from=filters.started_from,
                started_to=filters.started_to,
                closed_only=filters.closed_only,
                requested=size,
                eligible=len(ids),
                seed=seed,
                drawn_by=user.id,
                drawn_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await sample.save()
            await CaseAuditFinding.insert(
                *[
                    CaseAuditFinding(sample=sample.id, position=n, assessment=assessment_id)
                    for n, assessment_id in enumerate(chosen, start=1)
                ]
            )
            await audit.record(
                "case_audit_sample_drawn",
                "success",
                actor=user,
                record_type="case_audit_sample",
                record_id=sample.id,
                area=filters.area,
                cases=len(chosen),
            )
            return int(sample.id)

    return await once(CaseAuditSample, form_key, create)


# Reading samples ---------------------------------------------------------------


async def samples_for(areas: list[str]) -> list[dict[str, Any]]:
    """Samples of these areas, newest first, with how many cases are reviewed."""
    samples = await (
        CaseAuditSample.select(
            *CaseAuditSample.all_columns(exclude=[CaseAuditSample.idempotency_key]),
            CaseAuditSample.drawn_by.display_name.as_alias("drawn_by_name"),
        )
        .where(CaseAuditSample.area.is_in(areas))
        .order_by(CaseAuditSample.id, ascending=False)
    )
    if not samples:
        return []
    findings = await CaseAuditFinding.select(CaseAuditFinding.sample, CaseAuditFinding.grade).where(
        CaseAuditFinding.sample.is_in([s["id"] for s in samples])
    )
    for s in samples:
        own = [f for f in findings if f["sample"] == s["id"]]
        s["cases"] = len(own)
        s["reviewed"] = sum(1 for f in own if f["grade"])
    return samples


async def sample_for(user: CurrentUser, sample_id: int) -> dict[str, Any]:
    """The sample if this user audits its area; anything else is a 404."""
    sample = await (
        CaseAuditSample.select(
            *CaseAuditSample.all_columns(exclude=[CaseAuditSample.idempotency_key]),
            CaseAuditSample.drawn_by.display_name.as_alias("drawn_by_name"),
        )
        .where(CaseAuditSample.id == sample_id)
        .first()
    )
    if sample is None or not user.has_role(f"{sample['area']}.{AUDITOR}"):
        raise NotFound()
    return sample


async def cases_of(sample_id: int) -> list[dict[str, Any]]:
    """The sample's cases in draw order, with what the list needs (no names)."""
    return await (
        CaseAuditFinding.select(
            *CaseAuditFinding.all_columns(),
            CaseAuditFinding.assessment.started_on.as_alias("started_on"),
            CaseAuditFinding.assessment.status.as_alias("assessment_status"),
            CaseAuditFinding.assessment.family.locality.as_alias("locality"),  # type: ignore[union-attr]
            CaseAuditFinding.reviewed_by.display_name.as_alias("reviewed_by_name"),
        )
        .where(CaseAuditFinding.sample == sample_id)
        .order_by(CaseAuditFinding.position)
    )


async def case_in(sample: dict[str, Any], finding_id: int) -> dict[str, Any]:
    for case in await cases_of(sample["id"]):
        if case["id"] == finding_id:
            return case
    raise NotFound()


def same_draw(samples: list[dict[str, Any]], sample: dict[str, Any]) -> list[dict[str, Any]]:
    """Other samples drawn with the same seed and filters (to compare cases)."""
    keys = ("area", "locality", "started_from", "started_to", "closed_only", "requested", "seed")
    return [s for s in samples if s["id"] != sample["id"] and all(s[k] == sample[k] for k in keys)]


async def case_ids(sample_id: int) -> list[int]:
    return [c["assessment"] for c in await cases_of(sample_id)]


# One case: what the audit needs, read-only ----------------------------------------


async def open_case(
    user: CurrentUser, sample: dict[str, Any], case: dict[str, Any], page: str
) -> dict[str, Any]:
    """The episode's record for the audit: the assessment, plan, reviews and
    closure. Audited with the family id; a family since moved to another area
    or restricted is not shown (a 404, audited as refused)."""
    assessment = await Assessment.objects().get(Assessment.id == case["assessment"])
    family = await Family.objects().get(Family.id == assessment.family) if assessment else None
    if assessment is None or family is None or family.area != sample["area"] or family.restricted:
        await audit.record(
            "case_audit_case_viewed",
            "refused",
            actor=user,
            record_type="case_audit_finding",
            record_id=case["id"],
            family_id=family.id if family else None,
            page=page,
            reason=REASON,
            sample=sample["id"],
        )
        raise NotFound()
    await audit.record(
        "case_audit_case_viewed",
        "success",
        actor=user,
        record_type="assessment",
        record_id=assessment.id,
        family_id=family.id,
        page=page,
        reason=REASON,
        sample=sample["id"],
    )
    return await episode_record(family, await assessments.assessment_in(family, assessment.id))


async def episode_record(family: Family, assessment: dict[str, Any]) -> dict[str, Any]:
    siblings = await Assessment.select(Assessment.id, Assessment.started_on).where(
        Assessment.family == family.id
    )
    window = episode_windows(siblings)[assessment["id"]]
    versions = await assessment_versions.versions_of(assessment["id"])
    latest = versions[-1] if versions else None
    snapshot = (
        json.loads(latest["snapshot"])
        if latest
        else await assessment_versions.snapshot(family, assessment)
    )
    today = taf.today_uk()
    meetings = [
        m for m in await taf_reviews.meetings_of(family.id) if in_window(m["held_on"], window)
    ]
    closures = [
        c for c in await closure.history(family.id) if in_window(c["closed_at"].date(), window)
    ]
    return {
        "family": family,
        "assessment": assessment,
        "version": latest,
        "snapshot": snapshot,
        "plan": await taf_plan.plan_of(family.id, today),
        "meetings": meetings[::-1],  # oldest first: the story of the episode
        "closures": closures,
        "window": window,
    }


# The audit form ----------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    grade: str  # a key of GRADES
    good_practice: str
    areas_for_development: str


async def save_review(
    user: CurrentUser, sample: dict[str, Any], case: dict[str, Any], version: int, review: Review
) -> None:
    """Record the auditor's findings for one case. Raises StaleVersion with the
    case as saved when someone else saved it since the form was opened."""
    if review.grade not in GRADES:
        raise ValueError("unknown grade")
    async with write_transaction(CaseAuditFinding._meta.db):
        values = {
            "grade": review.grade,
            "good_practice": review.good_practice,
            "areas_for_development": review.areas_for_development,
            "reviewed_by": user.id,
            "reviewed_at": now_utc(),
        }
        if not await versioned_update(CaseAuditFinding, case["id"], version, values):
            raise StaleVersion(await case_in(sample, case["id"]))
        family = await Assessment.select(Assessment.family).where(
            Assessment.id == case["assessment"]
        )
        await audit.record(
            "case_audit_reviewed",
            "success",
            actor=user,
            record_type="case_audit_finding",
            record_id=case["id"],
            family_id=family[0]["family"] if family else None,
            reason=REASON,
            sample=sample["id"],
            grade=review.grade,
        )


# The roll-up -------------------------------------------------------------------


def grade_counts(cases: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(grade, label, count) for each grade, then the cases not yet reviewed."""
    counts = [(g, label, sum(1 for c in cases if c["grade"] == g)) for g, label in GRADES.items()]
    return [*counts, ("", "Not yet reviewed", sum(1 for c in cases if not c["grade"]))]
