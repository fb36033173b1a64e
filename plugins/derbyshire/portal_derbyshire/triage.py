"""Starting Point's first look at a request: advice or a redirection closes it
and tells the referrer; otherwise an Initial Contact starts the 24-hour clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.plugin_api import (
    CurrentUser,
    audit,
    teams,
    write_transaction,
)
from portal_derbyshire.common import (
    KIND,
    RequestError,
)
from portal_derbyshire.requests import (
    eht_lead,
    request_row,
    save,
    tell_referrer,
)
from portal_derbyshire.tables import StartingPointRequest


async def triage(
    user: CurrentUser,
    request_id: int,
    version: int,
    outcome: str,
    detail: str,
    redirected_to: str,
    now: datetime,
) -> None:
    """Starting Point's first look: advice or a redirection closes the request
    and tells the referrer; otherwise an Initial Contact starts the 24-hour clock."""
    async with write_transaction(StartingPointRequest._meta.db):
        row = await request_row(request_id)
        if row is None:
            raise RequestError("This request does not exist")
        if row["status"] != "with_starting_point":
            raise RequestError("This request has already been triaged")
        if outcome != "initial_contact" and await eht_lead(row["family"]):
            raise RequestError(
                "The family's Lead Practitioner is in an Early Help Team: "
                "create an Initial Contact for screening"
            )
        values: dict[str, Any] = {
            "triage_outcome": outcome,
            "triage_detail": detail,
            "redirected_to": redirected_to if outcome == "redirect" else "",
            "triaged_by": user.id,
            "triaged_at": now,
        }
        if outcome == "initial_contact":
            values.update(status="initial_contact", initial_contact_at=now)
        else:
            values["status"] = "advised" if outcome == "advice" else "redirected"
        row = await save(row, version, values)
        await audit.record(
            "starting_point_triaged",
            "success",
            actor=user,
            record_type="starting_point_request",
            record_id=request_id,
            family_id=row["family"],
            decision=outcome,
        )
        if outcome != "initial_contact":
            await teams.close_for_record(KIND, request_id, actor=user)
            message = (
                f"Starting Point gave information and advice: {detail}"
                if outcome == "advice"
                else f"Starting Point redirected the request to {redirected_to}: {detail}"
            )
            await tell_referrer(row, "triage", message, now)
