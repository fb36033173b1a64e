"""Consent rules, and the consent gate the assessment and referral code call.

History is append-only: consent given or refused is one row; a withdrawal is
another. Withdrawing consent to keep the record closes the family's open
work and restricts the record to its lead practitioner and area managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.audit import service as audit
from portal.closure import service as closure
from portal.consent.tables import ConsentRecord, ConsentWithdrawal
from portal.db import Fact, fetch_fact, row_from_json, rows_from_json, write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotFound
from portal.kernel.records import once
from portal.kernel.users import CurrentUser

PURPOSES = {
    "assessment": "To the Early Help Assessment",
    "record": "To keeping a record on the portal",
    "sharing": "To sharing information with named agencies",
}
GIVEN_BY = {
    "parent_carer": "A parent or carer",
    "young_person": "The young person (judged competent to consent)",
}
METHODS = {"written": "Written", "verbal": "Verbal"}
SAFEGUARDING_REASONS = {
    "not_sought": "Consent was not sought",
    "refused": "Consent was refused",
}


class ConsentRequired(Exception):
    """The action needs consent that has not been given (or was withdrawn)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NewConsent:
    person_id: int
    purpose: str
    decision: str
    given_by: str
    given_by_name: str
    method: str
    given_on: date
    agencies: str = ""
    competence_judged_by: str = ""
    notes: str = ""


@dataclass(frozen=True)
class SafeguardingOverride:
    """A safeguarding referral goes ahead without consent: say why (PROCESS.md step 3)."""

    consent: str  # not_sought / refused
    reason: str


async def record_consent(user: CurrentUser, family: Family, new: NewConsent, form_key: str) -> int:
    """Record a consent decision (once per form), audited; returns its id."""

    async def create() -> int:
        async with write_transaction(Family._meta.db):
            row = ConsentRecord(
                family=family.id,
                person=new.person_id,
                purpose=new.purpose,
                agencies=new.agencies,
                decision=new.decision,
                given_by=new.given_by,
                given_by_name=new.given_by_name,
                competence_judged_by=new.competence_judged_by,
                method=new.method,
                given_on=new.given_on,
                notes=new.notes,
                recorded_by=user.id,
                recorded_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await row.save()
            await audit.record(
                "consent_recorded",
                "success",
                actor=user,
                record_type="consent",
                record_id=row.id,
                family_id=family.id,
                purpose=new.purpose,
                decision=new.decision,
            )
            return int(row.id)

    return await once(ConsentRecord, form_key, create)


async def withdraw_consent(
    user: CurrentUser, family: Family, consent_id: int, withdrawn_on: date, reason: str
) -> ConsentRecord:
    """Withdraw; a second withdrawal of the same consent changes nothing."""
    async with write_transaction(Family._meta.db):
        consent = await ConsentRecord.objects().get(
            (ConsentRecord.id == consent_id) & (ConsentRecord.family == family.id)
        )
        if consent is None:
            raise NotFound()
        if await ConsentWithdrawal.exists().where(ConsentWithdrawal.consent == consent_id):
            return consent
        await ConsentWithdrawal(
            consent=consent_id,
            withdrawn_on=withdrawn_on,
            reason=reason,
            recorded_by=user.id,
            recorded_at=now_utc(),
        ).save()
        await audit.record(
            "consent_withdrawn",
            "success",
            actor=user,
            record_type="consent",
            record_id=consent_id,
            family_id=family.id,
            purpose=consent.purpose,
        )
        if consent.purpose == "record" and consent.decision == "given":
            await close_and_restrict(user, family)
    return consent


async def close_and_restrict(user: CurrentUser, family: Family) -> None:
    """Consent to keep the record is gone: close the family's open work and
    narrow access to the lead practitioner and area managers."""
    await Family.update(
        {
            Family.status: "closed",
            Family.closed_at: now_utc(),
            Family.closure_reason: "consent withdrawn",
            Family.restricted: True,
            Family.version: Family.version + 1,
        }
    ).where(Family.id == family.id)
    await audit.record(
        "family_closed",
        "success",
        actor=user,
        record_type="family",
        record_id=family.id,
        family_id=family.id,
        reason="consent withdrawn",
    )
    await closure.record_consent_withdrawn(user, family)  # the closure history shows it too


# Every consent on the family with who it is about and who recorded it, and
# its withdrawal if any, newest first.
HISTORY = """
SELECT jsonb_agg(
    to_jsonb(c) || jsonb_build_object(
        'person_given', p.given_names, 'person_family', p.family_name,
        'recorded_by_name', u.display_name,
        'withdrawal', (SELECT to_jsonb(w) || jsonb_build_object('recorded_by_name', wu.display_name)
                       FROM consent_withdrawal w LEFT JOIN portal_user wu ON wu.id = w.recorded_by
                       WHERE w.consent = c.id))
    ORDER BY c.recorded_at DESC)
FROM consent_record c
LEFT JOIN person p ON p.id = c.person
LEFT JOIN portal_user u ON u.id = c.recorded_by
WHERE c.family = {}
"""


def history_fact(family_id: int) -> Fact:
    """Every consent on the family, newest first, each with its withdrawal if any."""
    return Fact(ConsentRecord, HISTORY, (family_id,), _history)


def _history(value: str | None) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "withdrawal": row_from_json(ConsentWithdrawal, row["withdrawal"])
            if row["withdrawal"]
            else None,
        }
        for row in rows_from_json(ConsentRecord, value)
    ]


async def consent_history(family_id: int) -> list[dict[str, Any]]:
    """Every consent on the family, newest first, each with its withdrawal if any."""
    history: list[dict[str, Any]] = await fetch_fact(history_fact(family_id))
    return history


def in_force(consent: dict[str, Any]) -> bool:
    """Whether a consent was given and has not been withdrawn."""
    return consent["decision"] == "given" and consent["withdrawal"] is None


def covers_agency(consent: dict[str, Any], agency: str) -> bool:
    """Whether a consent names this agency among those information may go to."""
    named = [a.strip().casefold() for a in consent["agencies"].replace("\n", ",").split(",")]
    return agency.strip().casefold() in named


async def require_assessment_consent(family_id: int, child_id: int) -> None:
    """Gate: an Early Help Assessment of this child needs consent in force to
    the assessment and to keeping the record."""
    history = [c for c in await consent_history(family_id) if in_force(c)]
    for purpose in ("record", "assessment"):
        if not any(c["purpose"] == purpose and c["person"] == child_id for c in history):
            raise ConsentRequired(
                f"Record consent {PURPOSES[purpose].lower()} for this child "
                "before starting an assessment"
            )


async def require_referral_consent(
    family_id: int, child_id: int, agency: str, safeguarding: SafeguardingOverride | None = None
) -> SafeguardingOverride | None:
    """Gate: a referral to ``agency`` needs consent in force to share with it,
    unless it is a safeguarding referral that says why consent was not sought
    or was refused. Returns the override used, for the referral to record."""
    if safeguarding is not None:
        if safeguarding.consent not in SAFEGUARDING_REASONS or not safeguarding.reason.strip():
            raise ConsentRequired(
                "Say whether consent was not sought or was refused, and why, "
                "for a safeguarding referral without consent"
            )
        return safeguarding
    history = [c for c in await consent_history(family_id) if in_force(c)]
    if not any(
        c["purpose"] == "sharing" and c["person"] == child_id and covers_agency(c, agency)
        for c in history
    ):
        raise ConsentRequired(
            f"Record consent to share information with {agency} before sending this referral. "
            "If a child may be at risk of significant harm, make a safeguarding referral now: "
            "it does not need consent"
        )
    return None
