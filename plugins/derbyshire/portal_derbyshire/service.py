"""Starting Point's rules: online referrals, triage, the Initial Contact and its
24-hour screening, allocation at the district's Vulnerable Children's Meeting,
and telling the referrer the outcome (seed 001, PROCESS.md "Derbyshire").

Every change is one transaction with its audit row, its queue entries and its
notifications. Functions that start or stop a clock take ``now``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from portal.plugin_api import (
    CurrentUser,
    Family,
    PortalUser,
    StaleVersion,
    assessments,
    audit,
    closure,
    consent,
    current_user_from,
    escalation,
    families,
    lead,
    meetings,
    notify,
    queues,
    write_transaction,
)
from portal_derbyshire.area import DISTRICTS
from portal_derbyshire.clock import within_standard
from portal_derbyshire.tables import Consultation, StartingPointRequest

AREA = "derbyshire"
KIND = "sp_request"
QUEUE = "starting_point"
STARTING_POINT = "derbyshire.starting_point"
SENIOR = "derbyshire.senior_practitioner"
SP_ROLES = (STARTING_POINT, SENIOR)
ADVISOR = "derbyshire.advisor"
VCM_CHAIR = "derbyshire.vcm_chair"
MANAGER = "derbyshire.area_manager"
PRACTITIONER = "derbyshire.practitioner"
AGENCY = "Starting Point"  # the agency a consent to share must name

REQUEST_TYPES = {
    "service": "A service, for example support from the Early Help Team",
    "advice": "Advice",
    "information": "Information",
}
CONSENT_BASES = {
    "consent": "The family consented to sharing with Starting Point",
    "not_sought": "Safeguarding concern: consent was not sought",
    "refused": "Safeguarding concern: consent was refused",
}
TRIAGE = {
    "advice": "Give information and advice",
    "redirect": "Redirect to another service",
    "initial_contact": "Create an Initial Contact for a Senior Practitioner to screen",
}
SCREENING = {
    "vcm": (
        "Early Help Assessment and planning through a Lead Practitioner in the Early Help "
        "Team: allocate at the locality Vulnerable Children's Meeting"
    ),
    "advisor": "An Early Help Advisor supports the referring agency to provide early help",
    "no_further_action": "No further action",
    "social_care": "Referral to Children's Social Care for assessment by a social worker",
}
STATUSES = {  # status: (label, GOV.UK tag colour)
    "with_starting_point": ("With Starting Point", "govuk-tag--blue"),
    "advised": ("Advice given", "govuk-tag--grey"),
    "redirected": ("Redirected", "govuk-tag--grey"),
    "initial_contact": ("Initial Contact: screening", "govuk-tag--yellow"),
    "at_vcm": ("To be allocated at the VCM", "govuk-tag--purple"),
    "allocated": ("Allocated to a Lead Practitioner", "govuk-tag--green"),
    "advisor": ("Early Help Advisor supporting", "govuk-tag--green"),
    "closed": ("No further action", "govuk-tag--grey"),
    "social_care": ("Referred to Children's Social Care", "govuk-tag--red"),
}
OPEN_STATUSES = ("with_starting_point", "initial_contact")
VCM_OUTCOMES = {
    "allocate": "Allocate to a Lead Practitioner",
    "advisor": "Early Help Advisor to support the referrer",
    "no_further_action": "No further action",
    "social_care": "Refer to Children's Social Care",
}


class RequestError(Exception):
    """A change the rules do not allow now; the message says why."""


def district_slug(name: str) -> str:
    return name.lower().replace(" ", "-")


DISTRICT_NAMES = {district_slug(name): name for name in DISTRICTS}


def vcm_series_key(district: str) -> str:
    return f"{AREA}:vcm:{district}"


def eht_team(district: str) -> str:
    return f"eht:{district}"


# Reading ---------------------------------------------------------------------


def _columns() -> list[Any]:
    r = StartingPointRequest
    return [
        *r.all_columns(exclude=[r.idempotency_key]),
        r.referrer.display_name.as_alias("referrer_name"),
        r.referrer.email.as_alias("referrer_email"),
        r.triaged_by.display_name.as_alias("triaged_by_name"),
        r.screened_by.display_name.as_alias("screened_by_name"),
        r.advisor.display_name.as_alias("advisor_name"),
        r.allocated_to.display_name.as_alias("allocated_name"),
    ]


async def request_row(request_id: int) -> dict[str, Any] | None:
    return await (
        StartingPointRequest.select(*_columns())
        .where(StartingPointRequest.id == request_id)
        .first()
    )


def may_see(user: CurrentUser, row: dict[str, Any]) -> bool:
    """Who may open a request: its referrer, Starting Point, the area manager,
    the Early Help Advisor or Lead Practitioner it went to, and VCM chairs
    while it waits for their meeting."""
    if AREA not in user.areas:
        return False
    if user.id in (row["referrer"], row["advisor"], row["allocated_to"]):
        return True
    if user.has_role(*SP_ROLES, MANAGER):
        return True
    return row["status"] == "at_vcm" and user.has_role(VCM_CHAIR)


async def requests_where(condition: Any) -> list[dict[str, Any]]:
    rows = await (
        StartingPointRequest.select(*_columns())
        .where(condition)
        .order_by(StartingPointRequest.submitted_at, ascending=False)
    )
    return await families.with_children(rows, lambda r: int(r["family"]))


async def requests_sent_by(user_id: int) -> list[dict[str, Any]]:
    return await requests_where(StartingPointRequest.referrer == user_id)


async def requests_for_family(family_id: int) -> list[dict[str, Any]]:
    return await requests_where(StartingPointRequest.family == family_id)


async def cases_of(user_id: int) -> list[dict[str, Any]]:
    """Requests an Early Help Advisor supports or a Lead Practitioner was allocated."""
    return await requests_where(
        (StartingPointRequest.advisor == user_id) | (StartingPointRequest.allocated_to == user_id)
    )


async def open_queue() -> list[dict[str, Any]]:
    return await requests_where(StartingPointRequest.status.is_in(list(OPEN_STATUSES)))


async def advisors() -> list[dict[str, Any]]:
    """Active users holding the Early Help Advisor role, by name."""
    rows = await (
        PortalUser.select(PortalUser.id, PortalUser.display_name, PortalUser.roles)
        .where(PortalUser.disabled == False)  # noqa: E712
        .order_by(PortalUser.display_name)
    )
    return [r for r in rows if ADVISOR in r["roles"].split()]


async def involvement(family_id: int, except_request: int) -> dict[str, Any]:
    """The family's history with the portal, to inform triage: previous requests,
    lead practitioners, closures, assessments and referrals to social care."""
    previous = [r for r in await requests_for_family(family_id) if r["id"] != except_request]
    return {
        "requests": previous,
        "spells": (await lead.history(family_id))["spells"],
        "closures": await closure.history(family_id),
        "assessments": await assessments.assessments_of(family_id),
        "referrals": await escalation.referrals_of(family_id),
    }


async def completed_assessments(family_id: int) -> list[dict[str, Any]]:
    """The family's completed assessments, each with its latest frozen version."""
    found = []
    for row in await assessments.assessments_of(family_id):
        versions = await assessments.versions_of(row["id"])
        if versions:
            found.append({**row, "latest_version": versions[-1]})
    return found


# Sending a request ---------------------------------------------------------------


@dataclass(frozen=True)
class NewRequest:
    request_type: str
    child_id: int
    details: str
    consent_basis: str
    consent_detail: str
    assessment_id: int | None = None
    assessment_version: int | None = None


async def send_request(
    user: CurrentUser, family: Family, new: NewRequest, form_key: str, now: datetime
) -> int:
    """An online referral to Starting Point: it lands in Starting Point's queue.

    With consent, the consent gate needs consent in force to share with
    Starting Point; a safeguarding referral goes without, saying why."""
    if family.area != AREA:
        raise RequestError("Only a Derbyshire family can be referred to Starting Point")
    override = None
    if new.consent_basis != "consent":
        override = consent.SafeguardingOverride(new.consent_basis, new.consent_detail)
    await consent.require_referral_consent(family.id, new.child_id, AGENCY, override)

    async def create() -> int:
        async with write_transaction(StartingPointRequest._meta.db):
            row = StartingPointRequest(
                family=family.id,
                referrer=user.id,
                referrer_agency=user.organisation,
                request_type=new.request_type,
                child=new.child_id,
                district=family.locality,
                details=new.details,
                assessment=new.assessment_id,
                assessment_version=new.assessment_version,
                consent_basis=new.consent_basis,
                consent_detail=new.consent_detail,
                submitted_at=now,
                idempotency_key=form_key or None,
            )
            await row.save()
            await queues.place(
                family.id, AREA, QUEUE, kind=KIND, record_id=row.id, roles=SP_ROLES, actor=user
            )
            await audit.record(
                "starting_point_request_sent",
                "success",
                actor=user,
                record_type="starting_point_request",
                record_id=row.id,
                family_id=family.id,
                consent_basis=new.consent_basis,
                assessment_version=new.assessment_version or "",
            )
            return int(row.id)

    return await families.once(StartingPointRequest, form_key, create)


# Telling the referrer --------------------------------------------------------------


async def tell_referrer(row: dict[str, Any], stage: str, message: str, now: datetime) -> None:
    """Notify the referrer (in the portal and by email) and, the first time,
    record when they were told: the 24-hour standard's second half."""
    made = await notify.notify(
        row["referrer"],
        "starting_point_outcome",
        "A request you sent to Starting Point has an outcome",
        f"/derbyshire/requests/{row['id']}",
        f"derbyshire:sp_request:{row['id']}:{stage}",
    )
    values: dict[Any, Any] = {StartingPointRequest.outcome_message: message[:300]}
    if made and row["referrer_told_at"] is None:
        values[StartingPointRequest.referrer_told_at] = now
    await StartingPointRequest.update(values).where(StartingPointRequest.id == row["id"])


async def _save(row: dict[str, Any], version: int, values: dict[str, Any]) -> dict[str, Any]:
    saved = await families.versioned_update(StartingPointRequest, row["id"], version, values)
    if not saved:
        raise StaleVersion(row)
    fresh = await request_row(row["id"])
    assert fresh is not None
    return fresh


async def eht_lead(family_id: int) -> str:
    """The name of the family's lead practitioner if they work in a district
    Early Help Team ("" if not): then Starting Point may not just advise."""
    family = await Family.objects().get(Family.id == family_id)
    if family is None or family.lead_practitioner is None:
        return ""
    teams = await queues.teams_of(family.lead_practitioner, AREA)
    if not any(team.startswith("eht:") for team in teams):
        return ""
    person = await PortalUser.objects().get(PortalUser.id == family.lead_practitioner)
    return person.display_name if person else ""


# Triage ----------------------------------------------------------------------------


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
        row = await _save(row, version, values)
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
            await queues.close_for_record(KIND, request_id, actor=user)
            message = (
                f"Starting Point gave information and advice: {detail}"
                if outcome == "advice"
                else f"Starting Point redirected the request to {redirected_to}: {detail}"
            )
            await tell_referrer(row, "triage", message, now)


# Screening -------------------------------------------------------------------------


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
    starts_at = meetings.next_slots(series, now, 1)[0]
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


def uk_time(moment: datetime) -> str:
    local = moment.astimezone(meetings.UK)
    return local.strftime("%A %-d %B %Y at %H:%M")


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
        row = await _save(
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
        await queues.close_for_record(KIND, request_id, actor=user)
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
            await queues.place(
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


async def give_to_advisor(actor: CurrentUser | None, row: dict[str, Any], advisor_id: int) -> None:
    await queues.place(
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
    )


# The VCM's decision (portal_agenda_decided) -----------------------------------------


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
    await queues.place(
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


# Consultations -----------------------------------------------------------------------


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

    return await families.once(Consultation, form_key, create)


async def consultations_of(family_id: int) -> list[dict[str, Any]]:
    return await (
        Consultation.select(
            *Consultation.all_columns(exclude=[Consultation.idempotency_key]),
            Consultation.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(Consultation.family == family_id)
        .order_by(Consultation.recorded_at, ascending=False)
    )


# The 24-hour report ---------------------------------------------------------------------


def _week_of(moment: datetime) -> tuple[int, int]:
    iso = moment.astimezone(meetings.UK).isocalendar()
    return iso.year, iso.week


def _percent(met: int, count: int) -> str:
    return f"{round(100 * met / count)}%" if count else "None"


async def timeliness() -> list[dict[str, Any]]:
    """Per ISO week (UK time), screening decisions made within 24 hours of the
    Initial Contact, and referrers told within 24 hours of the clock starting
    (the Initial Contact, or the request's arrival when Starting Point answered
    it at triage). Newest week first."""
    r = StartingPointRequest
    rows = await r.select(
        r.submitted_at, r.initial_contact_at, r.screened_at, r.referrer_told_at
    ).where(r.screened_at.is_not_null() | r.referrer_told_at.is_not_null())
    weeks: dict[tuple[int, int], dict[str, int]] = {}

    def week(key: tuple[int, int]) -> dict[str, int]:
        return weeks.setdefault(key, {"screened": 0, "screened_met": 0, "told": 0, "told_met": 0})

    for row in rows:
        if row["screened_at"] is not None:
            counts = week(_week_of(row["screened_at"]))
            counts["screened"] += 1
            counts["screened_met"] += within_standard(row["initial_contact_at"], row["screened_at"])
        if row["referrer_told_at"] is not None:
            counts = week(_week_of(row["referrer_told_at"]))
            start = row["initial_contact_at"] or row["submitted_at"]
            counts["told"] += 1
            counts["told_met"] += within_standard(start, row["referrer_told_at"])
    return [
        {
            "year": year,
            "week": number,
            "label": f"{year} week {number}",
            "monday": date.fromisocalendar(year, number, 1),
            **counts,
            "screened_percent": _percent(counts["screened_met"], counts["screened"]),
            "told_percent": _percent(counts["told_met"], counts["told"]),
        }
        for (year, number), counts in sorted(weeks.items(), reverse=True)
    ]
