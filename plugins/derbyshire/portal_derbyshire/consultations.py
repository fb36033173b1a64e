"""Consultations a practitioner records after calling Starting Point for advice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.plugin_api import (
    CurrentUser,
    Family,
    audit,
    once,
    write_transaction,
)
from portal_derbyshire.tables import Consultation


@dataclass(frozen=True)
class NewConsultation:
    consulted_on: datetime
    adviser_name: str
    question: str
    advice: str
    significant_harm: bool


async def record_consultation(
    user: CurrentUser, family: Family, new: NewConsultation, form_key: str, now: datetime
) -> int:
    async def create() -> int:
        async with write_transaction(Consultation._meta.db):
            row = Consultation(
                family=family.id,
                recorded_by=user.id,
                consulted_on=new.consulted_on,
                adviser_name=new.adviser_name,
                question=new.question,
                advice=new.advice,
                significant_harm=new.significant_harm,
                recorded_at=now,
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
    return await (
        Consultation.select(
            *Consultation.all_columns(exclude=[Consultation.idempotency_key]),
            Consultation.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(Consultation.family == family_id)
        .order_by(Consultation.recorded_at, ascending=False)
    )
