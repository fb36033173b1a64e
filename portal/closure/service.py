"""Closing a family's early help with an explicit outcome, and reopening it.

Only the lead practitioner (or whoever recorded the family, while it has no
lead) or an area manager may close or reopen. Closing and reopening change
the family's ``version``, so two people closing at once cannot both win
silently: the second gets the record as the first left it.

Closing ends the episode's open work, in the closure's own transaction and
audited with it: the family's open TAF actions become "closed with the
episode" (each keeps the status it had, given back when the family reopens)
and the next review its latest meeting agreed is cancelled (the date is kept
beside it, as ``cancelled_review_on``). Every query that counts open or
overdue actions, or reads the next review, then leaves them out with no
change of its own; a reopened family asks for a new review date. The TAF's
tables sit in a layer above this one, so these two statements name them in
SQL rather than importing them (test_closed_family.py holds the two together).
While a family is closed its plan takes no new work: ``require_open`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.audit import service as audit
from portal.closure.tables import Closure
from portal.db import Fact, fetch_fact, rows_from_json, write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed, StaleVersion
from portal.kernel.records import once, versioned_update
from portal.kernel.users import CurrentUser, is_area_manager

REASONS = {
    "needs_met": "Needs met",
    "consent_withdrawn": "The family withdrew consent",
    "stepped_up": "Stepped up to Children's Social Care",
    "moved_away": "Moved out of the area",
    "other": "Other",
}
# What the family record says after "Closed: " (Family.closure_reason).
READABLE = {
    "needs_met": "needs met",
    "consent_withdrawn": "the family withdrew consent",
    "stepped_up": "stepped up to Children's Social Care",
    "moved_away": "moved out of the area",
    "other": "other",
}
CLOSURE_REASON_LENGTH = 100  # Family.closure_reason's column


class ClosureError(Exception):
    """A close or reopen the family's current state does not allow; the message says why."""


class EpisodeClosed(NotAllowed):
    """Work a closed family's early help cannot take until it reopens (a 409
    page naming what to do; a plain 403 wherever that page is not wired)."""

    def __init__(self, family_id: int, to: str) -> None:
        super().__init__(f"This family's early help is closed. Reopen it to {to}")
        self.family_id = family_id
        self.to = to


def require_open(family: Family, to: str) -> None:
    """Refuse new work for a closed family: ``to`` finishes "Reopen it to ..."."""
    if family.status == "closed":
        raise EpisodeClosed(family.id, to)


# What an action closed with the episode is called, and the statuses of an
# action still to finish (portal.taf.service.OPEN_STATUSES: a test holds them equal).
ACTION_CLOSED = "closed_with_episode"
ACTION_CLOSED_LABEL = "Closed with the episode"
OPEN_ACTION_STATUSES = ("not_started", "in_progress")

# The episode's open actions closed with it, and the review its latest meeting
# agreed cancelled, in one statement.
END_WORK = """
WITH closed AS (
    UPDATE plan_action
    SET status_before_closure = status, status = {}, version = version + 1,
        updated_by = {}, updated_at = {}
    WHERE family = {} AND status = ANY({}::text[])
    RETURNING id
), latest AS (
    SELECT id FROM taf_meeting WHERE family = {} ORDER BY held_on DESC, id DESC LIMIT 1
), cancelled AS (
    UPDATE taf_meeting m
    SET cancelled_review_on = m.next_review_on, next_review_on = NULL, version = m.version + 1
    FROM latest
    WHERE m.id = latest.id AND m.next_review_on IS NOT NULL
    RETURNING m.id, m.cancelled_review_on
)
SELECT (SELECT coalesce(array_agg(id ORDER BY id), ARRAY[]::integer[]) FROM closed) AS actions,
       (SELECT id FROM cancelled) AS meeting,
       (SELECT cancelled_review_on FROM cancelled) AS review_on
"""

# Reopening: the actions closed with the episode take back the status they had.
RESUME_WORK = """
WITH opened AS (
    UPDATE plan_action
    SET status = coalesce(nullif(status_before_closure, ''), 'not_started'),
        status_before_closure = '', version = version + 1, updated_by = {}, updated_at = {}
    WHERE family = {} AND status = {}
    RETURNING id
)
SELECT coalesce(array_agg(id ORDER BY id), ARRAY[]::integer[]) AS actions FROM opened
"""


@dataclass(frozen=True)
class EndedWork:
    actions: list[int]  # the actions closed with the episode
    meeting: int | None  # the meeting whose agreed review was cancelled
    review_on: date | None  # that review's date


async def end_open_work(user: CurrentUser, family_id: int, now: Any) -> EndedWork:
    """Close the episode's open actions with it and cancel its next review
    (inside the closing transaction)."""
    (row,) = await Closure.raw(
        END_WORK,
        ACTION_CLOSED,
        user.id,
        now,
        family_id,
        list(OPEN_ACTION_STATUSES),
        family_id,
    )
    return EndedWork(list(row["actions"]), row["meeting"], row["review_on"])


def ended_work_events(family_id: int, ended: EndedWork) -> list[audit.Event]:
    """An audit event for each action closed with the episode and the review cancelled."""
    events = [
        audit.Event("action_closed_with_episode", "plan_action", action, family_id)
        for action in ended.actions
    ]
    if ended.meeting is not None:
        events.append(
            audit.Event(
                "review_cancelled",
                "taf_meeting",
                ended.meeting,
                family_id,
                {"review_on": str(ended.review_on)},
            )
        )
    return events


@dataclass(frozen=True)
class NewClosure:
    reason: str  # a key of REASONS
    summary: str
    detail: str = ""  # required for "other"


def may_close(user: CurrentUser, family: Family) -> bool:
    """The lead practitioner, the family's creator while it has no lead, or an area manager."""
    if is_area_manager(user, family.area):
        return True
    if family.lead_practitioner is not None:
        return bool(family.lead_practitioner == user.id)
    return bool(family.created_by == user.id)


def require_may_close(user: CurrentUser, family: Family) -> None:
    if not may_close(user, family):
        raise NotAllowed(
            "Only the family's lead practitioner, or an area manager, can close or reopen "
            "its early help"
        )


def readable_reason(reason: str, detail: str = "") -> str:
    text = READABLE.get(reason, reason)
    if reason == "other" and detail:
        text = f"other: {' '.join(detail.split())}"
    if len(text) > CLOSURE_REASON_LENGTH:
        text = text[: CLOSURE_REASON_LENGTH - 1].rstrip() + "\u2026"
    return text


async def close_family(
    user: CurrentUser, family: Family, version: int, new: NewClosure, form_key: str
) -> int:
    """Close the family's early help; returns the Closure id (the same one when
    this form was already submitted). Raises StaleVersion with the family as
    saved when someone changed it since the form was opened."""
    require_may_close(user, family)
    if new.reason not in REASONS:
        raise ClosureError("Select why the family's early help is closing")
    if not new.summary.strip() or (new.reason == "other" and not new.detail.strip()):
        raise ClosureError("Enter a closing summary, and why it is closing for 'Other'")

    async def create() -> int:
        now = now_utc()
        async with write_transaction(Family._meta.db):
            current = await Family.objects().get(Family.id == family.id)
            if current is not None and current.status == "closed":
                raise StaleVersion(current)  # someone closed it first
            values = {
                "status": "closed",
                "closed_at": now,
                "closure_reason": readable_reason(new.reason, new.detail),
                "updated_at": now,
            }
            if not await versioned_update(Family, family.id, version, values):
                raise StaleVersion(await Family.objects().get(Family.id == family.id))
            return await _closure_row(user, family, new, now, form_key or None)

    return await once(Closure, form_key, create)


async def _closure_row(
    user: CurrentUser,
    family: Family,
    new: NewClosure,
    now: Any,
    form_key: str | None,
    audited: bool = True,
) -> int:
    """The Closure row, with the episode's open work ended and audited beside it
    (``audited=False``: the caller records the closing itself)."""
    ended = await end_open_work(user, family.id, now)
    row = Closure(
        family=family.id,
        reason=new.reason,
        detail=new.detail if new.reason == "other" else "",
        summary=new.summary,
        closed_by=user.id,
        closed_at=now,
        actions_closed=len(ended.actions),
        review_cancelled_on=ended.review_on,
        idempotency_key=form_key,
    )
    await row.save()
    events = ended_work_events(family.id, ended)
    if audited:
        closed = audit.Event(
            "family_closed",
            "closure",
            row.id,
            family.id,
            {
                "reason": new.reason,
                "actions_closed": len(ended.actions),
                "review_cancelled": ended.meeting is not None,
            },
        )
        events.insert(0, closed)
    await audit.record_together(events, "success", actor=user)
    return int(row.id)


async def record_consent_withdrawn(user: CurrentUser, family: Family) -> int:
    """The Closure row for a family closed because consent to keep its record
    was withdrawn. The consent service closes, restricts and audits; it calls
    this inside its transaction."""
    summary = "Consent to keep the record was withdrawn, so the family's early help closed."
    new = NewClosure(reason="consent_withdrawn", summary=summary)
    return await _closure_row(user, family, new, now_utc(), None, audited=False)


async def reopen_family(user: CurrentUser, family: Family, version: int, reason: str) -> bool:
    """Reopen a closed family's early help; False when it was already open (a
    second click). Raises StaleVersion when someone changed it meanwhile."""
    require_may_close(user, family)
    if not reason.strip():
        raise ClosureError("Enter why the family's early help is reopening")
    async with write_transaction(Family._meta.db):
        current = await Family.objects().get(Family.id == family.id)
        if current is None or current.status != "closed":
            return False
        if current.version != version:
            raise StaleVersion(current)
        values = {
            "status": "open",
            "closed_at": None,
            "closure_reason": "",
            "updated_at": now_utc(),
        }
        if not await versioned_update(Family, family.id, version, values):
            raise StaleVersion(await Family.objects().get(Family.id == family.id))
        await mark_reopened(user, family, reason)
    return True


async def mark_reopened(user: CurrentUser, family: Family, reason: str) -> None:
    """Record on the family's closures that it reopened, give back the actions
    closed with the episode, and audit it. The caller opens the family itself,
    in the same transaction (reopening, or a step-down). The cancelled review
    stays cancelled: the next meeting agrees a new date."""
    now = now_utc()
    await Closure.update(
        {
            Closure.reopened_by: user.id,
            Closure.reopened_at: now,
            Closure.reopen_reason: reason,
        }
    ).where((Closure.family == family.id) & Closure.reopened_at.is_null())
    (row,) = await Closure.raw(RESUME_WORK, user.id, now, family.id, ACTION_CLOSED)
    actions = list(row["actions"])
    events = [
        audit.Event(
            "family_reopened", "family", family.id, family.id, {"actions_reopened": len(actions)}
        ),
        *(audit.Event("action_reopened", "plan_action", a, family.id) for a in actions),
    ]
    await audit.record_together(events, "success", actor=user)


HISTORY = """
SELECT jsonb_agg(to_jsonb(c) || jsonb_build_object(
                     'closed_by_name', cb.display_name,
                     'closed_by_organisation', cb.organisation,
                     'reopened_by_name', rb.display_name)
                 ORDER BY c.closed_at DESC, c.id DESC)
FROM family_closure c
LEFT JOIN portal_user cb ON cb.id = c.closed_by
LEFT JOIN portal_user rb ON rb.id = c.reopened_by
WHERE c.family = {}
"""


def history_fact(family_id: int) -> Fact:
    """Every closure of the family, newest first, with who closed and reopened it."""
    return Fact(Closure, HISTORY, (family_id,), lambda value: rows_from_json(Closure, value))


async def history(family_id: int) -> list[dict[str, Any]]:
    """``history_fact`` read on its own."""
    rows: list[dict[str, Any]] = await fetch_fact(history_fact(family_id))
    return rows
