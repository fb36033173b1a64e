"""Derby's demo records (`make demo`): team postings, each locality's VCM
series, and VCM submissions in different states from the core's demo families
that have a completed assessment. Everything here is fiction."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import date, timedelta
from typing import Any

from portal.plugin_api import (
    CurrentUser,
    DemoAddresses,
    Family,
    assessments,
    families,
    hookimpl,
    now_utc,
    teams,
)
from portal_derby import common, submissions, vcm
from portal_derby.tables import DerbyVcmSubmission

POSTINGS = (
    ("grace.whitfield", "spa:north", "SPA clerk"),
    ("ellis.marsh", common.LIGHTHOUSE, "Referrals coordinator"),
    ("priya.chandran", "mat:north", "Youth worker"),
)
WANTED_IN_NORTH = 3  # one on an agenda, one returned, one with The Lighthouse

# Answers to finish a North demo family's assessment in progress, when the core's
# demo left too few completed ones there (fiction, like the core's).
FINISHING_ANSWERS: dict[str, dict[str, Any]] = {
    "household": {"others_important": "", "household_confirmed": "yes"},
    "child_voice": {
        "wishes_feelings": "Would like mornings to be less rushed",
        "how_communicated": "Talking, with a drawing",
        "seen_on-day": "2",
        "seen_on-month": "11",
        "seen_on-year": "2026",
    },
    "parents_views": {"views": "Would like help with routines", "differences": ""},
    "strengths": {"strengths": "A close family who ask for help"},
    "needs": {"children_needs": "Support with attendance", "parents_needs": ""},
    "vulnerabilities": {"factors": ["none"]},
    "concerns": {"concerns": "Attendance has fallen this term"},
    "impact": {"impact": "Falling behind at school"},
    "change": {"what_change": "In school on time every day", "how_know": "Attendance above 95%"},
    "analysis": {
        "analysis": "Emerging needs that the Multi-Agency Team could help with",
        "worry_statement": "We worry attendance will keep falling",
        "family_understand": "yes",
    },
}


async def _finish(user: CurrentUser, family: Family, assessment_id: int) -> bool:
    assessment = await assessments.assessment_in(family, assessment_id)
    for problem in await assessments.incomplete_sections(assessment_id):
        answers = FINISHING_ANSWERS.get(problem.slug)
        if answers is None:
            return False
        section = await assessments.section_of(assessment_id, problem.slug)
        await assessments.save_section(
            user, family, assessment, section, answers, True, section["version"], "/demo"
        )
    return not await assessments.complete(user, family, assessment, "/demo")


async def _candidates(users: Mapping[str, CurrentUser]) -> list[tuple[CurrentUser, Family, int]]:
    """Derby demo families with a completed assessment, North's first."""
    practitioners = [u for u in users.values() if u.has_role("derby.practitioner")]
    found: list[tuple[CurrentUser, Family, int]] = []
    unfinished: list[tuple[CurrentUser, Family, int]] = []
    seen: set[int] = set()
    for user in practitioners:
        for row in await families.families_for(user):
            if row["area"] != common.AREA or row["id"] in seen:
                continue
            seen.add(row["id"])
            family = await Family.objects().get(Family.id == row["id"])
            if family is None:
                continue
            done = await submissions.completed_assessments(family)
            if done:
                found.append((user, family, int(done[0]["id"])))
                continue
            open_id = await assessments.in_progress_for(family.id)
            if open_id is not None and family.locality == "north":
                unfinished.append((user, family, open_id))
    north = [c for c in found if c[1].locality == "north"]
    for user, family, assessment_id in unfinished[: max(0, WANTED_IN_NORTH - len(north))]:
        if await _finish(user, family, assessment_id):
            north.append((user, family, assessment_id))
    return north + [c for c in found if c[1].locality != "north"]


async def load(users: Mapping[str, CurrentUser]) -> int:
    made = 0
    for locality in common.LOCALITIES:
        await vcm.ensure_vcm_series(locality)
    for name, team, role in POSTINGS:
        if name in users:
            await teams.add_team_member(None, common.AREA, team, users[name].id, role)
    if await DerbyVcmSubmission.count() > 0:
        return made
    clerk = users.get("grace.whitfield")
    for index, (user, family, assessment_id) in enumerate((await _candidates(users))[:4]):
        north = family.locality == "north"
        submission_id = await submissions.submit(
            user,
            family,
            submissions.SubmissionInput(
                assessment_id=assessment_id,
                significant_disability=index == 2,  # to The Lighthouse
                request="Help from the Multi-Agency Team with attendance and routines at home",
                consent_given_by="parent_carer",
                consent_given_by_name="The child's parent",
                consent_method="written",
                consent_given_on=date.today() - timedelta(days=2),
            ),
            "",
        )
        made += 1
        if clerk is None or not north:
            continue
        row = await submissions.submission(submission_id)
        if index == 0:  # on the agenda of North's next meeting
            slot = (await vcm.upcoming_slots(row["locality"], now_utc()))[0]
            await submissions.place_on_meeting(clerk, row, row["version"], slot)
        elif index == 1:  # returned to the practitioner
            await submissions.return_to_practitioner(
                clerk,
                row,
                row["version"],
                "Please add the school's attendance figures to the assessment",
            )
    return made


@hookimpl
def portal_demo_data(users: Mapping[str, CurrentUser]) -> Awaitable[int]:
    """The area's demo records (entry-point group ``portal_demo``)."""
    return load(users)


@hookimpl
def portal_demo_addresses() -> DemoAddresses:
    """Where the area's fictional demo families live."""
    return DemoAddresses(
        town="Derby", postcodes=("DE1 3QT", "DE21 4BN", "DE22 1HF", "DE23 8PL", "DE24 9AS")
    )
