"""The whole action plan as the plan page shows it: each goal with its
actions and its review scores over time, and the latest review. Goals are in
``portal.taf.goals``, actions in ``portal.taf.actions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from portal.taf.actions import actions_of
from portal.taf.chart import TrendChart, trend_chart
from portal.taf.goals import drift_of, first_assessment_completed
from portal.taf.tables import FamilyGoal, GoalChange, GoalScore, TafMeeting

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
