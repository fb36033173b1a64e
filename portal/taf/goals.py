"""The family's goals on the TAF plan, in their words and stable across reviews
unless circumstances change: rewording is recorded, so drift shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.assessments.tables import Assessment, AssessmentVersion
from portal.audit import service as audit
from portal.closure.service import require_open
from portal.db import write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotFound, StaleVersion
from portal.kernel.records import once, versioned_update
from portal.kernel.users import CurrentUser
from portal.taf.service import require_manager
from portal.taf.tables import FamilyGoal, GoalChange

# Goals -----------------------------------------------------------------------

GOALS_CLOSED = "add or change the family's goals"  # "Reopen it to ..."


async def add_goal(
    user: CurrentUser, family: Family, text: str, how_we_will_know: str, form_key: str
) -> int:
    require_manager(user, family)
    require_open(family, GOALS_CLOSED)

    async def create() -> int:
        async with write_transaction(FamilyGoal._meta.db):
            now = now_utc()
            goal = FamilyGoal(
                family=family.id,
                text=text,
                how_we_will_know=how_we_will_know,
                created_by=user.id,
                created_at=now,
                updated_at=now,
                idempotency_key=form_key or None,
            )
            await goal.save()
            await audit.record(
                "goal_added",
                "success",
                actor=user,
                record_type="family_goal",
                record_id=goal.id,
                family_id=family.id,
            )
            return int(goal.id)

    return await once(FamilyGoal, form_key, create)


async def goal_in(family_id: int, goal_id: int) -> FamilyGoal:
    goal = await FamilyGoal.objects().get(
        (FamilyGoal.id == goal_id) & (FamilyGoal.family == family_id)
    )
    if goal is None:
        raise NotFound()
    return goal


async def reword_goal(
    user: CurrentUser,
    family: Family,
    goal_id: int,
    version: int,
    text: str,
    how_we_will_know: str,
    reason: str,
) -> None:
    """Save a goal's new wording; a changed goal keeps its old words and the reason."""
    require_manager(user, family)
    require_open(family, GOALS_CLOSED)
    async with write_transaction(FamilyGoal._meta.db):
        goal = await goal_in(family.id, goal_id)
        values = {"text": text, "how_we_will_know": how_we_will_know, "updated_at": now_utc()}
        if not await versioned_update(FamilyGoal, goal_id, version, values):
            raise StaleVersion(await goal_in(family.id, goal_id))
        if goal.text != text:
            await GoalChange(
                goal=goal_id,
                old_text=goal.text,
                new_text=text,
                reason=reason,
                changed_by=user.id,
                changed_at=now_utc(),
            ).save()
        await audit.record(
            "goal_reworded" if goal.text != text else "goal_updated",
            "success",
            actor=user,
            record_type="family_goal",
            record_id=goal_id,
            family_id=family.id,
        )


async def archive_goal(user: CurrentUser, family: Family, goal_id: int) -> None:
    """Stop working on a goal (its history stays); archiving twice changes nothing."""
    require_manager(user, family)
    require_open(family, GOALS_CLOSED)
    async with write_transaction(FamilyGoal._meta.db):
        goal = await goal_in(family.id, goal_id)
        if goal.archived_at is not None:
            return
        await FamilyGoal.update(
            {FamilyGoal.archived_at: now_utc(), FamilyGoal.version: FamilyGoal.version + 1}
        ).where(FamilyGoal.id == goal_id)
        await audit.record(
            "goal_archived",
            "success",
            actor=user,
            record_type="family_goal",
            record_id=goal_id,
            family_id=family.id,
        )


async def active_goals(family_id: int) -> list[dict[str, Any]]:
    goals = await (
        FamilyGoal.select()
        .where((FamilyGoal.family == family_id) & FamilyGoal.archived_at.is_null())
        .order_by(FamilyGoal.created_at)
        .order_by(FamilyGoal.id)
    )
    return [{**g, "number": n} for n, g in enumerate(goals, start=1)]


async def first_assessment_completed(family_id: int) -> datetime | None:
    """When the family's first Early Help Assessment was completed, if ever."""
    times = [
        row["completed_at"]
        for row in [
            *await Assessment.select(Assessment.completed_at).where(
                (Assessment.family == family_id) & Assessment.completed_at.is_not_null()
            ),
            *await AssessmentVersion.select(AssessmentVersion.completed_at).where(
                AssessmentVersion.assessment.family == family_id
            ),
        ]
        if row["completed_at"] is not None
    ]
    return min(times) if times else None


def drift_of(
    goal: dict[str, Any], changes: list[dict[str, Any]], assessed_at: datetime | None
) -> str:
    """Why a goal may be drifting from the assessment: "" when it is not."""
    if assessed_at is None:
        return ""
    if goal["created_at"] > assessed_at:
        return "Added after the assessment"
    if any(c["changed_at"] > assessed_at for c in changes):
        return "Changed since the assessment"
    return ""
