"""Allocation at the district's Vulnerable Children's Meeting: the weekly
series, placing a screened request on its agenda, the meeting's outcomes, and
reacting to its decision (``portal_agenda_decided``): allocation to a Lead
Practitioner in the Early Help Team, or an Early Help Advisor."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.plugin_api import (
    CurrentUser,
    Family,
    PortalUser,
    current_user_from,
    lead,
    meetings,
    notify,
    teams,
)
from portal_derbyshire.common import (
    AREA,
    DISTRICT_NAMES,
    KIND,
    VCM_CHAIR,
    VCM_OUTCOMES,
    eht_team,
    vcm_series_key,
)
from portal_derbyshire.requests import (
    request_row,
    tell_referrer,
)
from portal_derbyshire.tables import StartingPointRequest


@dataclass(frozen=True)
class Placement:
    meeting_id: int
    starts_at: datetime
    title: str


async def ensure_vcm_series(district: str) -> int:
    """The district's weekly VCM (created on first use; the schedule is then the
    area's to change on the core's meetings pages)."""
    index = list(DISTRICT_NAMES).index(district) if district in DISTRICT_NAMES else 0
    return await meetings.ensure_series(
        AREA,
        vcm_series_key(district),
        f"{DISTRICT_NAMES.get(district, district)} Vulnerable Children's Meeting",
        weekday=index % 5,
        start_time="10:00",
        chair_roles=(VCM_CHAIR,),
    )


async def place_at_vcm(actor: CurrentUser, row: dict[str, Any], now: datetime) -> Placement:
    await ensure_vcm_series(row["district"])
    series = await meetings.series_by_key(vcm_series_key(row["district"]))
    assert series is not None
    (starts_at,) = await meetings.open_slots(series, now, 1)  # never a held meeting
    meeting_id = await meetings.meeting_at(series["id"], starts_at)
    # The core gives the series' chairs access while the case waits for them.
    await meetings.place_on_agenda(
        actor,
        meeting_id,
        family_id=row["family"],
        kind=KIND,
        record_id=row["id"],
        summary=f"Starting Point request {row['id']}: screened for allocation to a Lead Practitioner",
    )
    return Placement(meeting_id, starts_at, series["title"])


async def give_to_advisor(actor: CurrentUser | None, row: dict[str, Any], advisor_id: int) -> None:
    await teams.place(
        row["family"],
        AREA,
        "advisor",
        kind=KIND,
        record_id=row["id"],
        assigned_to=advisor_id,
        actor=actor,
    )
    await notify.notify(
        advisor_id,
        "starting_point_advisor",
        "You have been asked to support a referring practitioner as Early Help Advisor",
        f"/derbyshire/requests/{row['id']}",
        f"derbyshire:sp_request:{row['id']}:advisor:{advisor_id}",
        family_id=row["family"],
    )


def vcm_outcomes(series_key: str) -> list[tuple[str, str, str, bool, str]]:
    """(key, label, hint, allocates, allocation team) for a district VCM series."""
    prefix = f"{AREA}:vcm:"
    if not series_key.startswith(prefix):
        return []
    district = series_key.removeprefix(prefix)
    return [
        (
            "allocate",
            VCM_OUTCOMES["allocate"],
            "A practitioner in the district's Early Help Team leads the assessment and plan.",
            True,
            eht_team(district),
        ),
        (
            "advisor",
            VCM_OUTCOMES["advisor"],
            "Choose the Early Help Advisor who will support the referring practitioner.",
            True,
            "",
        ),
        ("no_further_action", VCM_OUTCOMES["no_further_action"], "", False, ""),
        ("social_care", VCM_OUTCOMES["social_care"], "", False, ""),
    ]


async def vcm_decided(
    request_id: int,
    outcome: str,
    decision: str,
    chair_id: int,
    allocated_to: int | None,
    item_id: int,
    now: datetime,
) -> None:
    """React to the VCM's decision, inside its transaction."""
    row = await request_row(request_id)
    if row is None:
        return
    chair_row = await PortalUser.objects().get(PortalUser.id == chair_id)
    chair = current_user_from(chair_row) if chair_row is not None else None
    values: dict[Any, Any] = {StartingPointRequest.vcm_outcome: outcome}
    if outcome == "allocate" and allocated_to is not None:
        values.update(
            {
                StartingPointRequest.status: "allocated",
                StartingPointRequest.allocated_to: allocated_to,
                StartingPointRequest.allocated_at: now,
            }
        )
    elif outcome == "advisor" and allocated_to is not None:
        values.update(
            {StartingPointRequest.status: "advisor", StartingPointRequest.advisor: allocated_to}
        )
    elif outcome == "social_care":
        values[StartingPointRequest.status] = "social_care"
    else:
        values[StartingPointRequest.status] = "closed"
    await StartingPointRequest.update(values).where(StartingPointRequest.id == request_id)
    row = await request_row(request_id)
    assert row is not None
    if outcome == "allocate" and allocated_to is not None:
        await allocate_lead(chair, row, allocated_to, item_id)
        message = f"Allocated at the Vulnerable Children's Meeting to {row['allocated_name']}"
    elif outcome == "advisor" and allocated_to is not None:
        await give_to_advisor(chair, row, allocated_to)
        message = f"An Early Help Advisor, {row['advisor_name']}, will support you"
    else:
        message = f"The Vulnerable Children's Meeting decided: {VCM_OUTCOMES.get(outcome, outcome)}"
    await tell_referrer(row, "vcm", message, now)


async def allocate_lead(
    chair: CurrentUser | None, row: dict[str, Any], practitioner_id: int, item_id: int
) -> None:
    """The allocated practitioner gets the case (a queue entry assigned to them)
    and is asked to become the family's lead practitioner: a lead transfer
    proposal they accept on the family's record (the core's lead service has no
    way to make someone lead without their agreement)."""
    await teams.place(
        row["family"],
        AREA,
        eht_team(row["district"]),
        kind="sp_allocation",
        record_id=row["id"],
        assigned_to=practitioner_id,
        actor=chair,
    )
    await notify.notify(
        practitioner_id,
        "starting_point_allocation",
        "A family has been allocated to you at the Vulnerable Children's Meeting",
        f"/derbyshire/requests/{row['id']}",
        f"derbyshire:sp_request:{row['id']}:allocated:{practitioner_id}",
        family_id=row["family"],
    )
    family = await Family.objects().get(Family.id == row["family"])
    to = await PortalUser.objects().get(PortalUser.id == practitioner_id)
    if chair is None or family is None or to is None or family.statutory_lead:
        return
    if family.lead_practitioner == practitioner_id:
        return
    # The meeting's allocation asks them to take over from whoever leads now;
    # if a proposal is already pending they liaise, and the allocation stands.
    with contextlib.suppress(lead.LeadError):
        await lead.propose_transfer(
            chair,
            family,
            to,
            "Allocated at the Vulnerable Children's Meeting",
            f"derbyshire-vcm-{item_id}",
            allocated_at_meeting=True,
        )
