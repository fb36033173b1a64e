"""Derbyshire's records about a person, for an information request: requests
to Starting Point (with the Initial Contact, the screening decision and the
VCM's allocation). All are the family's early help records, so each is included."""

from __future__ import annotations

from collections.abc import Sequence

from portal.plugin_api import RecordItem, RecordSection, in_words
from portal_derbyshire.common import (
    CONSENT_BASES,
    DISTRICT_NAMES,
    REQUEST_TYPES,
    SCREENING,
    STATUSES,
    TRIAGE,
    VCM_OUTCOMES,
)
from portal_derbyshire.tables import StartingPointRequest


async def starting_point_requests(family_id: int) -> RecordSection:
    rows = await (
        StartingPointRequest.select(
            *StartingPointRequest.all_columns(),
            StartingPointRequest.referrer.display_name.as_alias("referrer_name"),
            StartingPointRequest.triaged_by.display_name.as_alias("triaged_name"),
            StartingPointRequest.screened_by.display_name.as_alias("screened_name"),
            StartingPointRequest.allocated_to.display_name.as_alias("allocated_name"),
        )
        .where(StartingPointRequest.family == family_id)
        .order_by(StartingPointRequest.id)
    )
    items = []
    for row in rows:
        fields = [
            ("Asked for", REQUEST_TYPES.get(row["request_type"], row["request_type"])),
            ("District", DISTRICT_NAMES.get(row["district"], row["district"] or "Not recorded")),
            ("Details", in_words(row["details"])),
            ("Consent", CONSENT_BASES.get(row["consent_basis"], row["consent_basis"])),
            ("Consent detail", in_words(row["consent_detail"])),
            ("Status", STATUSES.get(row["status"], (row["status"], ""))[0]),
        ]
        if row["assessment"]:
            fields.append(("Assessment attached", f"Assessment {row['assessment']}"))
        if row["triage_outcome"]:
            fields += [
                (
                    "Starting Point's triage",
                    TRIAGE.get(row["triage_outcome"], row["triage_outcome"]),
                ),
                ("Triage detail", in_words(row["triage_detail"])),
                ("Triaged", f"{in_words(row['triaged_at'])} by {in_words(row['triaged_name'])}"),
            ]
        if row["initial_contact_at"]:
            fields.append(("Initial Contact created", in_words(row["initial_contact_at"])))
        if row["screening_outcome"]:
            fields += [
                (
                    "Screening decision",
                    SCREENING.get(row["screening_outcome"], row["screening_outcome"]),
                ),
                ("Reasons", in_words(row["screening_reasons"])),
                ("Screened", f"{in_words(row['screened_at'])} by {in_words(row['screened_name'])}"),
            ]
        if row["vcm_outcome"]:
            fields.append(
                ("VCM decision", VCM_OUTCOMES.get(row["vcm_outcome"], row["vcm_outcome"]))
            )
        if row["allocated_name"]:
            fields.append(
                ("Allocated to", f"{row['allocated_name']} on {in_words(row['allocated_at'])}")
            )
        if row["referrer_told_at"]:
            fields.append(
                ("Referrer told", f"{in_words(row['referrer_told_at'])}: {row['outcome_message']}")
            )
        items.append(
            RecordItem(
                f"Request to Starting Point {row['id']}",
                tuple(fields),
                f"Sent by {row['referrer_name']}, {row['referrer_agency'] or 'agency not recorded'}, "
                f"on {in_words(row['submitted_at'])}",
            )
        )
    return RecordSection("Derbyshire Starting Point requests and Initial Contacts", tuple(items))


async def person_records(person_id: int, family_id: int) -> Sequence[RecordSection]:
    return [await starting_point_requests(family_id)]
