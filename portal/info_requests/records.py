"""The core's records about a person, as sections of an information request:
their person record, the household, consent, sharing, consultations, lead practitioners,
escalations, closures, notifications and who accessed the family's record."""

from __future__ import annotations

from typing import Any

from portal.areas import RecordItem, RecordSection, Redaction
from portal.audit.tables import AuditEvent
from portal.closure import service as closure
from portal.consent import service as consent
from portal.consultations import service as consultations
from portal.escalation import service as escalation
from portal.families.service import ROLES
from portal.families.tables import Family, Person
from portal.info_requests.redaction import (
    CONTACT_REASON,
    OTHER_PERSON_FIELDS,
    OTHER_PERSON_REASON,
    REDACTED,
    THIRD_PARTY_CONSENT_REASON,
    Subject,
    full_name,
)
from portal.kernel.formatting import in_words
from portal.lead import service as lead
from portal.notify.tables import Notification
from portal.sharing import service as sharing

Fields = tuple[tuple[str, str], ...]


text = in_words  # the kernel's one formatter, as the plugins' sections use


def by(name: Any, when: Any, organisation: Any = "") -> str:
    if not name:
        return f"Recorded on {text(when)}"
    who = f"{name}, {organisation}" if organisation else str(name)
    return f"Recorded by {who} on {text(when)}"


def person_fields(person: Person) -> Fields:
    return (
        ("Name", full_name(person)),
        ("Role in the family", ROLES.get(person.role, person.role)),
        *((label, text(getattr(person, column))) for column, label in OTHER_PERSON_FIELDS),
    )


def person_record(subject: Subject) -> RecordSection:
    person = subject.person
    return RecordSection(
        "Your personal details",
        (RecordItem(full_name(person), person_fields(person), by("", person.created_at)),),
    )


def household(subject: Subject, family: Family) -> RecordSection:
    address = ", ".join(
        p for p in (family.address_line_1, family.address_line_2, family.town, family.postcode) if p
    )
    items = [
        RecordItem(
            "The family's record",
            (
                ("Family record number", str(family.id)),
                ("Area and locality", f"{family.area}, {family.locality}"),
                ("Address", address or "Not recorded"),
                ("Status", "Closed" if family.status == "closed" else "Open"),
                ("Statutory lead", family.statutory_lead or "None"),
                ("Record restricted", "Yes" if family.restricted else "No"),
            ),
            by("", family.created_at),
        )
    ]
    redactions = []
    for other in subject.people:
        if subject.is_subject(other.id):
            continue
        fields = (
            ("Name", full_name(other)),
            ("Role in the family", ROLES.get(other.role, other.role)),
            *((label, REDACTED) for _, label in OTHER_PERSON_FIELDS),
        )
        items.append(RecordItem(f"Household member: {full_name(other)}", fields))
        redactions.append(
            Redaction(
                f"Household, {full_name(other)}: "
                + ", ".join(label.lower() for _, label in OTHER_PERSON_FIELDS),
                OTHER_PERSON_REASON,
            )
        )
    return RecordSection("Your family's record (household)", tuple(items), tuple(redactions))


async def consents(subject: Subject, family_id: int) -> RecordSection:
    items, redactions = [], []
    for row in reversed(await consent.consent_history(family_id)):  # oldest first
        about = f"{row['person_given']} {row['person_family']}"
        heading = f"Consent {consent.PURPOSES.get(row['purpose'], row['purpose']).lower()}"
        if not (subject.is_subject(row["person"]) or subject.gave(row["given_by_name"])):
            items.append(RecordItem(f"{heading} (another family member)", (("Details", REDACTED),)))
            redactions.append(Redaction(f"Consent record {row['id']}", THIRD_PARTY_CONSENT_REASON))
            continue
        fields: list[tuple[str, str]] = [
            ("About", about),
            ("Decision", "Given" if row["decision"] == "given" else "Refused"),
            ("Given by", f"{consent.GIVEN_BY.get(row['given_by'], '')} {row['given_by_name']}"),
            ("Method", consent.METHODS.get(row["method"], row["method"])),
            ("Date", text(row["given_on"])),
        ]
        if row["agencies"]:
            fields.append(("Agencies", row["agencies"]))
        if row["competence_judged_by"]:
            fields.append(("Competence judged by", row["competence_judged_by"]))
        if row["notes"]:
            fields.append(("Notes", row["notes"]))
        withdrawal = row["withdrawal"]
        if withdrawal:
            fields.append(("Withdrawn on", text(withdrawal["withdrawn_on"])))
            fields.append(("Why withdrawn", withdrawal["reason"]))
        items.append(
            RecordItem(heading, tuple(fields), by(row["recorded_by_name"], row["recorded_at"]))
        )
    return RecordSection("Consent", tuple(items), tuple(redactions))


async def sharing_decisions(family_id: int) -> RecordSection:
    items = [
        RecordItem(
            sharing.DECISIONS.get(row["decision"], row["decision"]),
            (
                ("What", row["what"]),
                ("With", ", ".join(p for p in (row["with_agency"], row["with_person"]) if p)),
                ("Why", row["why"]),
                ("Basis", sharing.BASES.get(row["basis"], row["basis"])),
                ("Reason for sharing without consent", row["basis_reason"] or "Not applicable"),
                ("Advice sought", row["consultations"] or "None recorded"),
                ("Decided on", text(row["decided_on"])),
            ),
            by(row["recorded_by_name"], row["recorded_at"], row["recorded_by_organisation"]),
        )
        for row in reversed(await sharing.timeline(family_id))
    ]
    return RecordSection("Decisions to share information", tuple(items))


async def consultations_with_the_line(family_id: int) -> RecordSection:
    items = [
        RecordItem(
            f"Consultation on {text(row['consulted_on'])}",
            (
                ("Advice line", text(row["line"])),
                ("Adviser", text(row["adviser_name"])),
                ("Question", text(row["question"])),
                ("Advice", text(row["advice"])),
                ("Advised to refer to children's social care", text(row["significant_harm"])),
            ),
            by(row["recorded_by_name"], row["recorded_at"]),
        )
        for row in reversed(await consultations.consultations_of(family_id))
    ]
    return RecordSection("Consultations with the advice line", tuple(items))


async def lead_practitioners(family_id: int) -> RecordSection:
    history = await lead.history(family_id)
    items = [
        RecordItem(
            f"Lead practitioner: {s['name']}",
            (
                ("Agency", s["agency"] or "Not recorded"),
                ("From", text(s["started_at"])),
                ("Until", text(s["ended_at"]) if s["ended_at"] else "Now"),
                ("How", s["how"] or "Not recorded"),
            ),
        )
        for s in reversed(history["spells"])
    ]
    items += [
        RecordItem(
            f"Proposal that {t['to_name']} leads",
            (("Reason", t["reason"]), ("Outcome", t["status"]), ("Note", t["response_note"])),
            by(t["by_name"], t["proposed_at"]),
        )
        for t in reversed(history["transfers"])
    ]
    items += [
        RecordItem(
            "Disagreement about who leads",
            (("Detail", d["detail"]),),
            by(d["by_name"], d["raised_at"]),
        )
        for d in reversed(history["disagreements"])
    ]
    return RecordSection("Lead practitioners", tuple(items))


async def escalations(family_id: int) -> RecordSection:
    referrals, step_downs = await escalation.history_of(family_id)
    items = [
        RecordItem(
            f"Referral to {r['destination']}",
            (
                ("About", ", ".join(r["child_names"]) or "Not recorded"),
                ("Reason", r["reason"]),
                ("Consent sought", "Yes" if r["consent_sought"] == "yes" else "No"),
                ("Consent detail", r["consent_detail"] or "Not recorded"),
                ("How it was made", r["contact"] or "Not recorded"),
            ),
            by(r["referred_by_name"], r["referred_at"], r["referred_by_organisation"]),
        )
        for r in reversed(referrals)
    ]
    items += [
        RecordItem(
            f"Step-down from {s['from_service']}",
            (("Transition meeting", text(s["transition_meeting_on"])), ("Summary", s["summary"])),
            by(s["recorded_by_name"], s["recorded_at"]),
        )
        for s in reversed(step_downs)
    ]
    return RecordSection("Referrals to Children's Social Care and step-downs", tuple(items))


async def closures(family_id: int) -> RecordSection:
    items = []
    for c in reversed(await closure.history(family_id)):
        fields = [
            ("Reason", closure.readable_reason(c["reason"], c["detail"])),
            ("Closing summary", c["summary"] or "Not recorded"),
        ]
        if c["reopened_at"]:
            fields += [
                ("Reopened", f"{text(c['reopened_at'])} by {c['reopened_by_name']}"),
                ("Why reopened", c["reopen_reason"]),
            ]
        items.append(
            RecordItem(
                "Closure",
                tuple(fields),
                by(c["closed_by_name"], c["closed_at"], c["closed_by_organisation"]),
            )
        )
    return RecordSection("Closures", tuple(items))


async def notifications(family_id: int) -> RecordSection:
    """Messages to practitioners about the family's record (its id on them, or a
    link to its pages), with what each said was decided."""
    rows = await (
        Notification.select(
            Notification.message,
            Notification.detail,
            Notification.created_at,
            Notification.recipient.display_name.as_alias("recipient_name"),
        )
        .where(
            (Notification.family_id == family_id)
            | (Notification.link == f"/families/{family_id}")
            | Notification.link.like(f"/families/{family_id}/%")
            | Notification.link.like(f"/families/{family_id}#%")
        )
        .order_by(Notification.created_at)
    )
    items = [
        RecordItem(
            r["message"],
            (
                ("Sent to", r["recipient_name"]),
                ("When", text(r["created_at"])),
                *((("What happened", r["detail"]),) if r["detail"] else ()),
            ),
            "",
        )
        for r in rows
    ]
    return RecordSection("Notifications to practitioners about the record", tuple(items))


ACCESS_WORDS = {
    "family_viewed": "Opened the record",
    "information_request_review": "Reviewed an information request",
    "information_request_export": "Exported an information request",
}


async def access_log(family_id: int) -> RecordSection:
    """Who opened, changed, exported or was refused the family's record."""
    rows = await (
        AuditEvent.select(
            AuditEvent.at,
            AuditEvent.actor_label,
            AuditEvent.actor_organisation,
            AuditEvent.action,
            AuditEvent.outcome,
        )
        .where(AuditEvent.family_id == family_id)
        .order_by(AuditEvent.id)
    )
    items = [
        RecordItem(
            text(r["at"]),
            (
                ("Who", r["actor_label"] or "The portal"),
                ("Organisation", r["actor_organisation"] or "Not recorded"),
                ("What", ACCESS_WORDS.get(r["action"], r["action"].replace("_", " ").capitalize())),
                ("Outcome", r["outcome"]),
            ),
        )
        for r in rows
    ]
    return RecordSection("Who accessed the family's record", tuple(items))


def other_member_contact(
    subject: Subject, member: dict[str, Any]
) -> tuple[str, str, Redaction | None]:
    """A TAF member's email and phone: another family member's are withheld."""
    other_family = member["kind"] == "family_member" and not subject.is_subject(member["person"])
    if other_family and (member["email"] or member["phone"]):
        return (
            REDACTED,
            REDACTED,
            Redaction(f"Team Around the Family, {member['name']}: contact details", CONTACT_REASON),
        )
    return member["email"] or "Not recorded", member["phone"] or "Not recorded", None
