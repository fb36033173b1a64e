"""Derby's records about a person, for an information request: pre-assessments
(with their reviews) and requests to the Vulnerable Children's Meeting. All are the family's early help records, so
each is included; the core's rules redact other people's details it holds."""

from __future__ import annotations

import json
from collections.abc import Sequence

from portal.plugin_api import RecordItem, RecordSection, in_words
from portal_derby.common import CONCLUSIONS, inbox_name, locality_name
from portal_derby.tables import (
    DerbyPreAssessment,
    DerbyPreAssessmentReview,
    DerbyVcmSubmission,
)


async def pre_assessments(family_id: int) -> RecordSection:
    rows = await (
        DerbyPreAssessment.select(
            *DerbyPreAssessment.all_columns(),
            DerbyPreAssessment.child.given_names.as_alias("child_given"),
            DerbyPreAssessment.child.family_name.as_alias("child_family"),
            DerbyPreAssessment.created_by.display_name.as_alias("by_name"),
        )
        .where(DerbyPreAssessment.family == family_id)
        .order_by(DerbyPreAssessment.id)
    )
    items = []
    for row in rows:
        fields = [
            ("About", f"{row['child_given'] or ''} {row['child_family'] or ''}".strip()),
            ("Needs", row["needs"]),
            ("Strengths", row["strengths"]),
            ("The child's views", row["child_views"]),
            ("Parents' views", row["parent_views"]),
            ("Single-agency action plan", row["action_plan"]),
            ("Review on", in_words(row["review_on"])),
            ("Conclusion", CONCLUSIONS.get(row["conclusion"], row["conclusion"])),
        ]
        if row["support_requested_at"]:
            fields += [
                ("Support asked of the MAT", row["support_request"]),
                ("Consent to the request given by", row["support_consent_by"]),
                ("Asked on", in_words(row["support_requested_at"])),
                ("MAT's answer", row["support_outcome"] or "Waiting"),
                ("MAT's response", in_words(row["support_response"])),
            ]
        reviews = await (
            DerbyPreAssessmentReview.select(
                DerbyPreAssessmentReview.reviewed_at,
                DerbyPreAssessmentReview.changes,
                DerbyPreAssessmentReview.reviewed_by.display_name.as_alias("by_name"),
            )
            .where(DerbyPreAssessmentReview.pre_assessment == row["id"])
            .order_by(DerbyPreAssessmentReview.id)
        )
        for review in reviews:
            changed = ", ".join(c.get("label", "") for c in json.loads(review["changes"] or "[]"))
            fields.append(
                (
                    f"Reviewed {in_words(review['reviewed_at'])} by {review['by_name']}",
                    changed or "No changes",
                )
            )
        recorded = f"Recorded by {row['by_name'] or 'someone'} on {in_words(row['created_at'])}"
        items.append(
            RecordItem(
                f"Pre-assessment {row['id']}",
                tuple((k, v or "Not recorded") for k, v in fields),
                recorded,
            )
        )
    return RecordSection("Derby Early Help Pre-Assessments", tuple(items))


async def vcm_submissions(family_id: int) -> RecordSection:
    rows = await (
        DerbyVcmSubmission.select(
            *DerbyVcmSubmission.all_columns(),
            DerbyVcmSubmission.submitted_by.display_name.as_alias("by_name"),
            DerbyVcmSubmission.allocated_to.display_name.as_alias("allocated_name"),
        )
        .where(DerbyVcmSubmission.family == family_id)
        .order_by(DerbyVcmSubmission.id)
    )
    items = []
    for row in rows:
        fields = [
            ("Locality", locality_name(row["locality"])),
            ("Sent to", inbox_name(row["inbox"])),
            ("Assessment submitted", f"Assessment {row['assessment_id']}"),
            ("Help asked for", in_words(row["request"])),
            ("Consent given by", in_words(row["consent_given_by_name"])),
            ("Consent given on", in_words(row["consent_given_on"])),
            ("Status", row["status"].replace("_", " ").capitalize()),
        ]
        if row["returned_reason"]:
            fields.append(("Returned because", row["returned_reason"]))
        if row["meeting_title"]:
            fields.append(
                ("Meeting", f"{row['meeting_title']}, {in_words(row['meeting_starts_at'])}")
            )
        if row["outcome_label"]:
            fields += [
                ("Decision", row["outcome_label"]),
                ("Decision notes", in_words(row["decision"])),
            ]
        if row["allocated_name"]:
            fields.append(("Allocated to", row["allocated_name"]))
        items.append(
            RecordItem(
                f"Request to the Vulnerable Children's Meeting {row['id']}",
                tuple(fields),
                f"Sent by {row['by_name'] or 'someone'} on {in_words(row['submitted_at'])}",
            )
        )
    return RecordSection("Derby Vulnerable Children's Meeting requests", tuple(items))


async def person_records(person_id: int, family_id: int) -> Sequence[RecordSection]:
    return [
        await pre_assessments(family_id),
        await vcm_submissions(family_id),
    ]
