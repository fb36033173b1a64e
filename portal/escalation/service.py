"""Step-up to Children's Social Care, and step-down into early help.

A significant-harm referral is made at once, by phone, through the area's
front door (the area plugin names it); the portal records that it was made.
Recording it, in one transaction: the referral; the lead practitioner's spell
ends and lead responsibility passes to Children's Social Care; any proposed
hand-over of the lead is withdrawn; the decision to share goes in the
information-sharing log (consent is not needed: PROCESS.md step 3); and the
practitioner who referred keeps access to the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from portal.access.service import relationship
from portal.audit import service as audit
from portal.auth.tables import PortalUser
from portal.closure import service as closure
from portal.consent.service import SafeguardingOverride, require_referral_consent
from portal.db import Fact, fetch_fact, row_list, write_transaction
from portal.escalation.tables import SocialCareReferral, StepDown
from portal.families.service import children_of, person_in
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed
from portal.kernel.records import once
from portal.kernel.users import CurrentUser
from portal.lead.tables import LeadSpell, LeadTransfer
from portal.notify.service import Note, notify_many
from portal.sharing import service as sharing
from portal.taf.tables import TafMember

UK = ZoneInfo("Europe/London")
SOCIAL_CARE = "Children's Social Care"
FALLBACK_DESTINATION = "children's social care front door"
KEPT_ACCESS_ROLE = "Referred to social care"
# The lead until the referral stays in the team: social care will ask them what
# they know, and the plan's work may go on alongside the statutory enquiry.
KEPT_LEAD_ROLE = "Lead practitioner until the referral to social care"
SHARING_WHY = "Significant harm: referral to Children's Social Care"
# Who is told (each message is also the email: it never names the family).
TOLD_TAF = "A family in your Team Around the Family has been referred to Children's Social Care"
TOLD_LEAD = "A family you were lead practitioner for has been referred to Children's Social Care"
# Relationships that would end with the lead (a proposed lead's proposal is
# withdrawn): the referrer keeps access by joining the Team Around the Family.
# Break-glass access is not made permanent this way.
ENDS_WITH_THE_LEAD = ("lead", "proposed_lead")
MAY_RECORD_STEP_DOWN = ("lead", "creator", "taf", "area_manager")


class ReferralError(Exception):
    """The referral cannot be recorded as given; the message says why."""


@dataclass(frozen=True)
class NewReferral:
    children: tuple[int, ...]  # person ids of the children the worry is about
    reason: str
    consent_sought: bool
    family_agreed: bool  # only meaningful when consent was sought
    consent_detail: str  # what the family said, or why consent was not sought
    how: str  # how the referral was made, and any reference
    shared: str  # what information was shared


@dataclass(frozen=True)
class NewStepDown:
    from_service: str
    transition_meeting_on: date
    summary: str


def statutory_lead_for(destination: str) -> str:
    return f"{SOCIAL_CARE} ({destination})"


def consent_record(new: NewReferral) -> tuple[str, str, SafeguardingOverride | None]:
    """(consent_sought, consent_detail, the override used) as the referral keeps them."""
    if not new.consent_sought:
        return "no", new.consent_detail, SafeguardingOverride("not_sought", new.consent_detail)
    if new.family_agreed:
        return "yes", f"The family agreed: {new.consent_detail}", None
    detail = f"The family did not agree: {new.consent_detail}"
    return "yes", detail, SafeguardingOverride("refused", new.consent_detail)


async def refer_to_social_care(
    user: CurrentUser, family: Family, new: NewReferral, destination: str, form_key: str
) -> int:
    """Record a referral made to Children's Social Care; returns its id (the
    same one when this form was already submitted). Any practitioner with
    access may refer; a lack of consent never stops it."""
    if not new.reason.strip():
        raise ReferralError("Enter what you are worried about")
    if not new.consent_detail.strip():
        raise ReferralError(
            "Enter what the family said"
            if new.consent_sought
            else "Enter why you did not ask the family for consent"
        )
    if not new.children and await children_of(family.id):
        raise ReferralError("Select which children you are worried about")
    sought, detail, override = consent_record(new)
    for child in new.children:
        person = await person_in(family, child)  # 404 unless the child is in this family
        if person.role != "child":
            raise ReferralError("Select only children")
        if override is not None:  # validates the reason; never refuses a safeguarding referral
            await require_referral_consent(family.id, child, SOCIAL_CARE, override)
    statutory_lead = statutory_lead_for(destination)

    async def create() -> int:
        now = now_utc()
        async with write_transaction(Family._meta.db):
            current = await Family.objects().get(Family.id == family.id)
            assert current is not None
            before = await relationship(user, current)
            referral = SocialCareReferral(
                family=family.id,
                children=json.dumps(list(new.children)),
                reason=new.reason,
                consent_sought=sought,
                consent_detail=detail,
                destination=destination,
                contact=new.how,
                referred_by=user.id,
                referred_at=now,
                previous_lead=current.lead_practitioner,
                idempotency_key=form_key or None,
            )
            await referral.save()
            await LeadSpell.update({LeadSpell.ended_at: now}).where(
                (LeadSpell.family == family.id) & LeadSpell.ended_at.is_null()
            )
            withdrawn = await (
                LeadTransfer.update(
                    {
                        LeadTransfer.status: "withdrawn",
                        LeadTransfer.responded_at: now,
                        LeadTransfer.response_note: f"Lead responsibility passed to {SOCIAL_CARE}",
                    }
                )
                .where((LeadTransfer.family == family.id) & (LeadTransfer.status == "pending"))
                .returning(LeadTransfer.id)
            )
            await Family.update(
                {
                    Family.lead_practitioner: None,
                    Family.statutory_lead: statutory_lead,
                    Family.updated_at: now,
                    Family.version: Family.version + 1,
                }
            ).where(Family.id == family.id)
            await sharing.record_decision(
                user,
                family,
                sharing.NewSharingDecision(
                    decision="shared",
                    what=new.shared,
                    with_agency=statutory_lead,
                    why=SHARING_WHY,
                    basis="safeguarding" if override else "consent",
                    basis_reason=new.consent_detail if override else "",
                    decided_on=now.astimezone(UK).date(),
                ),
                "",
            )
            told = await tell_the_team(user, current, int(referral.id), statutory_lead)
            kept_access = await keep_access(user, family.id, before)
            kept_lead = await keep_the_lead(user, current)
            await audit.record(
                "social_care_referral_recorded",
                "success",
                actor=user,
                record_type="social_care_referral",
                record_id=referral.id,
                family_id=family.id,
                children=len(new.children),
                consent_sought=sought,
                destination=destination,
                lead_ended=current.lead_practitioner is not None,
                transfers_withdrawn=len(withdrawn),
                kept_access=kept_access,
                kept_lead=kept_lead,
                told=told,
            )
            return int(referral.id)

    return await once(SocialCareReferral, form_key, create)


async def tell_the_team(
    user: CurrentUser, family: Family, referral_id: int, statutory_lead: str
) -> int:
    """Tell the family's lead practitioner until now and its current Team Around
    the Family members who use the portal (never the referrer) that it has been
    referred, in the referral's transaction; returns how many were told."""
    members = await TafMember.select(TafMember.user).where(
        (TafMember.family == family.id)
        & TafMember.removed_at.is_null()
        & TafMember.user.is_not_null()
    )
    recipients = {int(m["user"]): TOLD_TAF for m in members}
    if family.lead_practitioner is not None:
        recipients[int(family.lead_practitioner)] = TOLD_LEAD
    recipients.pop(user.id, None)
    detail = f"Referred to {statutory_lead} by {user.display_name}"
    notes = [
        Note(
            recipient,
            "social_care_referral",
            message,
            f"/families/{family.id}#statutory-lead",
            f"social_care_referral:{referral_id}:{recipient}",
            family_id=family.id,
            detail=detail,
        )
        for recipient, message in sorted(recipients.items())
    ]
    return await notify_many(notes)


async def keep_access(user: CurrentUser, family_id: int, before: str | None) -> bool:
    """A referrer whose access came with the lead joins the Team Around the Family
    (visible there, and removable like any member). True when they were added."""
    if before not in ENDS_WITH_THE_LEAD:
        return False
    after = await Family.objects().get(Family.id == family_id)
    if after is None or await relationship(user, after) is not None:
        return False
    await TafMember(
        family=family_id,
        kind="practitioner",
        user=user.id,
        name=user.display_name,
        agency=user.organisation,
        role=KEPT_ACCESS_ROLE,
        email=user.email,
        added_at=now_utc(),
    ).save()
    return True


async def keep_the_lead(user: CurrentUser, family: Family) -> bool:
    """The lead practitioner until the referral (when someone else referred)
    joins the Team Around the Family unless already in it. True when added."""
    lead = family.lead_practitioner
    if lead is None or lead == user.id:
        return False
    in_team = await TafMember.exists().where(
        (TafMember.family == family.id) & (TafMember.user == lead) & TafMember.removed_at.is_null()
    )
    person = await PortalUser.objects().get(PortalUser.id == lead)
    if in_team or person is None:
        return False
    await TafMember(
        family=family.id,
        kind="practitioner",
        user=lead,
        name=person.display_name,
        agency=person.organisation,
        role=KEPT_LEAD_ROLE,
        email=person.email,
        added_at=now_utc(),
    ).save()
    return True


async def require_may_record_step_down(user: CurrentUser, family: Family) -> None:
    if await relationship(user, family) not in MAY_RECORD_STEP_DOWN:
        raise NotAllowed(
            "Only an area manager, or the family's lead practitioner, Team Around the Family "
            "or whoever recorded it, can record a step-down"
        )


async def record_step_down(
    user: CurrentUser, family: Family, new: NewStepDown, form_key: str
) -> int:
    """A specialist or statutory service hands the family into early help: lead
    responsibility comes back from it, and a closed family reopens."""
    await require_may_record_step_down(user, family)
    if not new.from_service.strip():
        raise ReferralError("Enter which service is handing the family over")

    async def create() -> int:
        now = now_utc()
        async with write_transaction(Family._meta.db):
            current = await Family.objects().get(Family.id == family.id)
            assert current is not None
            row = StepDown(
                family=family.id,
                from_service=new.from_service,
                transition_meeting_on=new.transition_meeting_on,
                summary=new.summary,
                recorded_by=user.id,
                recorded_at=now,
                idempotency_key=form_key or None,
            )
            await row.save()
            values: dict[Any, Any] = {
                Family.statutory_lead: "",
                Family.updated_at: now,
                Family.version: Family.version + 1,
            }
            reopened = current.status == "closed"
            if reopened:
                values.update(
                    {Family.status: "open", Family.closed_at: None, Family.closure_reason: ""}
                )
            await Family.update(values).where(Family.id == family.id)
            if reopened:
                await closure.mark_reopened(user, family, f"Stepped down from {new.from_service}")
            await audit.record(
                "step_down_recorded",
                "success",
                actor=user,
                record_type="step_down",
                record_id=row.id,
                family_id=family.id,
                reopened=reopened,
            )
            return int(row.id)

    return await once(StepDown, form_key, create)


# The family's referrals (with who made them and the lead until then), its
# step-downs, and its children's names, in one statement.
HISTORY = """
SELECT jsonb_build_object(
  'referrals', (SELECT jsonb_agg(to_jsonb(r) || jsonb_build_object(
                      'referred_by_name', u.display_name,
                      'referred_by_organisation', u.organisation,
                      'previous_lead_name', pl.display_name)
                    ORDER BY r.referred_at DESC, r.id DESC)
     FROM social_care_referral r
     LEFT JOIN portal_user u ON u.id = r.referred_by
     LEFT JOIN portal_user pl ON pl.id = r.previous_lead
    WHERE r.family = {}),
  'step_downs', (SELECT jsonb_agg(to_jsonb(s) || jsonb_build_object('recorded_by_name', u.display_name)
                    ORDER BY s.recorded_at DESC, s.id DESC)
     FROM step_down s LEFT JOIN portal_user u ON u.id = s.recorded_by
    WHERE s.family = {}),
  'child_names', (SELECT jsonb_object_agg(p.id, p.given_names || ' ' || p.family_name
                     || CASE WHEN p.nhs_number = '' THEN '' ELSE ' (NHS number '
                        || substr(p.nhs_number, 1, 3) || ' ' || substr(p.nhs_number, 4, 3)
                        || ' ' || substr(p.nhs_number, 7) || ')' END)
     FROM person p WHERE p.family = {} AND p.role = 'child'))
"""


History = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def history_fact(family_id: int) -> Fact:
    """The family's referrals to Children's Social Care, newest first, each with
    the names of the children it was about, and its step-downs, newest first."""
    return Fact(SocialCareReferral, HISTORY, (family_id,) * 3, _history)


def _history(value: str | None) -> History:
    found = json.loads(value) if value else {}
    names = {int(k): v for k, v in (found.get("child_names") or {}).items()}
    referrals = row_list(SocialCareReferral, found.get("referrals"))
    for referral in referrals:
        ids = json.loads(referral["children"] or "[]")
        referral["child_names"] = [names[i] for i in ids if i in names]
    return referrals, row_list(StepDown, found.get("step_downs"))


async def history_of(family_id: int) -> History:
    """``history_fact`` read on its own."""
    found: History = await fetch_fact(history_fact(family_id))
    return found


async def referrals_of(family_id: int) -> list[dict[str, Any]]:
    """The family's referrals to Children's Social Care, newest first, each with
    the names of the children it was about (for the record page only)."""
    return (await history_of(family_id))[0]
