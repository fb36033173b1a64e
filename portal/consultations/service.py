"""Recording a call to the advice line, and reading a family's consultations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from portal.audit import service as audit
from portal.consultations.tables import Consultation
from portal.db import write_transaction
from portal.kernel.clock import now_utc
from portal.kernel.records import once
from portal.kernel.users import CurrentUser

if TYPE_CHECKING:
    from portal.families.tables import Family


@dataclass(frozen=True)
class NewConsultation:
    line: str  # the advice line's name, as the area describes it today
    consulted_on: date
    adviser_name: str
    question: str
    advice: str
    significant_harm: bool


async def record_consultation(
    user: CurrentUser, family: Family, new: NewConsultation, form_key: str
) -> int:
    """One row per submitted form (a second submit of the same form is the first's)."""

    async def create() -> int:
        async with write_transaction(Consultation._meta.db):
            row = Consultation(
                family=family.id,
                line=new.line,
                consulted_on=new.consulted_on,
                adviser_name=new.adviser_name,
                question=new.question,
                advice=new.advice,
                significant_harm=new.significant_harm,
                recorded_by=user.id,
                recorded_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await row.save()
            await audit.record(
                "consultation_recorded",
                "success",
                actor=user,
                record_type="consultation",
                record_id=row.id,
                family_id=family.id,
                significant_harm=new.significant_harm,
            )
            return int(row.id)

    return await once(Consultation, form_key, create)


async def consultations_of(family_id: int) -> list[dict[str, Any]]:
    """The family's consultations, the latest call first, with who recorded each."""
    return await (
        Consultation.select(
            *Consultation.all_columns(exclude=[Consultation.idempotency_key]),
            Consultation.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(Consultation.family == family_id)
        .order_by(Consultation.consulted_on, ascending=False)
        .order_by(Consultation.id, ascending=False)
    )
