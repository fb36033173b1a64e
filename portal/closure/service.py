"""Closing a family's early help with an explicit outcome, and reopening it.

Only the lead practitioner (or whoever recorded the family, while it has no
lead) or an area manager may close or reopen. Closing and reopening change
the family's ``version``, so two people closing at once cannot both win
silently: the second gets the record as the first left it.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    row = Closure(
        family=family.id,
        reason=new.reason,
        detail=new.detail if new.reason == "other" else "",
        summary=new.summary,
        closed_by=user.id,
        closed_at=now,
        idempotency_key=form_key,
    )
    await row.save()
    if not audited:
        return int(row.id)
    await audit.record(
        "family_closed",
        "success",
        actor=user,
        record_type="closure",
        record_id=row.id,
        family_id=family.id,
        reason=new.reason,
    )
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
    """Record on the family's closures that it reopened, and audit it. The caller
    opens the family itself, in the same transaction (reopening, or a step-down)."""
    await Closure.update(
        {
            Closure.reopened_by: user.id,
            Closure.reopened_at: now_utc(),
            Closure.reopen_reason: reason,
        }
    ).where((Closure.family == family.id) & Closure.reopened_at.is_null())
    await audit.record(
        "family_reopened",
        "success",
        actor=user,
        record_type="family",
        record_id=family.id,
        family_id=family.id,
    )


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
