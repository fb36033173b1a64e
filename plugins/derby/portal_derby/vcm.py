"""Each locality's weekly Vulnerable Children's Meeting (VCM): its series and
slots, the four decisions it makes for a case, and what follows a decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar.exceptions import NotFoundException

from portal.plugin_api import (
    AgendaDecision,
    AgendaOutcome,
    audit,
    meetings,
    notify,
    now_utc,
    teams,
)
from portal_derby.common import ALLOCATION, AREA, LOCALITIES, SUBMISSION, locality_name
from portal_derby.tables import DerbyVcmSubmission

# Each locality's weekly VCM slot (weekday Monday=0, UK time). Defaults only:
# the core's schedule admin changes a series once it exists.
VCM_SCHEDULE: dict[str, tuple[int, str]] = {
    "north": (1, "10:00"),  # Tuesday
    "south": (2, "10:00"),  # Wednesday
    "east": (3, "13:30"),  # Thursday
    "west": (4, "10:00"),  # Friday
}
SLOTS_OFFERED = 4


def series_key(locality: str) -> str:
    return f"derby:vcm:{locality}"


def series_title(locality: str) -> str:
    return f"{locality_name(locality)} Vulnerable Children's Meeting"


def default_series(locality: str) -> dict[str, Any]:
    """The locality's series as the plugin would create it (no ``id`` yet):
    what read-only pages show until a write creates the row."""
    weekday, start = VCM_SCHEDULE[locality]
    return {
        "id": None,
        "area": AREA,
        "key": series_key(locality),
        "title": series_title(locality),
        "weekday": weekday,
        "start_time": start,
        "location": "",
        "chair_roles": "derby.vcm_chair",
        "team": "",
        "version": 0,
    }


async def vcm_series(locality: str) -> dict[str, Any]:
    """The locality's weekly VCM series without writing: the saved row (as the
    core's schedule admin left it) or, before it exists, the default slot."""
    if locality not in LOCALITIES:
        raise NotFoundException()
    return await meetings.series_by_key(series_key(locality)) or default_series(locality)


async def ensure_vcm_series(locality: str) -> dict[str, Any]:
    """The locality's weekly VCM series, created with the plugin's default slot.
    A write: only for POST handlers and demo data (GET pages use vcm_series)."""
    if locality not in LOCALITIES:
        raise NotFoundException()
    weekday, start = VCM_SCHEDULE[locality]
    await meetings.ensure_series(
        AREA,
        series_key(locality),
        series_title(locality),
        weekday=weekday,
        start_time=start,
        chair_roles=("derby.vcm_chair",),
    )
    series = await meetings.series_by_key(series_key(locality))
    assert series is not None
    return series


async def upcoming_slots(locality: str, after: datetime | None = None) -> list[datetime]:
    """The next meetings a request could go on (read-only): a meeting already
    held, even early, takes no new cases."""
    series = await vcm_series(locality)
    return await meetings.open_slots(series, after or now_utc(), SLOTS_OFFERED)


def agenda_outcomes(key: str) -> list[AgendaOutcome]:
    """The four decisions a locality VCM makes for a case (seed 001)."""
    if not key.startswith("derby:vcm:"):
        return []
    locality = key.removeprefix("derby:vcm:")
    return [
        AgendaOutcome(
            key="allocate",
            label="Allocate to a practitioner or service",
            hint=f"A member of the {locality_name(locality)} Multi-Agency Team takes the "
            "family on for further assessment and support.",
            detail_label="What the practitioner is to do",
            allocates=True,
            allocation_team=f"mat:{locality}",
        ),
        AgendaOutcome(
            key="refer_other",
            label="Refer to other services",
            hint="Another service will best meet the child's needs.",
            detail_label="Which services, and why",
        ),
        AgendaOutcome(
            key="no_action",
            label="No action needed at this time",
            detail_label="Why no action is needed at this time",
        ),
        AgendaOutcome(
            key="social_care",
            label="Refer to Children's Social Care",
            hint="The submitting practitioner is asked to refer to the Initial Response Team.",
            detail_label="Why the case needs Children's Social Care",
        ),
    ]


async def on_decided(decision: AgendaDecision) -> None:
    """The VCM decided a case: record it on the submission, end the clerk's and
    chairs' access, give an allocated MAT member theirs, and tell both."""
    if decision.kind != SUBMISSION:
        return
    rows = await DerbyVcmSubmission.select().where(DerbyVcmSubmission.id == decision.record_id)
    if not rows or rows[0]["family"] != decision.family_id:
        return
    row = rows[0]
    labels = {o.key: o.label for o in agenda_outcomes(decision.series_key)}
    await teams.close_for_record(SUBMISSION, row["id"])
    if row["allocation_entry_id"]:  # a decision changed: the earlier allocation ends
        await teams.close(row["allocation_entry_id"])
    allocation_entry = None
    if decision.allocated_to is not None:
        allocation_entry = await teams.place(
            row["family"],
            AREA,
            f"mat:{row['locality']}",
            kind=ALLOCATION,
            record_id=row["id"],
            assigned_to=decision.allocated_to,
        )
    await DerbyVcmSubmission.update(
        {
            DerbyVcmSubmission.status: "decided",
            DerbyVcmSubmission.outcome: decision.outcome,
            DerbyVcmSubmission.outcome_label: labels.get(decision.outcome, decision.outcome),
            DerbyVcmSubmission.decision: decision.decision,
            DerbyVcmSubmission.allocated_to: decision.allocated_to,
            DerbyVcmSubmission.allocation_entry_id: allocation_entry,
            DerbyVcmSubmission.decided_at: now_utc(),
            DerbyVcmSubmission.meeting_id: decision.meeting_id,
            DerbyVcmSubmission.agenda_item_id: decision.item_id,
            DerbyVcmSubmission.version: DerbyVcmSubmission.version + 1,
        }
    ).where(DerbyVcmSubmission.id == row["id"])
    await audit.record(
        "derby_vcm_decided",
        "success",
        actor_label="Vulnerable Children's Meeting",
        record_type="derby_vcm_submission",
        record_id=row["id"],
        family_id=row["family"],
        decision_outcome=decision.outcome,
    )
    link = f"/derby/submissions/{row['id']}"
    # In the portal only: which family (named when shown) and what was decided.
    outcome = f"Decision: {labels.get(decision.outcome, decision.outcome)}"
    if row["submitted_by"] is not None:
        await notify.notify(
            row["submitted_by"],
            "derby_vcm_decided",
            "The Vulnerable Children's Meeting has decided a request you submitted",
            link,
            f"derby-decided-{row['id']}-{decision.item_id}",
            family_id=row["family"],
            detail=outcome,
        )
    if decision.allocated_to is not None:
        await notify.notify(
            decision.allocated_to,
            "derby_vcm_allocated",
            "The Vulnerable Children's Meeting has allocated a family to you",
            link,
            f"derby-allocated-{row['id']}-{decision.item_id}-{decision.allocated_to}",
            family_id=row["family"],
            detail=outcome,
        )
