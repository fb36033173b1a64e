"""The Senior Practitioner's screening decision on an Initial Contact, with
reasons, within 24 hours; the referrer is told at once."""

from __future__ import annotations

from datetime import datetime

from portal.plugin_api import (
    CurrentUser,
    audit,
    teams,
    write_transaction,
)
from portal_derbyshire.common import (
    AREA,
    KIND,
    RequestError,
    uk_time,
)
from portal_derbyshire.requests import (
    request_row,
    save,
    tell_referrer,
)
from portal_derbyshire.tables import StartingPointRequest
from portal_derbyshire.vcm import (
    give_to_advisor,
    place_at_vcm,
)


async def screen(
    user: CurrentUser,
    request_id: int,
    version: int,
    outcome: str,
    reasons: str,
    advisor_id: int | None,
    now: datetime,
) -> None:
    """The Senior Practitioner's one decision on an Initial Contact, with reasons;
    the referrer is told at once."""
    async with write_transaction(StartingPointRequest._meta.db):
        row = await request_row(request_id)
        if row is None:
            raise RequestError("This request does not exist")
        if row["status"] != "initial_contact":
            raise RequestError("This Initial Contact has already been screened")
        status = {
            "vcm": "at_vcm",
            "advisor": "advisor",
            "no_further_action": "closed",
            "social_care": "social_care",
        }[outcome]
        row = await save(
            row,
            version,
            {
                "screening_outcome": outcome,
                "screening_reasons": reasons,
                "screened_by": user.id,
                "screened_at": now,
                "status": status,
                "advisor": advisor_id if outcome == "advisor" else None,
            },
        )
        await audit.record(
            "initial_contact_screened",
            "success",
            actor=user,
            record_type="starting_point_request",
            record_id=request_id,
            family_id=row["family"],
            decision=outcome,
        )
        await teams.close_for_record(KIND, request_id, actor=user)
        if outcome == "vcm":
            placed = await place_at_vcm(user, row, now)
            message = (
                f"To be allocated to a Lead Practitioner at the {placed.title} on "
                f"{uk_time(placed.starts_at)}"
            )
        elif outcome == "advisor":
            assert advisor_id is not None
            await give_to_advisor(user, row, advisor_id)
            message = f"An Early Help Advisor, {row['advisor_name']}, will support you"
        elif outcome == "social_care":
            # The Senior Practitioner keeps the record open to make and record the
            # referral (the core's escalation page) after the queue entry closes.
            await teams.place(
                row["family"],
                AREA,
                "social_care",
                kind=KIND,
                record_id=row["id"],
                assigned_to=user.id,
                actor=user,
            )
            message = "Referred to Children's Social Care for assessment by a social worker"
        else:
            message = f"No further action: {reasons}"
        await tell_referrer(row, "screening", message, now)
