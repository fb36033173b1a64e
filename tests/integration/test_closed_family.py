"""Issue 20, item 11: a closed family no longer behaves as open. Closing ends
the episode's open work in the closure's own audited transaction (its open
actions are closed with the episode, keeping their status; its next review is
cancelled), so nothing of it is due, overdue or reminded; its plan takes no
new goal, action, meeting or review and no action update, and neither Derby's
VCM nor Derbyshire's Starting Point is offered or takes a request, each refused
with a plain 409 page. Reopening gives the actions back as they were and asks
for a new review date."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from portal_derby.tables import DerbyVcmSubmission
from portal_derbyshire.tables import StartingPointRequest

from portal.audit.tables import AuditEvent
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.caseload import reminders
from portal.closure import service as closure
from portal.closure.tables import Closure
from portal.consent.tables import ConsentRecord
from portal.families.tables import Family, Person
from portal.kernel.users import CurrentUser
from portal.taf import goals
from portal.taf import service as taf
from portal.taf.tables import FamilyGoal, PlanAction, TafMeeting
from tests.integration.test_derby_vcm import (
    clean_derby,
    completed_assessment,
    post_staff,
    submission_form,
    submission_row,
    submit,
)
from tests.integration.test_taf import Team, add_action, add_goal, make_team, meeting_form
from tests.support.families import consent_form, date_fields
from tests.support.portal import Portal, as_user, create_family, post

CLOSED = "This family's early help is closed. Reopen it to "
# What the TAF's changes are audited as.
CHANGES = {
    "goal_added",
    "goal_reworded",
    "goal_updated",
    "goal_archived",
    "action_added",
    "action_updated",
    "taf_meeting_recorded",
}


def shown(response: Any) -> str:
    """A page's text as read (entities such as &#39; turned back into characters)."""
    return unescape(response.text)


def today() -> date:
    return taf.today_uk()


def close(portal: Portal, family_id: int) -> None:
    version = family(portal, family_id)["version"]
    response = post(
        portal,
        f"/families/{family_id}/close",
        {
            "reason": "needs_met",
            "summary": "Attendance is back above 95% and the family no longer needs a plan.",
            "version": str(version),
            "form_key": f"close-{family_id}-{version}",
        },
    )
    assert response.status_code == 303, shown(response)


def reopen(portal: Portal, family_id: int) -> None:
    version = family(portal, family_id)["version"]
    response = post(
        portal,
        f"/families/{family_id}/reopen",
        {"reason": "Attendance has fallen again", "version": str(version)},
    )
    assert response.status_code == 303, shown(response)


def family(portal: Portal, family_id: int) -> dict[str, Any]:
    row = portal.run(Family.select().where(Family.id == family_id).first().run)
    assert row is not None
    return row


def actions(portal: Portal, family_id: int) -> dict[int, dict[str, Any]]:
    rows = portal.run(PlanAction.select().where(PlanAction.family == family_id).run)
    return {r["id"]: r for r in rows}


def latest_meeting(portal: Portal, family_id: int) -> dict[str, Any]:
    row = portal.run(
        TafMeeting.select()
        .where(TafMeeting.family == family_id)
        .order_by(TafMeeting.id, ascending=False)
        .first()
        .run
    )
    assert row is not None
    return row


def events(portal: Portal, family_id: int) -> list[dict[str, Any]]:
    return portal.run(
        AuditEvent.select().where(AuditEvent.family_id == family_id).order_by(AuditEvent.id).run
    )


def reviews_reminded(portal: Portal, family_id: int) -> list[dict[str, Any]]:
    due = portal.run(reminders.reviews_due, today(), today() + timedelta(days=14))
    return [r for r in due if r["family"] == family_id]


def caseload_row(portal: Portal, family_id: int) -> str:
    """The family's row on the signed-in user's caseload ("" when it is not there)."""
    page = shown(portal.client.get("/"))
    rows = re.findall(r'<tr class="govuk-table__row">.*?</tr>', page, flags=re.S)
    return next((r for r in rows if f'href="/families/{family_id}"' in r), "")


def team_with_work(portal: Portal) -> tuple[Team, int, dict[str, int]]:
    """Hannah leads a family with a goal, a review due in 3 days (so a reminder
    is due) and three actions: hers overdue and not started, Samuel's in
    progress, and one done. Returns the team, the meeting and the action ids."""
    team = make_team(portal)
    fid = team.family_id
    goal = add_goal(portal, fid)
    held = post(
        portal,
        f"/families/{fid}/taf/meetings",
        meeting_form(
            today() - timedelta(days=40), **date_fields("next_review", today() + timedelta(3))
        ),
    )
    assert held.status_code == 303, held.text
    meeting = latest_meeting(portal, fid)["id"]
    overdue = add_action(
        portal,
        fid,
        team.lead_member,
        "Walk Ruby to school",
        goal=str(goal),
        **date_fields("due_on", today() - timedelta(days=5)),
    )
    under_way = add_action(portal, fid, team.health_member, "Book a health check")
    done = add_action(portal, fid, team.lead_member, "Ask the school for figures")

    async def set_statuses() -> None:
        await PlanAction.update({PlanAction.status: "in_progress"}).where(
            PlanAction.id == under_way
        )
        await PlanAction.update({PlanAction.status: "done"}).where(PlanAction.id == done)

    portal.run(set_statuses)
    ids = {"overdue": overdue, "under_way": under_way, "done": done}
    return team, meeting, ids


def test_the_open_statuses_are_the_taf_services(portal: Portal) -> None:
    # Closing names the TAF's tables in SQL (they sit in a layer above it).
    assert closure.OPEN_ACTION_STATUSES == taf.OPEN_STATUSES
    assert closure.ACTION_CLOSED not in taf.OPEN_STATUSES


def test_closing_ends_the_open_work_and_reopening_gives_the_actions_back(
    portal: Portal,
) -> None:
    team, meeting, ids = team_with_work(portal)
    fid = team.family_id
    review_on = today() + timedelta(3)
    # Open: the review is reminded, Hannah's action overdue on her caseload and the plan.
    assert [r["meeting"] for r in reviews_reminded(portal, fid)] == [meeting]
    assert "Overdue" in caseload_row(portal, fid)
    assert "1 action is overdue" in shown(portal.client.get(f"/families/{fid}/taf/plan"))
    before = actions(portal, fid)

    close(portal, fid)

    after = actions(portal, fid)
    assert {a: r["status"] for a, r in after.items()} == {
        ids["overdue"]: closure.ACTION_CLOSED,
        ids["under_way"]: closure.ACTION_CLOSED,
        ids["done"]: "done",  # finished work stays as it was
    }
    assert after[ids["overdue"]]["status_before_closure"] == "not_started"
    assert after[ids["under_way"]]["status_before_closure"] == "in_progress"
    for action in (ids["overdue"], ids["under_way"]):  # a stale edit form cannot save over it
        assert after[action]["version"] == before[action]["version"] + 1
    reviewed = latest_meeting(portal, fid)
    assert reviewed["next_review_on"] is None and reviewed["cancelled_review_on"] == review_on
    [row] = portal.run(Closure.select().run)
    assert row["actions_closed"] == 2 and row["review_cancelled_on"] == review_on

    # Nothing is due, overdue or reminded for the closed family.
    assert reviews_reminded(portal, fid) == []
    assert portal.run(reminders.queue_due_reminders, today()) == 0
    assert caseload_row(portal, fid) == ""
    record = shown(portal.client.get(f"/families/{fid}"))
    assert "overdue" not in record.lower()
    assert "None while the family's early help is closed" in record  # the TAF card's review
    assert "2 open actions were closed with the episode" in record
    assert f"The review due on {review_on.day} {review_on:%B %Y} was cancelled" in record
    plan = shown(portal.client.get(f"/families/{fid}/taf/plan"))
    assert "overdue" not in plan.lower()
    assert plan.count("Closed with the episode") == 2
    assert "Next review: none while the family's early help is closed" in plan
    team_page = shown(portal.client.get(f"/families/{fid}/taf"))
    assert "overdue" not in team_page.lower()
    assert "(0 open actions)" in team_page
    assert "(cancelled when early help closed)" in team_page
    meeting_page = shown(portal.client.get(f"/families/{fid}/taf/meetings/{meeting}"))
    assert "cancelled when the family's early help closed" in meeting_page
    printed = shown(portal.client.get(f"/families/{fid}/taf/plan/print"))
    assert "Our work together on this plan has ended" in printed
    assert "Stopped when our work together ended" in printed

    # The ending is one audited change with the closure: each action and the review.
    audited = events(portal, fid)
    closing = [e for e in audited if e["action"] == "family_closed"]
    assert len(closing) == 1
    assert json.loads(closing[0]["detail"]) == {
        "actions_closed": 2,
        "reason": "needs_met",
        "review_cancelled": True,
    }
    ended = [e for e in audited if e["at"] == closing[0]["at"]]
    assert sorted((e["action"], e["record_id"]) for e in ended) == sorted(
        [
            ("family_closed", str(row["id"])),
            ("action_closed_with_episode", str(ids["overdue"])),
            ("action_closed_with_episode", str(ids["under_way"])),
            ("review_cancelled", str(meeting)),
        ]
    )

    reopen(portal, fid)

    again = actions(portal, fid)
    assert {a: (r["status"], r["status_before_closure"]) for a, r in again.items()} == {
        ids["overdue"]: ("not_started", ""),
        ids["under_way"]: ("in_progress", ""),
        ids["done"]: ("done", ""),
    }
    reopened = [
        e for e in events(portal, fid) if e["action"] in ("family_reopened", "action_reopened")
    ]
    assert sorted(e["action"] for e in reopened) == [
        "action_reopened",
        "action_reopened",
        "family_reopened",
    ]
    # The work is available again: the actions (overdue again) and their update links ...
    plan = shown(portal.client.get(f"/families/{fid}/taf/plan"))
    assert "1 action is overdue" in plan and "Closed with the episode" not in plan
    assert f'href="/families/{fid}/taf/actions/{ids["overdue"]}"' in plan
    assert "Overdue" in caseload_row(portal, fid)
    # ... but the cancelled review stays cancelled: a new date is agreed at the next meeting.
    assert reviews_reminded(portal, fid) == []
    assert "Not set" in caseload_row(portal, fid)
    assert "was cancelled when the family's early help closed" in plan
    team_page = shown(portal.client.get(f"/families/{fid}/taf"))
    assert "record a review to agree the next one" in team_page
    assert f'href="/families/{fid}/taf/meetings/new?kind=review"' in team_page
    record = shown(portal.client.get(f"/families/{fid}"))
    assert "closed with the episode, and opened again when it reopened" in record
    held = post(
        portal,
        f"/families/{fid}/taf/meetings",
        meeting_form(today(), **date_fields("next_review", today() + timedelta(5))),
    )
    assert held.status_code == 303, held.text
    assert len(reviews_reminded(portal, fid)) == 1


def test_a_closed_familys_plan_takes_no_new_work_and_says_why(portal: Portal) -> None:
    team, _meeting, ids = team_with_work(portal)
    fid = team.family_id
    goal = portal.run(FamilyGoal.select(FamilyGoal.id).first().run)
    assert goal is not None
    action = ids["overdue"]
    close(portal, fid)
    before = (
        portal.run(FamilyGoal.count().run),
        actions(portal, fid),
        portal.run(TafMeeting.count().run),
    )
    events_before = len(events(portal, fid))

    forms = {
        f"/families/{fid}/taf/goals/new": "add or change the family's goals",
        f"/families/{fid}/taf/goals/{goal['id']}": "add or change the family's goals",
        f"/families/{fid}/taf/actions/new": "add actions to the family's plan",
        f"/families/{fid}/taf/actions/{action}": "update the actions in the family's plan",
        f"/families/{fid}/taf/meetings/new": "record a meeting or a review",
        f"/families/{fid}/taf/meetings/new?kind=review": "record a meeting or a review",
    }
    for path, to in forms.items():
        page = portal.client.get(path)
        assert page.status_code == 409, path
        assert CLOSED + to in shown(page), path
        assert f'href="/families/{fid}#closure"' in shown(page)
        assert "<form" not in shown(page).split("<main", 1)[1], path

    version = str(actions(portal, fid)[action]["version"])
    posts: dict[str, dict[str, Any]] = {
        f"/families/{fid}/taf/goals": {"text": "A new goal", "how_we_will_know": "We will"},
        f"/families/{fid}/taf/goals/{goal['id']}": {
            "text": "Reworded",
            "how_we_will_know": "x",
            "reason": "y",
            "version": "1",
        },
        f"/families/{fid}/taf/goals/{goal['id']}/archive": {},
        f"/families/{fid}/taf/actions": {
            "what": "Another action",
            "owner": str(team.lead_member),
            **date_fields("due_on", today() + timedelta(7)),
        },
        f"/families/{fid}/taf/actions/{action}": {
            "status": "done",
            "progress_note": "Done after all",
            "what": "Walk Ruby to school",
            "owner": str(team.lead_member),
            **date_fields("due_on", today()),
            "version": version,
        },
        f"/families/{fid}/taf/meetings": meeting_form(
            today(), **date_fields("next_review", today() + timedelta(7))
        ),
        f"/families/{fid}/taf/meetings?review=1": {"review": "yes", **meeting_form(today())},
        f"/families/{fid}/taf/actions?empty=1": {},  # refused before the form is read
    }
    for path, data in posts.items():
        response = post(portal, path, data)
        assert response.status_code == 409, (path, response.status_code)
        assert CLOSED in shown(response), path

    # Samuel, updating his own action, is refused the same way.
    as_user(portal, "derby.health")
    refused = post(
        portal,
        f"/families/{fid}/taf/actions/{ids['under_way']}",
        {"status": "done", "progress_note": "Booked", "version": "1"},
    )
    assert refused.status_code == 409
    assert CLOSED + "update the actions in the family's plan" in shown(refused)
    as_user(portal, "derby.school")

    after = (
        portal.run(FamilyGoal.count().run),
        actions(portal, fid),
        portal.run(TafMeeting.count().run),
    )
    assert after == before  # nothing was changed
    changes = {e["action"] for e in events(portal, fid)[events_before:]} & CHANGES
    assert changes == set(), changes  # and no change audited

    # The pages offer none of it.
    plan = shown(portal.client.get(f"/families/{fid}/taf/plan"))
    for link in ("/taf/goals/new", "/taf/actions/new", "/taf/meetings/new", "/taf/actions/"):
        assert f'href="/families/{fid}{link}' not in plan, link
    assert f'href="/families/{fid}/taf/goals/{goal["id"]}"' not in plan
    assert "This family's early help is closed" in plan
    team_page = shown(portal.client.get(f"/families/{fid}/taf"))
    assert "/taf/meetings/new" not in team_page
    assert "Record a review" not in team_page

    # The services refuse too, whatever calls them.
    user = portal.run(_current_user, "hannah.ashworth")
    closed_family = portal.run(Family.objects().get(Family.id == fid).run)
    assert closed_family is not None
    with pytest.raises(closure.EpisodeClosed):
        portal.run(goals.add_goal, user, closed_family, "A goal", "", "")


async def _current_user(prefix: str) -> CurrentUser:
    row = await PortalUser.objects().get(PortalUser.email.like(f"{prefix}%"))
    assert row is not None
    return current_user_from(row)


def test_withdrawing_consent_to_the_record_also_ends_the_open_work(portal: Portal) -> None:
    team, _meeting, ids = team_with_work(portal)
    fid = team.family_id
    person = portal.run(Person.select(Person.id).where(Person.family == fid).first().run)
    assert person is not None
    given = post(
        portal,
        f"/families/{fid}/consent",
        consent_form(person["id"], "record", form_key=f"record-{fid}"),
    )
    assert given.status_code == 303, given.text
    consent = portal.run(
        ConsentRecord.select(ConsentRecord.id).where(ConsentRecord.purpose == "record").first().run
    )
    assert consent is not None
    withdrawn = post(
        portal,
        f"/families/{fid}/consent/{consent['id']}/withdraw",
        {**date_fields("withdrawn_on", today()), "reason": "The family asked us to stop"},
    )
    assert withdrawn.status_code == 303, withdrawn.text
    assert family(portal, fid)["status"] == "closed"
    statuses = {a: r["status"] for a, r in actions(portal, fid).items()}
    assert statuses[ids["overdue"]] == statuses[ids["under_way"]] == closure.ACTION_CLOSED
    assert latest_meeting(portal, fid)["next_review_on"] is None
    assert reviews_reminded(portal, fid) == []


# Derby and Derbyshire --------------------------------------------------------------


@pytest.fixture
def derby(portal_factory: Callable[..., Portal]) -> Portal:
    instance = portal_factory()
    instance.run(clean_derby)
    return instance


def test_derby_does_not_offer_or_take_a_vcm_request_for_a_closed_family(derby: Portal) -> None:
    post_staff(derby)
    fid, assessment_id = completed_assessment(derby)  # as derby.school, who recorded it
    record = shown(derby.client.get(f"/families/{fid}"))
    assert f'href="/derby/families/{fid}/vcm/new"' in record
    close(derby, fid)

    record = shown(derby.client.get(f"/families/{fid}"))
    assert f'href="/derby/families/{fid}/vcm/new"' not in record
    page = shown(derby.client.get(f"/derby/families/{fid}"))
    assert f'href="/derby/families/{fid}/vcm/new"' not in page
    assert CLOSED + "submit a request to the Vulnerable Children's Meeting" in page
    form = derby.client.get(f"/derby/families/{fid}/vcm/new")
    assert form.status_code == 409
    assert CLOSED + "submit a request to the Vulnerable Children's Meeting" in shown(form)
    refused = post(derby, f"/derby/families/{fid}/vcm", submission_form(assessment_id))
    assert refused.status_code == 409
    assert CLOSED + "submit a request to the Vulnerable Children's Meeting" in shown(refused)
    assert derby.run(DerbyVcmSubmission.count().run) == 0

    reopen(derby, fid)
    assert derby.client.get(f"/derby/families/{fid}/vcm/new").status_code == 200
    submission_id = submit(derby, fid, assessment_id)

    # A request returned to the practitioner cannot be resubmitted once the family closed.
    as_user(derby, "derby.spa")
    version = str(submission_row(derby, submission_id)["version"])
    returned = post(
        derby,
        f"/derby/inbox/{submission_id}/return",
        {"reason": "Add the school's attendance figures", "version": version},
    )
    assert returned.status_code == 303
    as_user(derby, "derby.school")
    close(derby, fid)
    page = shown(derby.client.get(f"/derby/submissions/{submission_id}"))
    assert "Resubmit to the VCM" not in page
    assert CLOSED + "submit a request to the Vulnerable Children's Meeting" in page
    row = submission_row(derby, submission_id)
    resubmitted = post(
        derby,
        f"/derby/submissions/{submission_id}/resubmit",
        {"request": "MAT support, figures added", "version": str(row["version"])},
    )
    assert resubmitted.status_code == 409
    assert submission_row(derby, submission_id)["status"] == "returned"


def test_derbyshire_does_not_offer_or_take_a_starting_point_referral_for_a_closed_family(
    portal: Portal,
) -> None:
    as_user(portal, "derbyshire.school")
    fid = create_family(
        portal, place="derbyshire:erewash", postcode="DE7 5RG", given="Ruby", family="Hollins"
    )
    child = portal.run(Person.select(Person.id).where(Person.family == fid).first().run)
    assert child is not None
    referral = f"/derbyshire/families/{fid}/referral"
    assert f'href="{referral}"' in shown(portal.client.get(f"/families/{fid}"))
    close(portal, fid)

    assert f'href="{referral}"' not in shown(portal.client.get(f"/families/{fid}"))
    page = shown(portal.client.get(f"/derbyshire/families/{fid}"))
    assert f'href="{referral}"' not in page
    assert CLOSED + "send a referral to Starting Point" in page
    assert f'href="/families/{fid}/escalate"' in page  # significant harm: still referable
    form = portal.client.get(referral)
    assert form.status_code == 409 and CLOSED + "send a referral to Starting Point" in shown(form)
    refused = post(
        portal,
        referral,
        {
            "form_key": "ref-closed",
            "child": str(child["id"]),
            "request_type": "service",
            "details": "Attendance has fallen to 82%.",
            "assessment": "none",
            "consent_basis": "not_sought",
            "consent_detail": "Asking would put Ruby at greater risk.",
        },
    )
    assert refused.status_code == 409
    assert portal.run(StartingPointRequest.count().run) == 0
    reopen(portal, fid)
    assert portal.client.get(referral).status_code == 200
