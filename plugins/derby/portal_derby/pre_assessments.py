"""The Derby Early Help Pre-Assessment: low-level needs and a single-agency
action plan, reviewed as appropriate; from it a full Early Help Assessment, or
a request to the locality Multi-Agency Team for low-level support."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar.exceptions import NotFoundException

from portal.plugin_api import (
    CurrentUser,
    Family,
    StaleVersion,
    assessments,
    audit,
    notify,
    now_utc,
    once,
    teams,
    versioned_update,
    write_transaction,
)
from portal_derby.common import AREA, SUPPORT_REQUEST, SUPPORT_TAKEN, DerbyError
from portal_derby.tables import DerbyPreAssessment, DerbyPreAssessmentReview


@dataclass(frozen=True)
class PreAssessmentInput:
    child_id: int | None
    needs: str
    strengths: str
    child_views: str
    parent_views: str
    action_plan: str
    review_on: date | None
    conclusion: str


PRE_ASSESSMENT_FIELDS = (
    ("needs", "The needs"),
    ("strengths", "Strengths"),
    ("child_views", "The child's views"),
    ("parent_views", "Parents' and carers' views"),
    ("action_plan", "Single-agency action plan"),
    ("conclusion", "Conclusion"),
)


async def create_pre_assessment(
    user: CurrentUser, family: Family, new: PreAssessmentInput, form_key: str
) -> int:
    async def create() -> int:
        async with write_transaction(DerbyPreAssessment._meta.db):
            now = now_utc()
            row = DerbyPreAssessment(
                family=family.id,
                child=new.child_id,
                needs=new.needs,
                strengths=new.strengths,
                child_views=new.child_views,
                parent_views=new.parent_views,
                action_plan=new.action_plan,
                review_on=new.review_on,
                conclusion=new.conclusion,
                created_by=user.id,
                created_at=now,
                updated_by=user.id,
                updated_at=now,
                idempotency_key=form_key or None,
            )
            await row.save()
            await audit.record(
                "derby_pre_assessment_recorded",
                "success",
                actor=user,
                record_type="derby_pre_assessment",
                record_id=row.id,
                family_id=family.id,
            )
            return int(row.id)

    return await once(DerbyPreAssessment, form_key, create)


async def pre_assessments_of(family_id: int) -> list[dict[str, Any]]:
    return await (
        DerbyPreAssessment.select(
            *DerbyPreAssessment.all_columns(exclude=[DerbyPreAssessment.idempotency_key]),
            DerbyPreAssessment.created_by.display_name.as_alias("created_by_name"),
            DerbyPreAssessment.child.given_names.as_alias("child_given_names"),
            DerbyPreAssessment.child.family_name.as_alias("child_family_name"),
        )
        .where(DerbyPreAssessment.family == family_id)
        .order_by(DerbyPreAssessment.id, ascending=False)
    )


async def pre_assessment_in(family_id: int, pre_id: int) -> dict[str, Any]:
    """The pre-assessment if it is this family's (another family's id is a 404)."""
    rows = await DerbyPreAssessment.select(
        *DerbyPreAssessment.all_columns(exclude=[DerbyPreAssessment.idempotency_key]),
        DerbyPreAssessment.created_by.display_name.as_alias("created_by_name"),
        DerbyPreAssessment.updated_by.display_name.as_alias("updated_by_name"),
        DerbyPreAssessment.support_responded_by.display_name.as_alias("support_responded_by_name"),
    ).where((DerbyPreAssessment.id == pre_id) & (DerbyPreAssessment.family == family_id))
    if not rows:
        raise NotFoundException()
    return rows[0]


REVIEWED_FIELDS = (("child", "The child"), *PRE_ASSESSMENT_FIELDS, ("review_on", "Review date"))


def _answers(values: dict[str, Any]) -> dict[str, str]:
    """The reviewed answers as text, for comparing and keeping in the history."""
    return {
        name: "" if values.get(name) is None else str(values[name]) for name, _ in REVIEWED_FIELDS
    }


async def update_pre_assessment(
    user: CurrentUser, family: Family, pre_id: int, version: int, new: PreAssessmentInput
) -> None:
    """A review: save the changes unless someone saved since ``version``
    (StaleVersion), and keep who reviewed it, when, and what changed."""
    values: dict[str, Any] = {
        "child": new.child_id,
        "needs": new.needs,
        "strengths": new.strengths,
        "child_views": new.child_views,
        "parent_views": new.parent_views,
        "action_plan": new.action_plan,
        "review_on": new.review_on,
        "conclusion": new.conclusion,
    }
    async with write_transaction(DerbyPreAssessment._meta.db):
        before = _answers(await pre_assessment_in(family.id, pre_id))
        now = now_utc()
        saved = await versioned_update(
            DerbyPreAssessment,
            pre_id,
            version,
            {**values, "updated_by": user.id, "updated_at": now},
        )
        if not saved:
            raise StaleVersion(await pre_assessment_in(family.id, pre_id))
        after = _answers(values)
        changes = [
            {"field": name, "label": label, "before": before[name], "after": after[name]}
            for name, label in REVIEWED_FIELDS
            if before[name] != after[name]
        ]
        await DerbyPreAssessmentReview(
            pre_assessment=pre_id,
            version=version + 1,
            reviewed_by=user.id,
            reviewed_at=now,
            changes=json.dumps(changes),
        ).save()
        await audit.record(
            "derby_pre_assessment_reviewed",
            "success",
            actor=user,
            record_type="derby_pre_assessment",
            record_id=pre_id,
            family_id=family.id,
            fields_changed=len(changes),
        )


async def reviews_of(pre_id: int) -> list[dict[str, Any]]:
    """The pre-assessment's saved reviews, newest first, with the changed fields' labels."""
    rows = await (
        DerbyPreAssessmentReview.select(
            DerbyPreAssessmentReview.id,
            DerbyPreAssessmentReview.version,
            DerbyPreAssessmentReview.reviewed_at,
            DerbyPreAssessmentReview.changes,
            DerbyPreAssessmentReview.reviewed_by.display_name.as_alias("reviewed_by_name"),
        )
        .where(DerbyPreAssessmentReview.pre_assessment == pre_id)
        .order_by(DerbyPreAssessmentReview.id, ascending=False)
    )
    for row in rows:
        row["changes"] = json.loads(row["changes"] or "[]")
        row["changed_labels"] = [c["label"] for c in row["changes"]]
    return rows


def carried_answers(pre: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The assessment sections' starting text, from the pre-assessment's answers."""
    carried: dict[str, dict[str, Any]] = {}
    if pre["needs"]:
        carried["needs"] = {"children_needs": pre["needs"], "parents_needs": ""}
    if pre["strengths"]:
        carried["strengths"] = {"strengths": pre["strengths"]}
    if pre["child_views"]:
        carried["child_voice"] = {
            "wishes_feelings": pre["child_views"],
            "how_communicated": "",
            "seen_on-day": "",
            "seen_on-month": "",
            "seen_on-year": "",
        }
    if pre["parent_views"]:
        carried["parents_views"] = {"views": pre["parent_views"], "differences": ""}
    return carried


async def start_assessment_from(
    user: CurrentUser, family: Family, pre: dict[str, Any], started_on: date, form_key: str
) -> int:
    """Start the full Early Help Assessment this pre-assessment concluded is needed.

    The core's ``start`` takes no answers, so the pre-assessment's text is saved
    as the starting content of the matching sections (in progress, not complete)
    through ``save_section``. Raises the core's ConsentRequired / AlreadyInProgress."""
    if pre["assessment_id"]:
        return int(pre["assessment_id"])
    if pre["child"] is None:
        raise DerbyError("Choose which child the pre-assessment is about first", "child")
    page = f"/derby/families/{family.id}/pre-assessments/{pre['id']}"
    assessment_id = await assessments.start(user, family, pre["child"], started_on, form_key, page)
    assessment = await assessments.assessment_in(family, assessment_id)
    for slug, answers in carried_answers(pre).items():
        section = await assessments.section_of(assessment_id, slug)
        if section["status"] != "not_started":
            continue  # a repeat of this request: never over someone's text
        try:
            await assessments.save_section(
                user, family, assessment, section, answers, False, section["version"], page
            )
        except assessments.StaleSection:
            continue
    async with write_transaction(DerbyPreAssessment._meta.db):
        await DerbyPreAssessment.update(
            {
                DerbyPreAssessment.assessment_id: assessment_id,
                DerbyPreAssessment.conclusion: "eha_needed",
                DerbyPreAssessment.version: DerbyPreAssessment.version + 1,
            }
        ).where(DerbyPreAssessment.id == pre["id"])
        await audit.record(
            "derby_pre_assessment_to_eha",
            "success",
            actor=user,
            record_type="derby_pre_assessment",
            record_id=pre["id"],
            family_id=family.id,
            assessment_id=assessment_id,
        )
    return assessment_id


async def request_support(
    user: CurrentUser, family: Family, pre: dict[str, Any], consent_by: str, request: str
) -> None:
    """With the family's consent, ask the locality MAT ("team around the school")
    for low-level support: the request waits in the MAT's inbox (its members may
    open the family while it is open). A repeat changes nothing."""
    if pre["support_requested_at"] is not None:
        return
    team = f"mat:{family.locality}"
    async with write_transaction(DerbyPreAssessment._meta.db):
        entry = await teams.place(
            family.id,
            AREA,
            team,
            kind=SUPPORT_REQUEST,
            record_id=pre["id"],
            team=team,
            actor=user,
        )
        await DerbyPreAssessment.update(
            {
                DerbyPreAssessment.support_requested_at: now_utc(),
                DerbyPreAssessment.support_consent_by: consent_by,
                DerbyPreAssessment.support_request: request,
                DerbyPreAssessment.support_entry_id: entry,
                DerbyPreAssessment.support_requested_by: user.id,
                DerbyPreAssessment.version: DerbyPreAssessment.version + 1,
            }
        ).where(DerbyPreAssessment.id == pre["id"])
        for member in await teams.team_members(AREA, team):
            await notify.notify(
                member["user"],
                "derby_support_request",
                "A request for low-level support is waiting for your Multi-Agency Team",
                "/derby/allocations",
                f"derby-support-{pre['id']}-{member['user']}",
                family_id=family.id,
            )


async def support_requests_for(teams: set[str]) -> list[dict[str, Any]]:
    """Low-level support requests to these Multi-Agency Teams: waiting ones first."""
    localities = [t.removeprefix("mat:") for t in teams if t.startswith("mat:")]
    if not localities:
        return []
    rows = await (
        DerbyPreAssessment.select(
            DerbyPreAssessment.id,
            DerbyPreAssessment.family,
            DerbyPreAssessment.version,
            DerbyPreAssessment.support_requested_at,
            DerbyPreAssessment.support_request,
            DerbyPreAssessment.support_outcome,
            DerbyPreAssessment.support_response,
            DerbyPreAssessment.support_responded_by,
            DerbyPreAssessment.support_responded_by.display_name.as_alias(
                "support_responded_by_name"
            ),
            DerbyPreAssessment.created_by.display_name.as_alias("created_by_name"),
            DerbyPreAssessment.created_by.organisation.as_alias("created_by_organisation"),
            DerbyPreAssessment.family.locality.as_alias("locality"),
        )
        .where(
            DerbyPreAssessment.support_requested_at.is_not_null()
            & DerbyPreAssessment.family.locality.is_in(localities)
            & (DerbyPreAssessment.family.area == AREA)
        )
        .order_by(DerbyPreAssessment.support_requested_at, ascending=False)
    )
    return sorted(rows, key=lambda r: r["support_outcome"] != "")


async def support_request(pre_id: int) -> dict[str, Any]:
    """A pre-assessment with a support request (any other id is a 404)."""
    rows = await DerbyPreAssessment.select(
        *DerbyPreAssessment.all_columns(exclude=[DerbyPreAssessment.idempotency_key]),
        DerbyPreAssessment.family.locality.as_alias("locality"),
        DerbyPreAssessment.family.area.as_alias("area"),
        DerbyPreAssessment.created_by.display_name.as_alias("created_by_name"),
        DerbyPreAssessment.created_by.organisation.as_alias("created_by_organisation"),
        DerbyPreAssessment.support_responded_by.display_name.as_alias("support_responded_by_name"),
    ).where(
        (DerbyPreAssessment.id == pre_id) & DerbyPreAssessment.support_requested_at.is_not_null()
    )
    if not rows or rows[0]["area"] != AREA:
        raise NotFoundException()
    return rows[0]


async def may_answer_support(user: CurrentUser, row: dict[str, Any]) -> bool:
    """Members of the family's locality Multi-Agency Team answer its requests."""
    return f"mat:{row['locality']}" in await teams.teams_of(user.id, AREA)


class AlreadyAnswered(Exception):
    """Someone answered the support request first (or this is a repeat)."""

    def __init__(self, row: dict[str, Any]) -> None:
        super().__init__("already answered")
        self.row = row


async def answer_support(
    user: CurrentUser, row: dict[str, Any], version: int, outcome: str, text: str
) -> None:
    """A MAT member takes the request on ("taken": ``text`` is the support they
    will give; the team's entry closes and one assigned to them opens, so they
    keep access) or declines it ("declined": ``text`` is why; the entry closes).
    The practitioner who asked is told. A request already answered raises
    AlreadyAnswered; a pre-assessment saved since ``version``, StaleVersion."""
    if outcome not in ("taken", "declined"):
        raise ValueError(outcome)
    if row["support_outcome"]:
        raise AlreadyAnswered(row)
    pre_id = int(row["id"])
    async with write_transaction(DerbyPreAssessment._meta.db):
        values: dict[str, Any] = {
            "support_outcome": outcome,
            "support_response": text,
            "support_responded_by": user.id,
            "support_responded_at": now_utc(),
        }
        saved = (
            await DerbyPreAssessment.update(
                {
                    **{
                        DerbyPreAssessment._meta.get_column_by_name(k): v for k, v in values.items()
                    },
                    DerbyPreAssessment.version: version + 1,
                }
            )
            .where(
                (DerbyPreAssessment.id == pre_id)
                & (DerbyPreAssessment.version == version)
                & (DerbyPreAssessment.support_outcome == "")
            )
            .returning(DerbyPreAssessment.id)
        )
        if not saved:
            current = await support_request(pre_id)
            if current["support_outcome"]:
                raise AlreadyAnswered(current)
            raise StaleVersion(current)
        if row["support_entry_id"]:
            await teams.close(row["support_entry_id"], actor=user)
        if outcome == "taken":
            entry = await teams.place(
                row["family"],
                AREA,
                f"mat:{row['locality']}",
                kind=SUPPORT_TAKEN,
                record_id=pre_id,
                assigned_to=user.id,
                actor=user,
            )
            await DerbyPreAssessment.update(
                {DerbyPreAssessment.support_allocation_entry_id: entry}
            ).where(DerbyPreAssessment.id == pre_id)
        await audit.record(
            f"derby_support_{outcome}",
            "success",
            actor=user,
            record_type="derby_pre_assessment",
            record_id=pre_id,
            family_id=row["family"],
        )
        asked_by = row["support_requested_by"] or row["created_by"]
        if asked_by is not None:
            message = (
                "A Multi-Agency Team member has taken on a request for support you made"
                if outcome == "taken"
                else "A request for support you made to the Multi-Agency Team was declined"
            )
            said = "The support they will give" if outcome == "taken" else "The reason"
            await notify.notify(
                asked_by,
                f"derby_support_{outcome}",
                message,
                f"/derby/families/{row['family']}/pre-assessments/{pre_id}#support",
                f"derby-support-{outcome}-{pre_id}",
                family_id=row["family"],
                detail=f"{said}: {text}",
            )
