"""Calls to the Professional Consultation Line and what it advised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.plugin_api import CurrentUser, Family, audit, now_utc, once, write_transaction
from portal_derby.tables import DerbyConsultation


@dataclass(frozen=True)
class ConsultationInput:
    consulted_on: date
    spoke_to: str
    question: str
    advice: str
    significant_harm: bool


async def record_consultation(
    user: CurrentUser, family: Family, new: ConsultationInput, form_key: str
) -> int:
    async def create() -> int:
        async with write_transaction(DerbyConsultation._meta.db):
            row = DerbyConsultation(
                family=family.id,
                consulted_on=new.consulted_on,
                spoke_to=new.spoke_to,
                question=new.question,
                advice=new.advice,
                significant_harm=new.significant_harm,
                recorded_by=user.id,
                recorded_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await row.save()
            await audit.record(
                "derby_consultation_recorded",
                "success",
                actor=user,
                record_type="derby_consultation",
                record_id=row.id,
                family_id=family.id,
                significant_harm=new.significant_harm,
            )
            return int(row.id)

    return await once(DerbyConsultation, form_key, create)


async def consultations_of(family_id: int) -> list[dict[str, Any]]:
    return await (
        DerbyConsultation.select(
            *DerbyConsultation.all_columns(exclude=[DerbyConsultation.idempotency_key]),
            DerbyConsultation.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(DerbyConsultation.family == family_id)
        .order_by(DerbyConsultation.id, ascending=False)
    )
