"""The action plan: the family's goals (in their words, stable across reviews
unless circumstances change: rewording is recorded, so drift shows), the
actions agreed for them, and each review's score against each goal.

Each member updates their own actions; the lead practitioner and area
managers may update any. The rule is here, not only in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from portal.assessments.tables import Assessment, AssessmentVersion
from portal.audit import service as audit
from portal.db import write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed, NotFound, StaleVersion
from portal.kernel.records import once, versioned_update
from portal.kernel.users import CurrentUser
from portal.notify.service import notify
from portal.taf.chart import TrendChart, trend_chart
from portal.taf.service import OPEN_STATUSES, can_manage, require_manager
from portal.taf.tables import FamilyGoal, GoalChange, GoalScore, PlanAction, TafMeeting, TafMember

STATUSES = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
# The same, in the words of the family plan.
PLAIN_STATUSES = {
    "not_started": "Not started yet",
    "in_progress": "Under way",
    "done": "Done",
    "cancelled": "No longer needed",
}


# Goals -----------------------------------------------------------------------


async def add_goal(
    user: CurrentUser, family: Family, text: str, how_we_will_know: str, form_key: str
) -> int:
    require_manager(user, family)

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


# Actions ---------------------------------------------------------------------


@dataclass(frozen=True)
class NewAction:
    what: str
    owner_id: int  # a TafMember id
    due_on: date
    goal_id: int | None = None


@dataclass(frozen=True)
class ActionUpdate:
    status: str
    progress_note: str
    # Only whoever manages the plan may change these; None leaves them as they are.
    what: str | None = None
    owner_id: int | None = None
    due_on: date | None = None


async def active_member(family_id: int, member_id: int) -> dict[str, Any]:
    row = await (
        TafMember.select()
        .where(
            (TafMember.id == member_id)
            & (TafMember.family == family_id)
            & TafMember.removed_at.is_null()
        )
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def tell_owner(
    owner: dict[str, Any], actor: CurrentUser, family: Family, action_id: int
) -> None:
    if owner["user"] is not None and owner["user"] != actor.id:
        await notify(
            owner["user"],
            "action_assigned",
            "You have been given an action in a family's plan",
            f"/families/{family.id}/taf/plan#action-{action_id}",
            f"action_assigned:{action_id}:{owner['id']}",
        )


async def add_action(user: CurrentUser, family: Family, new: NewAction, form_key: str) -> int:
    require_manager(user, family)

    async def create() -> int:
        async with write_transaction(PlanAction._meta.db):
            owner = await active_member(family.id, new.owner_id)
            if new.goal_id is not None:
                await goal_in(family.id, new.goal_id)
            now = now_utc()
            action = PlanAction(
                family=family.id,
                goal=new.goal_id,
                what=new.what,
                owner=owner["id"],
                due_on=new.due_on,
                created_by=user.id,
                created_at=now,
                updated_at=now,
                idempotency_key=form_key or None,
            )
            await action.save()
            await tell_owner(owner, user, family, action.id)
            await audit.record(
                "action_added",
                "success",
                actor=user,
                record_type="plan_action",
                record_id=action.id,
                family_id=family.id,
            )
            return int(action.id)

    return await once(PlanAction, form_key, create)


async def action_in(family_id: int, action_id: int) -> dict[str, Any]:
    row = await (
        PlanAction.select(
            *PlanAction.all_columns(),
            PlanAction.owner.name.as_alias("owner_name"),
            PlanAction.owner.user.as_alias("owner_user"),
            PlanAction.owner.removed_at.as_alias("owner_removed_at"),
        )
        .where((PlanAction.id == action_id) & (PlanAction.family == family_id))
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def may_update(user: CurrentUser, family: Family, action: dict[str, Any]) -> bool:
    """A member updates their own actions; whoever manages the plan, any."""
    if can_manage(user, family):
        return True
    return action["owner_user"] == user.id and action["owner_removed_at"] is None


async def update_action(
    user: CurrentUser, family: Family, action_id: int, version: int, update: ActionUpdate
) -> None:
    if update.status not in STATUSES:
        raise ValueError("unknown status")
    async with write_transaction(PlanAction._meta.db):
        action = await action_in(family.id, action_id)
        if not may_update(user, family, action):
            raise NotAllowed(
                "You can only update your own actions. Ask the lead practitioner "
                "or whoever owns this action to update it"
            )
        values: dict[str, Any] = {
            "status": update.status,
            "progress_note": update.progress_note,
            "updated_by": user.id,
            "updated_at": now_utc(),
        }
        new_owner = None
        changes_plan = (
            (update.what is not None and update.what != action["what"])
            or (update.owner_id is not None and update.owner_id != action["owner"])
            or (update.due_on is not None and update.due_on != action["due_on"])
        )
        if changes_plan:
            if not can_manage(user, family):
                raise NotAllowed(
                    "Only the lead practitioner or an area manager can change "
                    "what an action is, who does it or when"
                )
            if update.owner_id is not None and update.owner_id != action["owner"]:
                new_owner = await active_member(family.id, update.owner_id)
                values["owner"] = new_owner["id"]
            if update.what is not None:
                values["what"] = update.what
            if update.due_on is not None:
                values["due_on"] = update.due_on
        if not await versioned_update(PlanAction, action_id, version, values):
            raise StaleVersion(await action_in(family.id, action_id))
        if new_owner is not None:
            await tell_owner(new_owner, user, family, action_id)
        await audit.record(
            "action_updated",
            "success",
            actor=user,
            record_type="plan_action",
            record_id=action_id,
            family_id=family.id,
            status=update.status,
            reassigned=new_owner is not None,
        )


async def actions_of(family_id: int, today: date) -> list[dict[str, Any]]:
    rows = await (
        PlanAction.select(
            *PlanAction.all_columns(),
            PlanAction.owner.name.as_alias("owner_name"),
            PlanAction.owner.role.as_alias("owner_role"),
            PlanAction.owner.agency.as_alias("owner_agency"),
            PlanAction.owner.user.as_alias("owner_user"),
            PlanAction.owner.removed_at.as_alias("owner_removed_at"),
        )
        .where(PlanAction.family == family_id)
        .order_by(PlanAction.due_on)
        .order_by(PlanAction.id)
    )
    return [{**r, "overdue": is_overdue(r, today)} for r in rows]


def is_overdue(action: dict[str, Any], today: date) -> bool:
    return action["status"] in OPEN_STATUSES and action["due_on"] < today


# The whole plan --------------------------------------------------------------


async def scores_of(family_id: int) -> list[dict[str, Any]]:
    """Every review score for the family's goals, oldest review first."""
    return await (
        GoalScore.select(
            *GoalScore.all_columns(),
            GoalScore.meeting.held_on.as_alias("held_on"),
        )
        .where(GoalScore.meeting.family == family_id)
        .order_by(GoalScore.meeting.held_on)
        .order_by(GoalScore.meeting.id)
    )


async def review_scores(meeting_id: int) -> list[dict[str, Any]]:
    return await (
        GoalScore.select(*GoalScore.all_columns(), GoalScore.goal.text.as_alias("goal_text"))
        .where(GoalScore.meeting == meeting_id)
        .order_by(GoalScore.goal)
    )


@dataclass
class GoalPlan:
    goal: dict[str, Any]
    number: int
    drift: str
    changes: list[dict[str, Any]]
    scores: list[dict[str, Any]]
    chart: TrendChart
    actions: list[dict[str, Any]]

    @property
    def latest_score(self) -> dict[str, Any] | None:
        return self.scores[-1] if self.scores else None


@dataclass
class Plan:
    goals: list[GoalPlan]  # active goals, in the order they were agreed
    archived: list[GoalPlan]
    other_actions: list[dict[str, Any]]  # not tied to any goal
    overdue_actions: int
    assessed_at: datetime | None

    @property
    def all_actions(self) -> list[dict[str, Any]]:
        actions = [a for g in [*self.goals, *self.archived] for a in g.actions]
        return [*actions, *self.other_actions]


async def plan_of(family_id: int, today: date) -> Plan:
    """Goals with their drift, rewordings, scores and trend, and actions: six queries."""
    goals = await (
        FamilyGoal.select()
        .where(FamilyGoal.family == family_id)
        .order_by(FamilyGoal.created_at)
        .order_by(FamilyGoal.id)
    )
    ids = [g["id"] for g in goals]
    changes = (
        await GoalChange.select(
            *GoalChange.all_columns(), GoalChange.changed_by.display_name.as_alias("by_name")
        )
        .where(GoalChange.goal.is_in(ids))
        .order_by(GoalChange.changed_at)
        if ids
        else []
    )
    scores = await scores_of(family_id)
    actions = await actions_of(family_id, today)
    assessed_at = await first_assessment_completed(family_id)
    active: list[GoalPlan] = []
    archived: list[GoalPlan] = []
    for goal in goals:
        own_changes = [c for c in changes if c["goal"] == goal["id"]]
        own_scores = [s for s in scores if s["goal"] == goal["id"]]
        entry = GoalPlan(
            goal=goal,
            number=len(active) + 1,
            drift=drift_of(goal, own_changes, assessed_at),
            changes=own_changes,
            scores=own_scores,
            chart=trend_chart([s["score"] for s in own_scores]),
            actions=[a for a in actions if a["goal"] == goal["id"]],
        )
        (archived if goal["archived_at"] else active).append(entry)
    return Plan(
        goals=active,
        archived=archived,
        other_actions=[a for a in actions if a["goal"] is None],
        overdue_actions=sum(1 for a in actions if a["overdue"]),
        assessed_at=assessed_at,
    )


async def latest_review_on(family_id: int) -> date | None:
    row = await (
        TafMeeting.select(TafMeeting.held_on)
        .where((TafMeeting.family == family_id) & (TafMeeting.kind == "review"))
        .order_by(TafMeeting.held_on, ascending=False)
        .first()
    )
    return row["held_on"] if row else None
