"""Actions on the TAF plan: each with its owner (a TAF member, told when given
one), due date and progress. Each member updates their own actions; the lead
practitioner and area managers may update any. The rule is here, not only in
the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.audit import service as audit
from portal.closure.service import ACTION_CLOSED, ACTION_CLOSED_LABEL, require_open
from portal.db import write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed, NotFound, StaleVersion
from portal.kernel.records import once, versioned_update
from portal.kernel.users import CurrentUser
from portal.notify.service import notify
from portal.taf.goals import goal_in
from portal.taf.service import OPEN_STATUSES, can_manage, require_manager
from portal.taf.tables import PlanAction, TafMember

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
# How pages show each status, an action closed with the episode's included
# (never chosen on a form: closing and reopening the family set and clear it).
SHOWN_STATUSES = {**STATUSES, ACTION_CLOSED: ACTION_CLOSED_LABEL}
PLAIN_SHOWN_STATUSES = {**PLAIN_STATUSES, ACTION_CLOSED: "Stopped when our work together ended"}
ADD_CLOSED = "add actions to the family's plan"  # "Reopen it to ..."
UPDATE_CLOSED = "update the actions in the family's plan"


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
            family_id=family.id,
        )


async def add_action(user: CurrentUser, family: Family, new: NewAction, form_key: str) -> int:
    require_manager(user, family)
    require_open(family, ADD_CLOSED)

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
    require_open(family, UPDATE_CLOSED)
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
