"""Issue 19, item 2: drift flagged on the caseload before it happens, with the
reason: no progress on the scaling question over two reviews, goals changed at
more than one review, or a review past its date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from portal.audit.tables import AuditEvent
from portal.taf.tables import FamilyGoal, GoalChange, GoalScore, TafMeeting
from portal.teams import service as teams
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post, user_id

STALLED = "No goal has moved on the scaling question over the last two reviews"


def meeting(family_id: int, by: int, kind: str, held: date, next_review: date) -> TafMeeting:
    row = TafMeeting(
        family=family_id,
        kind=kind,
        held_on=held,
        recorded_by=by,
        recorded_at=datetime(held.year, held.month, held.day, 15, tzinfo=UTC),
        next_review_on=next_review,
    )
    return row


def plan(portal: Portal, family_id: int, scores: list[int], changes_at: list[int]) -> None:
    """A TAF meeting then a review every six weeks, the goal scored at each;
    the goal's wording changed before the reviews numbered in changes_at."""
    by = user_id(portal, "hannah.ashworth")
    today = date.today()
    first = today - timedelta(weeks=6 * (len(scores) - 1) + 1)

    async def seed() -> None:
        now = datetime.now(UTC)
        goal = FamilyGoal(
            family=family_id,
            text="Ruby gets to school on time",
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        await goal.save()
        for n, score in enumerate(scores):
            held = first + timedelta(weeks=6 * n)
            m = meeting(
                family_id, by, "taf" if n == 0 else "review", held, held + timedelta(weeks=6)
            )
            if n in changes_at:
                await GoalChange(
                    goal=goal.id,
                    old_text="before",
                    new_text="after",
                    changed_by=by,
                    changed_at=datetime(held.year, held.month, held.day, 11, tzinfo=UTC),
                ).save()
            await m.save()
            await GoalScore(meeting=m.id, goal=goal.id, score=score).save()

    portal.run(seed)


def caseload(portal: Portal, **params: str) -> str:
    response = portal.client.get("/", params=params)
    assert response.status_code == 200
    return str(response.text)


def test_no_progress_over_two_reviews_is_flagged_and_progress_is_not(portal: Portal) -> None:
    portal.sign_in("derby.school")
    stuck = create_family(portal, given="Ruby", family="Stillwater")
    moving = create_family(portal, given="Oscar", family="Forwood")
    for family_id in (stuck, moving):
        post(portal, f"/families/{family_id}/lead/take", {})
    plan(portal, stuck, [4, 4, 4], changes_at=[])
    plan(portal, moving, [4, 4, 6], changes_at=[])
    page = caseload(portal)
    stuck_row = page.split("Ruby Stillwater", 1)[1].split("</tr>", 1)[0]
    moving_row = page.split("Oscar Forwood", 1)[1].split("</tr>", 1)[0]
    assert "Drift" in stuck_row and STALLED in stuck_row
    assert "Drift" not in moving_row
    assert "Drift and delay must be avoided" in page
    drifting = caseload(portal, show="drift")
    assert "Ruby Stillwater" in drifting and "Oscar Forwood" not in drifting


def test_goals_changed_at_two_reviews_are_flagged(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal, given="Maisie", family="Changeling")
    post(portal, f"/families/{family_id}/lead/take", {})
    plan(portal, family_id, [3, 5, 6], changes_at=[1, 2])
    row = caseload(portal).split("Maisie Changeling", 1)[1].split("</tr>", 1)[0]
    assert "Goals were changed or replaced at 2 reviews" in row
    assert STALLED not in row


def test_one_change_and_one_review_are_not_drift(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal, given="Alfie", family="Steadman")
    post(portal, f"/families/{family_id}/lead/take", {})
    plan(portal, family_id, [3, 3], changes_at=[1])
    page = caseload(portal)
    assert "Drift" not in page.split("Alfie Steadman", 1)[1].split("</tr>", 1)[0]
    assert "Drift and delay must be avoided" not in page


def test_managers_see_each_teams_drifting_families_and_the_look_is_audited(
    portal: Portal,
) -> None:
    portal.sign_in("derby.school")
    stuck = create_family(portal, given="Ruby", family="Stillwater")
    moving = create_family(portal, given="Oscar", family="Forwood")
    for family_id in (stuck, moving):
        post(portal, f"/families/{family_id}/lead/take", {})
    plan(portal, stuck, [4, 4, 4], changes_at=[])
    plan(portal, moving, [4, 5, 6], changes_at=[])
    hannah = user_id(portal, "hannah.ashworth")
    portal.run(teams.add_team_member, None, "derby", "mat:north", hannah, "Teacher")

    assert portal.client.get("/drift").status_code == 403  # a practitioner
    as_user(portal, "derby.manager")
    assert 'href="/drift"' in portal.client.get("/").text  # in the manager's menu
    page = portal.client.get("/drift")
    assert page.status_code == 200
    check_page(page.text, "/drift")
    team = page.text.split("North Multi-Agency Team", 1)[1].split("</table>", 1)[0]
    assert "Ruby Stillwater" in team and STALLED in team and "Hannah Ashworth" in team
    assert "Oscar Forwood" not in page.text
    listed = portal.run(
        AuditEvent.select(AuditEvent.family_id).where(AuditEvent.action == "family_listed").run
    )
    assert [e["family_id"] for e in listed] == [stuck]
    as_user(portal, "derbyshire.manager")  # another area's manager sees none of it
    assert "Ruby Stillwater" not in portal.client.get("/drift").text
