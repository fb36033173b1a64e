"""A completed Early Help Assessment's way, with consent, through the SPA
clerk (or The Lighthouse) onto a locality VCM's agenda, or back to the
practitioner; who may see and work a submission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from litestar.exceptions import NotFoundException

from portal.plugin_api import (
    CurrentUser,
    Family,
    StaleVersion,
    assessments,
    audit,
    closure,
    consent,
    format_slot,
    format_weekday,
    meetings,
    notify,
    now_utc,
    teams,
    versioned_update,
    write_transaction,
)
from portal_derby.common import (
    AREA,
    LIGHTHOUSE,
    SUBMISSION,
    VCM_AGENCY,
    DerbyError,
    inbox_for,
    inbox_name,
)
from portal_derby.tables import DerbyVcmSubmission
from portal_derby.vcm import SLOTS_OFFERED, ensure_vcm_series

SUBMIT_CLOSED = "submit a request to the Vulnerable Children's Meeting"  # "Reopen it to ..."


@dataclass(frozen=True)
class SubmissionInput:
    assessment_id: int
    significant_disability: bool
    request: str
    consent_given_by: str
    consent_given_by_name: str
    consent_method: str
    consent_given_on: date


SUBMISSION_COLUMNS = (
    *DerbyVcmSubmission.all_columns(exclude=[DerbyVcmSubmission.idempotency_key]),
    DerbyVcmSubmission.submitted_by.display_name.as_alias("submitted_by_name"),
    DerbyVcmSubmission.submitted_by.organisation.as_alias("submitted_by_organisation"),
    DerbyVcmSubmission.allocated_to.display_name.as_alias("allocated_name"),
    DerbyVcmSubmission.returned_by.display_name.as_alias("returned_by_name"),
)


async def completed_assessments(family: Family) -> list[dict[str, Any]]:
    return [a for a in await assessments.assessments_of(family.id) if a["status"] == "completed"]


async def open_submission(family_id: int) -> dict[str, Any] | None:
    rows = await DerbyVcmSubmission.select(*SUBMISSION_COLUMNS).where(
        (DerbyVcmSubmission.family == family_id)
        & DerbyVcmSubmission.status.is_in(["with_clerk", "on_agenda", "returned"])
    )
    return rows[0] if rows else None


async def submit(user: CurrentUser, family: Family, new: SubmissionInput, form_key: str) -> int:
    """Send a completed EHA, with consent recorded, to the SPA clerk of the
    family's locality (or The Lighthouse); a repeat of the form makes one.
    A closed family's early help takes no new request until it reopens."""
    closure.require_open(family, SUBMIT_CLOSED)
    if form_key:
        existing = await DerbyVcmSubmission.select(DerbyVcmSubmission.id).where(
            DerbyVcmSubmission.idempotency_key == form_key
        )
        if existing:
            return int(existing[0]["id"])
    assessment = await assessments.assessment_in(family, new.assessment_id)
    if assessment["status"] != "completed":
        raise DerbyError("Select a completed Early Help Assessment", "assessment")
    waiting = await open_submission(family.id)
    if waiting is not None:
        raise DerbyError(
            "This family already has a request with the Vulnerable Children's Meeting: "
            "see where it is below",
            "assessment",
        )
    inbox = inbox_for(family.locality, new.significant_disability)
    async with write_transaction(DerbyVcmSubmission._meta.db):
        consent_id = await consent.record_consent(
            user,
            family,
            consent.NewConsent(
                person_id=assessment["child"],
                purpose="sharing",
                decision="given",
                given_by=new.consent_given_by,
                given_by_name=new.consent_given_by_name,
                method=new.consent_method,
                given_on=new.consent_given_on,
                agencies=VCM_AGENCY,
                notes="To share the Early Help Assessment with the Vulnerable Children's Meeting",
            ),
            f"{form_key}-c" if form_key else "",
        )
        row = DerbyVcmSubmission(
            family=family.id,
            assessment_id=new.assessment_id,
            locality=family.locality,
            inbox=inbox,
            significant_disability=new.significant_disability,
            request=new.request,
            consent_given_by=new.consent_given_by,
            consent_given_by_name=new.consent_given_by_name,
            consent_method=new.consent_method,
            consent_given_on=new.consent_given_on,
            consent_record_id=consent_id,
            status="with_clerk",
            submitted_by=user.id,
            submitted_at=now_utc(),
            idempotency_key=form_key or None,
        )
        await row.save()
        await _to_clerk(user, family.id, int(row.id), inbox)
        await audit.record(
            "derby_vcm_submitted",
            "success",
            actor=user,
            record_type="derby_vcm_submission",
            record_id=row.id,
            family_id=family.id,
            inbox=inbox,
        )
    return int(row.id)


async def _to_clerk(user: CurrentUser, family_id: int, submission_id: int, inbox: str) -> None:
    entry = await teams.place(
        family_id,
        AREA,
        inbox,
        kind=SUBMISSION,
        record_id=submission_id,
        roles=("derby.spa_clerk",),
        team=inbox,
        actor=user,
    )
    await DerbyVcmSubmission.update({DerbyVcmSubmission.queue_entry_id: entry}).where(
        DerbyVcmSubmission.id == submission_id
    )
    for member in await teams.team_members(AREA, inbox):
        await notify.notify(
            member["user"],
            "derby_vcm_request",
            "A request for the Vulnerable Children's Meeting is waiting in your inbox",
            f"/derby/inbox/{submission_id}",
            f"derby-inbox-{submission_id}-{entry}-{member['user']}",
            family_id=family_id,
        )


async def submission(submission_id: int) -> dict[str, Any]:
    rows = await DerbyVcmSubmission.select(*SUBMISSION_COLUMNS).where(
        DerbyVcmSubmission.id == submission_id
    )
    if not rows:
        raise NotFoundException()
    return rows[0]


async def submissions_of(family_id: int) -> list[dict[str, Any]]:
    return await (
        DerbyVcmSubmission.select(*SUBMISSION_COLUMNS)
        .where(DerbyVcmSubmission.family == family_id)
        .order_by(DerbyVcmSubmission.id, ascending=False)
    )


async def submissions_by(user_id: int) -> list[dict[str, Any]]:
    return await (
        DerbyVcmSubmission.select(*SUBMISSION_COLUMNS)
        .where(DerbyVcmSubmission.submitted_by == user_id)
        .order_by(DerbyVcmSubmission.id, ascending=False)
    )


async def allocations_of(user_id: int) -> list[dict[str, Any]]:
    return await (
        DerbyVcmSubmission.select(*SUBMISSION_COLUMNS)
        .where(
            (DerbyVcmSubmission.allocated_to == user_id)
            & (DerbyVcmSubmission.outcome == "allocate")
        )
        .order_by(DerbyVcmSubmission.id, ascending=False)
    )


async def inbox_items(teams: set[str]) -> list[dict[str, Any]]:
    """Requests waiting in, or placed from, the inboxes of these teams (not decided)."""
    inboxes = [t for t in teams if t.startswith("spa:") or t == LIGHTHOUSE]
    if not inboxes:
        return []
    return await (
        DerbyVcmSubmission.select(*SUBMISSION_COLUMNS)
        .where(
            DerbyVcmSubmission.inbox.is_in(inboxes)
            & DerbyVcmSubmission.status.is_in(["with_clerk", "on_agenda"])
        )
        .order_by(DerbyVcmSubmission.submitted_at)
    )


def where_it_is(row: dict[str, Any]) -> str:
    """Where a submission is, in the practitioner's words."""
    status: str = row["status"]
    if status == "with_clerk":
        return f"With {inbox_name(row['inbox'])}"
    if status == "returned":
        return f"Returned: {row['returned_reason']}"
    if status == "on_agenda" and row["meeting_starts_at"] is not None:
        return f"On the agenda for {format_weekday(row['meeting_starts_at'])}"
    if status == "decided":
        return f"Decided: {row['outcome_label']}"
    return status


async def _transition(
    submission_id: int, version: int, expected: str, values: dict[str, Any]
) -> None:
    rows = await DerbyVcmSubmission.select(
        DerbyVcmSubmission.status, DerbyVcmSubmission.version
    ).where(DerbyVcmSubmission.id == submission_id)
    if not rows:
        raise NotFoundException()
    if rows[0]["status"] != expected or rows[0]["version"] != version:
        raise StaleVersion(await submission(submission_id))
    if not await versioned_update(DerbyVcmSubmission, submission_id, version, values):
        raise StaleVersion(await submission(submission_id))


async def return_to_practitioner(
    user: CurrentUser, row: dict[str, Any], version: int, reason: str
) -> None:
    """The clerk finds the request incomplete: back to the practitioner, with why."""
    async with write_transaction(DerbyVcmSubmission._meta.db):
        await _transition(
            row["id"],
            version,
            "with_clerk",
            {
                "status": "returned",
                "returned_reason": reason,
                "returned_by": user.id,
                "returned_at": now_utc(),
                "times_returned": row["times_returned"] + 1,
            },
        )
        if row["queue_entry_id"]:
            await teams.close(row["queue_entry_id"], actor=user)
        await audit.record(
            "derby_vcm_returned",
            "success",
            actor=user,
            record_type="derby_vcm_submission",
            record_id=row["id"],
            family_id=row["family"],
        )
        await notify.notify(
            row["submitted_by"],
            "derby_vcm_returned",
            "A request you sent to the Vulnerable Children's Meeting was returned to you",
            f"/derby/submissions/{row['id']}",
            f"derby-returned-{row['id']}-{row['times_returned'] + 1}",
            family_id=row["family"],
            detail=f"Why it was returned: {reason}",
        )


async def resubmit(user: CurrentUser, row: dict[str, Any], version: int, request: str) -> None:
    """The practitioner sends a returned request back to the same inbox."""
    if row["submitted_by"] != user.id:
        raise NotFoundException()
    async with write_transaction(DerbyVcmSubmission._meta.db):
        await _transition(
            row["id"],
            version,
            "returned",
            {"status": "with_clerk", "request": request, "submitted_at": now_utc()},
        )
        await _to_clerk(user, row["family"], row["id"], row["inbox"])
        await audit.record(
            "derby_vcm_resubmitted",
            "success",
            actor=user,
            record_type="derby_vcm_submission",
            record_id=row["id"],
            family_id=row["family"],
        )


async def place_on_meeting(
    user: CurrentUser, row: dict[str, Any], version: int, starts_at: datetime
) -> int:
    """Accept a complete request onto one of the locality VCM's next meetings."""
    series = await ensure_vcm_series(row["locality"])
    if starts_at not in await meetings.open_slots(series, now_utc(), SLOTS_OFFERED):
        raise DerbyError("Select one of the meetings shown", "starts_at")
    try:
        meeting_id = await meetings.meeting_at(series["id"], starts_at)
    except meetings.MeetingHeld:  # held between showing the form and now
        raise DerbyError("That meeting has just been held: select another", "starts_at") from None
    async with write_transaction(DerbyVcmSubmission._meta.db):
        await _transition(
            row["id"],
            version,
            "with_clerk",
            {
                "status": "on_agenda",
                "meeting_id": meeting_id,
                "meeting_starts_at": starts_at,
                "meeting_title": series["title"],
                "placed_by": user.id,
            },
        )
        label = "Early Help Assessment"
        if row["inbox"] == LIGHTHOUSE:
            label += " (significant disability, via The Lighthouse)"
        item_id = await meetings.place_on_agenda(
            user,
            meeting_id,
            family_id=row["family"],
            kind=SUBMISSION,
            record_id=row["id"],
            summary=f"{label}, submitted by {row['submitted_by_name']}, "
            f"{row['submitted_by_organisation']}",
            queue_entry=row["queue_entry_id"],
        )
        await DerbyVcmSubmission.update({DerbyVcmSubmission.agenda_item_id: item_id}).where(
            DerbyVcmSubmission.id == row["id"]
        )
        await audit.record(
            "derby_vcm_placed",
            "success",
            actor=user,
            record_type="derby_vcm_submission",
            record_id=row["id"],
            family_id=row["family"],
            meeting_id=meeting_id,
        )
        await notify.notify(
            row["submitted_by"],
            "derby_vcm_placed",
            "A request you sent to the Vulnerable Children's Meeting is on a meeting's agenda",
            f"/derby/submissions/{row['id']}",
            f"derby-placed-{row['id']}-{item_id}",
            family_id=row["family"],
            detail=f"The meeting: {series['title']}, {format_slot(starts_at)}",
        )
    return meeting_id


async def may_see_submission(user: CurrentUser, row: dict[str, Any]) -> bool:
    """The submitter, the clerks of its inbox, chairs, the allocated practitioner and
    area managers see a submission's page (the family record has its own check)."""
    if user.id in (row["submitted_by"], row["allocated_to"]):
        return True
    if user.has_role("derby.area_manager", "derby.vcm_chair"):
        return True
    if user.has_role("derby.spa_clerk"):
        return row["inbox"] in await teams.teams_of(user.id, AREA)
    return False


async def clerk_may_work(user: CurrentUser, row: dict[str, Any]) -> bool:
    return user.has_role("derby.spa_clerk") and row["inbox"] in await teams.teams_of(user.id, AREA)
