"""Derby's rules: the Pre-Assessment, Professional Consultation Line contacts,
and a completed Early Help Assessment's way through the SPA clerk (or The
Lighthouse) to the weekly Vulnerable Children's Meeting (VCM) and back.

Only ``portal.plugin_api`` is used from the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar.exceptions import NotFoundException

from portal.plugin_api import (
    AgendaDecision,
    AgendaOutcome,
    AreaTeam,
    CurrentUser,
    Family,
    StaleVersion,
    assessments,
    audit,
    consent,
    families,
    meetings,
    notify,
    now_utc,
    queues,
    write_transaction,
)
from portal_derby.area import DERBY
from portal_derby.tables import DerbyConsultation, DerbyPreAssessment, DerbyVcmSubmission

AREA = "derby"
UK = ZoneInfo("Europe/London")
SUBMISSION = "derby_vcm_submission"  # queue / agenda kind of a submission
ALLOCATION = "derby_allocation"  # the allocated MAT member's entry
SUPPORT_REQUEST = "derby_support_request"  # a pre-assessment's low-level request to the MAT
VCM_AGENCY = "Derby Vulnerable Children's Meeting"
LIGHTHOUSE = "lighthouse"
LOCALITIES = {loc.slug: loc.name for loc in DERBY.localities}

# Each locality's weekly VCM slot (weekday Monday=0, UK time). Defaults only:
# the core's schedule admin changes a series once it exists.
VCM_SCHEDULE: dict[str, tuple[int, str]] = {
    "north": (1, "10:00"),  # Tuesday
    "south": (2, "10:00"),  # Wednesday
    "east": (3, "13:30"),  # Thursday
    "west": (4, "10:00"),  # Friday
}
SLOTS_OFFERED = 4

MAT_DISCIPLINES = (
    "Children's practitioner",
    "Education welfare officer",
    "Youth worker",
    "Youth offending / crime prevention officer",
    "Children's centre staff",
    "Careers guidance",
)

CONCLUSIONS = {
    "single_agency": "Our single-agency action plan should meet the needs",
    "eha_needed": "A full Early Help Assessment is needed",
}
GIVEN_BY = consent.GIVEN_BY
METHODS = consent.METHODS

STATUS_TAGS = {
    "with_clerk": ("With the SPA clerk", "govuk-tag--blue"),
    "returned": ("Returned", "govuk-tag--orange"),
    "on_agenda": ("On the agenda", "govuk-tag--purple"),
    "decided": ("Decided", "govuk-tag--green"),
}


class DerbyError(Exception):
    """A rule stopped the action; the message says what to do instead."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Localities, inboxes and meetings ------------------------------------------


def locality_name(slug: str) -> str:
    return LOCALITIES.get(slug, slug)


def inbox_for(locality: str, significant_disability: bool) -> str:
    return LIGHTHOUSE if significant_disability else f"spa:{locality}"


def inbox_name(inbox: str) -> str:
    if inbox == LIGHTHOUSE:
        return "The Lighthouse"
    return f"the SPA clerk for {locality_name(inbox.removeprefix('spa:'))}"


def series_key(locality: str) -> str:
    return f"derby:vcm:{locality}"


def series_title(locality: str) -> str:
    return f"{locality_name(locality)} Vulnerable Children's Meeting"


async def ensure_vcm_series(locality: str) -> dict[str, Any]:
    """The locality's weekly VCM series, created with the plugin's default slot."""
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
    series = await ensure_vcm_series(locality)
    return meetings.next_slots(series, after or now_utc(), SLOTS_OFFERED)


def uk_day(at: datetime) -> str:
    """'Tuesday 3 March 2026' in UK time."""
    local = at.astimezone(UK)
    return f"{local:%A} {local.day} {local:%B %Y}"


def uk_time(at: datetime) -> str:
    return at.astimezone(UK).strftime("%H:%M")


def area_teams() -> list[AreaTeam]:
    teams = []
    for slug, name in LOCALITIES.items():
        teams.append(
            AreaTeam(
                key=f"spa:{slug}",
                name=f"{name} SPA inbox",
                description=f"Single Point of Access clerks for {name}: they check requests "
                f"for the {name} Vulnerable Children's Meeting and put them on its agenda.",
            )
        )
    teams.append(
        AreaTeam(
            key=LIGHTHOUSE,
            name="The Lighthouse",
            description="Receives requests for children with a significant disability and "
            "puts them on the family's locality Vulnerable Children's Meeting.",
        )
    )
    for slug, name in LOCALITIES.items():
        teams.append(
            AreaTeam(
                key=f"mat:{slug}",
                name=f"{name} Multi-Agency Team",
                description=f"Practitioners the {name} Vulnerable Children's Meeting can "
                "allocate a family to.",
                member_roles=MAT_DISCIPLINES,
            )
        )
    return teams


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


# Pre-Assessment ----------------------------------------------------------------


@dataclass(frozen=True)
class PreAssessmentInput:
    child_id: int | None
    needs: str
    strengths: str
    child_views: str
    parent_views: str
    action_plan: str
    review_on: date | None
    conclusion: str


PRE_ASSESSMENT_FIELDS = (
    ("needs", "The needs"),
    ("strengths", "Strengths"),
    ("child_views", "The child's views"),
    ("parent_views", "Parents' and carers' views"),
    ("action_plan", "Single-agency action plan"),
    ("conclusion", "Conclusion"),
)


async def create_pre_assessment(
    user: CurrentUser, family: Family, new: PreAssessmentInput, form_key: str
) -> int:
    async def create() -> int:
        async with write_transaction(DerbyPreAssessment._meta.db):
            now = now_utc()
            row = DerbyPreAssessment(
                family=family.id,
                child=new.child_id,
                needs=new.needs,
                strengths=new.strengths,
                child_views=new.child_views,
                parent_views=new.parent_views,
                action_plan=new.action_plan,
                review_on=new.review_on,
                conclusion=new.conclusion,
                created_by=user.id,
                created_at=now,
                updated_by=user.id,
                updated_at=now,
                idempotency_key=form_key or None,
            )
            await row.save()
            await audit.record(
                "derby_pre_assessment_recorded",
                "success",
                actor=user,
                record_type="derby_pre_assessment",
                record_id=row.id,
                family_id=family.id,
            )
            return int(row.id)

    return await families.once(DerbyPreAssessment, form_key, create)


async def pre_assessments_of(family_id: int) -> list[dict[str, Any]]:
    return await (
        DerbyPreAssessment.select(
            *DerbyPreAssessment.all_columns(exclude=[DerbyPreAssessment.idempotency_key]),
            DerbyPreAssessment.created_by.display_name.as_alias("created_by_name"),
            DerbyPreAssessment.child.given_names.as_alias("child_given_names"),
            DerbyPreAssessment.child.family_name.as_alias("child_family_name"),
        )
        .where(DerbyPreAssessment.family == family_id)
        .order_by(DerbyPreAssessment.id, ascending=False)
    )


async def pre_assessment_in(family_id: int, pre_id: int) -> dict[str, Any]:
    """The pre-assessment if it is this family's (another family's id is a 404)."""
    rows = await DerbyPreAssessment.select(
        *DerbyPreAssessment.all_columns(exclude=[DerbyPreAssessment.idempotency_key]),
        DerbyPreAssessment.created_by.display_name.as_alias("created_by_name"),
        DerbyPreAssessment.updated_by.display_name.as_alias("updated_by_name"),
    ).where((DerbyPreAssessment.id == pre_id) & (DerbyPreAssessment.family == family_id))
    if not rows:
        raise NotFoundException()
    return rows[0]


async def update_pre_assessment(
    user: CurrentUser, family: Family, pre_id: int, version: int, new: PreAssessmentInput
) -> None:
    """A review: save the changes unless someone saved since ``version`` (StaleVersion)."""
    async with write_transaction(DerbyPreAssessment._meta.db):
        saved = await families.versioned_update(
            DerbyPreAssessment,
            pre_id,
            version,
            {
                "child": new.child_id,
                "needs": new.needs,
                "strengths": new.strengths,
                "child_views": new.child_views,
                "parent_views": new.parent_views,
                "action_plan": new.action_plan,
                "review_on": new.review_on,
                "conclusion": new.conclusion,
                "updated_by": user.id,
                "updated_at": now_utc(),
            },
        )
        if not saved:
            raise StaleVersion(await pre_assessment_in(family.id, pre_id))
        await audit.record(
            "derby_pre_assessment_reviewed",
            "success",
            actor=user,
            record_type="derby_pre_assessment",
            record_id=pre_id,
            family_id=family.id,
        )


def carried_answers(pre: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The assessment sections' starting text, from the pre-assessment's answers."""
    carried: dict[str, dict[str, Any]] = {}
    if pre["needs"]:
        carried["needs"] = {"children_needs": pre["needs"], "parents_needs": ""}
    if pre["strengths"]:
        carried["strengths"] = {"strengths": pre["strengths"]}
    if pre["child_views"]:
        carried["child_voice"] = {
            "wishes_feelings": pre["child_views"],
            "how_communicated": "",
            "seen_on-day": "",
            "seen_on-month": "",
            "seen_on-year": "",
        }
    if pre["parent_views"]:
        carried["parents_views"] = {"views": pre["parent_views"], "differences": ""}
    return carried


async def start_assessment_from(
    user: CurrentUser, family: Family, pre: dict[str, Any], started_on: date, form_key: str
) -> int:
    """Start the full Early Help Assessment this pre-assessment concluded is needed.

    The core's ``start`` takes no answers, so the pre-assessment's text is saved
    as the starting content of the matching sections (in progress, not complete)
    through ``save_section``. Raises the core's ConsentRequired / AlreadyInProgress."""
    if pre["assessment_id"]:
        return int(pre["assessment_id"])
    if pre["child"] is None:
        raise DerbyError("Choose which child the pre-assessment is about first", "child")
    page = f"/derby/families/{family.id}/pre-assessments/{pre['id']}"
    assessment_id = await assessments.start(user, family, pre["child"], started_on, form_key, page)
    assessment = await assessments.assessment_in(family, assessment_id)
    for slug, answers in carried_answers(pre).items():
        section = await assessments.section_of(assessment_id, slug)
        if section["status"] != "not_started":
            continue  # a repeat of this request: never over someone's text
        try:
            await assessments.save_section(
                user, family, assessment, section, answers, False, section["version"], page
            )
        except assessments.StaleSection:
            continue
    async with write_transaction(DerbyPreAssessment._meta.db):
        await DerbyPreAssessment.update(
            {
                DerbyPreAssessment.assessment_id: assessment_id,
                DerbyPreAssessment.conclusion: "eha_needed",
                DerbyPreAssessment.version: DerbyPreAssessment.version + 1,
            }
        ).where(DerbyPreAssessment.id == pre["id"])
        await audit.record(
            "derby_pre_assessment_to_eha",
            "success",
            actor=user,
            record_type="derby_pre_assessment",
            record_id=pre["id"],
            family_id=family.id,
            assessment_id=assessment_id,
        )
    return assessment_id


async def request_support(
    user: CurrentUser, family: Family, pre: dict[str, Any], consent_by: str, request: str
) -> None:
    """With the family's consent, ask the locality MAT ("team around the school")
    for low-level support: the request waits in the MAT's inbox (its members may
    open the family while it is open). A repeat changes nothing."""
    if pre["support_requested_at"] is not None:
        return
    team = f"mat:{family.locality}"
    async with write_transaction(DerbyPreAssessment._meta.db):
        entry = await queues.place(
            family.id,
            AREA,
            team,
            kind=SUPPORT_REQUEST,
            record_id=pre["id"],
            team=team,
            actor=user,
        )
        await DerbyPreAssessment.update(
            {
                DerbyPreAssessment.support_requested_at: now_utc(),
                DerbyPreAssessment.support_consent_by: consent_by,
                DerbyPreAssessment.support_request: request,
                DerbyPreAssessment.support_entry_id: entry,
                DerbyPreAssessment.version: DerbyPreAssessment.version + 1,
            }
        ).where(DerbyPreAssessment.id == pre["id"])
        for member in await queues.team_members(AREA, team):
            await notify.notify(
                member["user"],
                "derby_support_request",
                "A request for low-level support is waiting for your Multi-Agency Team",
                "/derby/allocations",
                f"derby-support-{pre['id']}-{member['user']}",
            )


# Professional Consultation Line ------------------------------------------------


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

    return await families.once(DerbyConsultation, form_key, create)


async def consultations_of(family_id: int) -> list[dict[str, Any]]:
    return await (
        DerbyConsultation.select(
            *DerbyConsultation.all_columns(exclude=[DerbyConsultation.idempotency_key]),
            DerbyConsultation.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(DerbyConsultation.family == family_id)
        .order_by(DerbyConsultation.id, ascending=False)
    )


# Submissions to the VCM ----------------------------------------------------------


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
    family's locality (or The Lighthouse); a repeat of the form makes one."""
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
    entry = await queues.place(
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
    for member in await queues.team_members(AREA, inbox):
        await notify.notify(
            member["user"],
            "derby_vcm_request",
            "A request for the Vulnerable Children's Meeting is waiting in your inbox",
            f"/derby/inbox/{submission_id}",
            f"derby-inbox-{submission_id}-{entry}-{member['user']}",
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


async def support_requests_for(teams: set[str]) -> list[dict[str, Any]]:
    localities = [t.removeprefix("mat:") for t in teams if t.startswith("mat:")]
    if not localities:
        return []
    return await (
        DerbyPreAssessment.select(
            DerbyPreAssessment.id,
            DerbyPreAssessment.family,
            DerbyPreAssessment.support_requested_at,
            DerbyPreAssessment.support_request,
            DerbyPreAssessment.created_by.display_name.as_alias("created_by_name"),
            DerbyPreAssessment.created_by.organisation.as_alias("created_by_organisation"),
            DerbyPreAssessment.family.locality.as_alias("locality"),
        )
        .where(
            DerbyPreAssessment.support_requested_at.is_not_null()
            & DerbyPreAssessment.family.locality.is_in(localities)
            & (DerbyPreAssessment.family.area == AREA)
        )
        .order_by(DerbyPreAssessment.support_requested_at, ascending=False)
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
        return f"On the agenda for {uk_day(row['meeting_starts_at'])}"
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
    if not await families.versioned_update(DerbyVcmSubmission, submission_id, version, values):
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
            await queues.close(row["queue_entry_id"], actor=user)
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
    if starts_at not in meetings.next_slots(series, now_utc(), SLOTS_OFFERED):
        raise DerbyError("Select one of the meetings shown", "starts_at")
    meeting_id = await meetings.meeting_at(series["id"], starts_at)
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
        )
    return meeting_id


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
    await queues.close_for_record(SUBMISSION, row["id"])
    if row["allocation_entry_id"]:  # a decision changed: the earlier allocation ends
        await queues.close(row["allocation_entry_id"])
    allocation_entry = None
    if decision.allocated_to is not None:
        allocation_entry = await queues.place(
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
    if row["submitted_by"] is not None:
        await notify.notify(
            row["submitted_by"],
            "derby_vcm_decided",
            "The Vulnerable Children's Meeting has decided a request you submitted",
            link,
            f"derby-decided-{row['id']}-{decision.item_id}",
        )
    if decision.allocated_to is not None:
        await notify.notify(
            decision.allocated_to,
            "derby_vcm_allocated",
            "The Vulnerable Children's Meeting has allocated a family to you",
            link,
            f"derby-allocated-{row['id']}-{decision.item_id}-{decision.allocated_to}",
        )


async def may_see_submission(user: CurrentUser, row: dict[str, Any]) -> bool:
    """The submitter, the clerks of its inbox, chairs, the allocated practitioner and
    area managers see a submission's page (the family record has its own check)."""
    if user.id in (row["submitted_by"], row["allocated_to"]):
        return True
    if user.has_role("derby.area_manager", "derby.vcm_chair"):
        return True
    if user.has_role("derby.spa_clerk"):
        return row["inbox"] in await queues.teams_of(user.id, AREA)
    return False


async def clerk_may_work(user: CurrentUser, row: dict[str, Any]) -> bool:
    return user.has_role("derby.spa_clerk") and row["inbox"] in await queues.teams_of(user.id, AREA)


async def locality_contacts(locality: str) -> list[dict[str, Any]]:
    """Who to ask about existing involvement: the locality's SPA clerks."""
    return await queues.team_members(AREA, f"spa:{locality}")
