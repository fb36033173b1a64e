"""The information-sharing log: every decision to share or not, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.audit import service as audit
from portal.db import write_transaction
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


async def timeline(family_id: int) -> list[dict[str, Any]]:
    return await (
        SharingDecision.select(
            *SharingDecision.all_columns(),
            SharingDecision.recorded_by.display_name.as_alias("recorded_by_name"),
            SharingDecision.recorded_by.organisation.as_alias("recorded_by_organisation"),
        )
        .where(SharingDecision.family == family_id)
        .order_by(SharingDecision.decided_on, ascending=False)
        .order_by(SharingDecision.id, ascending=False)
    )
