"""The information-sharing log: every decision to share or not, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.audit import service as audit
from portal.db import Fact, fetch_fact, rows_from_json, write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.records import once
from portal.kernel.users import CurrentUser
from portal.sharing.tables import SharingDecision

DECISIONS = {"shared": "Shared information", "not_shared": "Decided not to share"}
BASES = {
    "consent": "With consent",
    "safeguarding": "Without consent, to safeguard a child",
    "other_legal": "Without consent, another legal basis",
}


@dataclass(frozen=True)
class NewSharingDecision:
    decision: str
    what: str
    with_agency: str
    why: str
    basis: str
    decided_on: date
    with_person: str = ""
    basis_reason: str = ""
    consultations: str = ""


async def record_decision(
    user: CurrentUser, family: Family, new: NewSharingDecision, form_key: str
) -> int:
    async def create() -> int:
        async with write_transaction(Family._meta.db):
            row = SharingDecision(
                family=family.id,
                **new.__dict__,
                recorded_by=user.id,
                recorded_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await row.save()
            await audit.record(
                "sharing_decision_recorded",
                "success",
                actor=user,
                record_type="sharing_decision",
                record_id=row.id,
                family_id=family.id,
                decision=new.decision,
                basis=new.basis,
            )
            return int(row.id)

    return await once(SharingDecision, form_key, create)


# The family's sharing decisions, newest first, with who recorded each.
TIMELINE = """
SELECT jsonb_agg(
    to_jsonb(d) || jsonb_build_object('recorded_by_name', u.display_name,
                                      'recorded_by_organisation', u.organisation)
    ORDER BY d.decided_on DESC, d.id DESC)
FROM sharing_decision d LEFT JOIN portal_user u ON u.id = d.recorded_by
WHERE d.family = {}
"""


def timeline_fact(family_id: int) -> Fact:
    return Fact(
        SharingDecision,
        TIMELINE,
        (family_id,),
        lambda value: rows_from_json(SharingDecision, value),
    )


async def timeline(family_id: int) -> list[dict[str, Any]]:
    decisions: list[dict[str, Any]] = await fetch_fact(timeline_fact(family_id))
    return decisions
