"""Derby's demo records (`make demo`): team postings, each locality's VCM
series, and VCM submissions in different states from the core's demo families
that have a completed assessment. Everything here is fiction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from portal.plugin_api import CurrentUser, Family, families, now_utc, queues
from portal_derby import service
from portal_derby.tables import DerbyVcmSubmission

POSTINGS = (
    ("grace.whitfield", "spa:north", "SPA clerk"),
    ("ellis.marsh", service.LIGHTHOUSE, "Referrals coordinator"),
    ("priya.chandran", "mat:north", "Youth worker"),
)


async def load(users: Mapping[str, CurrentUser]) -> int:
    made = 0
    for locality in service.LOCALITIES:
        await service.ensure_vcm_series(locality)
    for name, team, role in POSTINGS:
        if name in users:
            await queues.add_team_member(None, service.AREA, team, users[name].id, role)
    if await DerbyVcmSubmission.count() > 0:
        return made
    practitioners = [u for u in users.values() if u.has_role("derby.practitioner")]
    candidates: list[tuple[CurrentUser, Family, int]] = []
    seen: set[int] = set()
    for user in practitioners:
        for row in await families.families_for(user):
            if row["area"] != service.AREA or row["id"] in seen:
                continue
            seen.add(row["id"])
            family = await Family.objects().get(Family.id == row["id"])
            if family is None:
                continue
            done = await service.completed_assessments(family)
            if done:
                candidates.append((user, family, int(done[0]["id"])))
    clerk = users.get("grace.whitfield")
    for index, (user, family, assessment_id) in enumerate(candidates[:3]):
        submission_id = await service.submit(
            user,
            family,
            service.SubmissionInput(
                assessment_id=assessment_id,
                significant_disability=index == 2,
                request="Help from the Multi-Agency Team with attendance and routines at home",
                consent_given_by="parent_carer",
                consent_given_by_name="The child's parent",
                consent_method="written",
                consent_given_on=date.today() - timedelta(days=2),
            ),
            "",
        )
        made += 1
        if clerk is None:
            continue
        row = await service.submission(submission_id)
        if index == 0:  # on the agenda of the locality's next meeting
            slot = (await service.upcoming_slots(row["locality"], now_utc()))[0]
            await service.place_on_meeting(clerk, row, row["version"], slot)
        elif index == 1:  # returned to the practitioner
            await service.return_to_practitioner(
                clerk,
                row,
                row["version"],
                "Please add the school's attendance figures to the assessment",
            )
    return made
