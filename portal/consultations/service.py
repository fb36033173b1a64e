"""Recording a call to the advice line, and reading a family's consultations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from portal.audit import service as audit
from portal.consultations.tables import Consultation
from portal.db import Fact, fetch_fact, rows_from_json, write_transaction
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


CONSULTATIONS = """
SELECT jsonb_agg((to_jsonb(c) - 'idempotency_key')
                 || jsonb_build_object('recorded_by_name', u.display_name)
                 ORDER BY c.consulted_on DESC, c.id DESC)
FROM consultation c LEFT JOIN portal_user u ON u.id = c.recorded_by
WHERE c.family = {}
"""


def consultations_fact(family_id: int) -> Fact:
    """The family's consultations, the latest call first, with who recorded each."""
    return Fact(
        Consultation,
        CONSULTATIONS,
        (family_id,),
        lambda value: rows_from_json(Consultation, value),
    )


async def consultations_of(family_id: int) -> list[dict[str, Any]]:
    """``consultations_fact`` read on its own."""
    rows: list[dict[str, Any]] = await fetch_fact(consultations_fact(family_id))
    return rows
