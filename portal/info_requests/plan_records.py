"""The Early Help Assessment and the Team Around the Family, as sections of an
information request. The assessment is whole-family ("Think Family"), so every
assessment of the family is included, each frozen version and the working copy."""

from __future__ import annotations

import json
from typing import Any

from portal.areas import RecordItem, RecordSection, Redaction
from portal.assessments import service as assessments
from portal.assessments import versions as assessment_versions
from portal.assessments.sections import SECTIONS, readable
from portal.families.service import ROLES
from portal.families.tables import Family
from portal.info_requests.records import by, other_member_contact, text
from portal.info_requests.redaction import (
    OTHER_PERSON_REASON,
    REDACTED,
    Subject,
    assessment_answer,
)
from portal.taf import actions as taf_actions
from portal.taf import plan as taf_plan
from portal.taf import reviews as taf_reviews
from portal.taf import service as taf
from portal.taf.tables import FamilyGoal, GoalChange


def snapshot_items(
    subject: Subject, title: str, snapshot: dict[str, Any], recorded: str
) -> tuple[list[RecordItem], list[Redaction]]:
    """One assessment snapshot: its household, then each section's answers."""
    redactions: list[Redaction] = []
    people = []
    for person in snapshot["household"]["people"]:
        born = person["date_of_birth"]
        if born and person["name"] != subject.name:
            born = REDACTED
            redactions.append(
                Redaction(
                    f"{title}, household: {person['name']}'s date of birth", OTHER_PERSON_REASON
                )
            )
        role = ROLES.get(person["role"], person["role"])
        people.append((person["name"], f"{role}, born {text(born)}" if born else role))
    household = (("Address", snapshot["household"]["address"] or "Not recorded"), *people)
    items = [RecordItem(f"{title}: family and household", tuple(household), recorded)]
    for section in SECTIONS:
        answers = snapshot["sections"].get(section.slug, {})
        if not any(answers.values()):
            continue
        fields = []
        for label, answer in readable(section, answers):
            shown, redaction = assessment_answer(
                subject, f"{title}, {section.title}", label, answer
            )
            if redaction:
                redactions.append(redaction)
            fields.append((label, shown or "Not answered"))
        items.append(RecordItem(f"{title}: {section.title}", tuple(fields)))
    if snapshot.get("appendices"):
        names = tuple(("Appendix", f"{a['title']} ({a['name']})") for a in snapshot["appendices"])
        items.append(RecordItem(f"{title}: appendices (listed; the files are not included)", names))
    return items, redactions


async def assessment_records(subject: Subject, family: Family) -> RecordSection:
    items: list[RecordItem] = []
    redactions: list[Redaction] = []
    for assessment in reversed(await assessments.assessments_of(family.id)):
        name = f"Assessment {assessment['id']}"
        items.append(
            RecordItem(
                name,
                (
                    (
                        "About",
                        f"{assessment['child_given_names']} {assessment['child_family_name']}",
                    ),
                    ("Started", text(assessment["started_on"])),
                    ("Due", text(assessment["due_on"])),
                    ("Status", assessment["status"].replace("_", " ").capitalize()),
                ),
                f"Started by {assessment['started_by_name']}",
            )
        )
        for version in await assessment_versions.versions_of(assessment["id"]):
            found, withheld = snapshot_items(
                subject,
                f"{name}, version {version['number']}",
                json.loads(version["snapshot"]),
                f"Completed by {version['completed_by_name']} on {text(version['completed_at'])}",
            )
            items += found
            redactions += withheld
        if assessment["status"] == "in_progress":
            found, withheld = snapshot_items(
                subject,
                f"{name}, working copy",
                await assessment_versions.snapshot(family, assessment),
                "Not yet completed",
            )
            items += found
            redactions += withheld
    return RecordSection("Early Help Assessments", tuple(items), tuple(redactions))


async def team_around_the_family(subject: Subject, family_id: int) -> RecordSection:
    items: list[RecordItem] = []
    redactions: list[Redaction] = []
    for member in await taf.members_of(family_id, include_removed=True):
        email, phone, redaction = other_member_contact(subject, member)
        if redaction:
            redactions.append(redaction)
        fields = [
            ("Kind", taf.MEMBER_KINDS.get(member["kind"], member["kind"])),
            ("Agency", member["agency"] or "Not recorded"),
            ("Role", member["role"] or "Not recorded"),
            ("Email", email),
            ("Phone", phone),
            ("Added", text(member["added_at"])),
        ]
        if member["removed_at"]:
            fields.append(("Removed", text(member["removed_at"])))
        items.append(RecordItem(f"Member: {member['name']}", tuple(fields)))
    for meeting in reversed(await taf_reviews.meetings_of(family_id)):
        attendees = ", ".join(a["name"] for a in await taf_reviews.attendees_of(meeting["id"]))
        fields = [
            ("Held on", text(meeting["held_on"])),
            ("Chair", meeting["chair"] or "Not recorded"),
            ("Family attended", text(meeting["family_attended"])),
            ("Attended", attendees or "Not recorded"),
            ("Minutes", meeting["minutes"] or "Not recorded"),
            ("Next review", text(meeting["next_review_on"])),
        ]
        if meeting["kind"] == "professional":
            fields += [
                ("Why the family was not there", meeting["exclusion_reason"]),
                ("Family told", text(meeting["family_told"])),
                ("Why not told", meeting["not_told_reason"] or "Not applicable"),
            ]
        for score in await taf_plan.review_scores(meeting["id"]):
            fields.append(
                (
                    f"Score for '{score['goal_text']}'",
                    f"{score['score']} out of 10. {score['comment']}".strip(),
                )
            )
        kind = taf.MEETING_KINDS.get(meeting["kind"], meeting["kind"])
        items.append(RecordItem(kind, tuple(fields)))
    goals = await FamilyGoal.select().where(FamilyGoal.family == family_id).order_by(FamilyGoal.id)
    for goal in goals:
        changes = (
            await GoalChange.select().where(GoalChange.goal == goal["id"]).order_by(GoalChange.id)
        )
        fields = [("How we will know", goal["how_we_will_know"] or "Not recorded")]
        fields += [
            (f"Reworded on {text(c['changed_at'])}", f"Was: {c['old_text']}. Why: {c['reason']}")
            for c in changes
        ]
        if goal["archived_at"]:
            fields.append(("Archived", text(goal["archived_at"])))
        items.append(RecordItem(f"Goal: {goal['text']}", tuple(fields)))
    for action in await taf_actions.actions_of(family_id, taf.today_uk()):
        items.append(
            RecordItem(
                f"Action: {action['what']}",
                (
                    ("Who", action["owner_name"]),
                    ("By when", text(action["due_on"])),
                    ("Status", taf_actions.SHOWN_STATUSES.get(action["status"], action["status"])),
                    ("Progress", action["progress_note"] or "None recorded"),
                ),
                by("", action["created_at"]),
            )
        )
    return RecordSection(
        "Team Around the Family: members, meetings and the plan", tuple(items), tuple(redactions)
    )
