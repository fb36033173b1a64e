"""The Team Around the Family on both databases: members of every kind,
adding once, meetings and their rules, each member updating only their own
actions, conflicts, review scores and their trend, drift, the family plan,
and the access rules on every route."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from litestar.handlers import HTTPRouteHandler

from portal.assessments.tables import Assessment
from portal.audit.tables import AuditEvent
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.families.tables import Family, Person
from portal.kernel.clock import now_utc
from portal.notify.tables import Notification
from portal.taf import reviews, service
from portal.taf.tables import FamilyGoal, GoalChange, GoalScore, PlanAction, TafMeeting, TafMember
from tests.support.families import date_fields
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post, user_id

XSS = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def today() -> date:
    return service.today_uk()


@dataclass
class Team:
    family_id: int
    lead: int  # Hannah Ashworth's user id (derby.school, the lead practitioner)
    health: int  # Samuel Okafor's user id (derby.health)
    lead_member: int  # TafMember ids
    health_member: int


def located_id(response: Any, anchor: str) -> int:
    assert response.status_code == 303, response.text
    match = re.search(rf"#{anchor}-(\d+)$", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def add_practitioner(portal: Portal, family_id: int, uid: int, q: str, role: str = "") -> Any:
    data = {"kind": "practitioner", "q": q, "user": str(uid), "role": role}
    return post(portal, f"/families/{family_id}/taf/members", data)


def make_team(portal: Portal) -> Team:
    """A family led by Hannah (derby.school) with her and Samuel in the team;
    Hannah is signed in at the end."""
    portal.sign_in("derby.health")
    health = user_id(portal, "samuel.okafor")
    as_user(portal, "derby.school")
    lead = user_id(portal, "hannah.ashworth")
    family_id = create_family(portal)
    assert post(portal, f"/families/{family_id}/lead/take", {}).status_code == 303
    health_member = located_id(
        add_practitioner(portal, family_id, health, "okafor", "Health visitor"), "member"
    )
    lead_member = located_id(
        post(
            portal,
            f"/families/{family_id}/taf/members",
            {"kind": "practitioner", "q": "", "user": "me", "role": "Lead practitioner"},
        ),
        "member",
    )
    return Team(family_id, lead, health, lead_member, health_member)


def meeting_form(held_on: date | None = None, /, kind: str = "taf", **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        **date_fields("held_on", held_on or today()),
        "chair": "Hannah Ashworth",
        "family_attended": "yes",
        "minutes": "We met and agreed the plan.",
        **date_fields("next_review", None),
        **extra,
    }


def add_goal(portal: Portal, family_id: int, text: str = "Ruby goes to school every day") -> int:
    response = post(
        portal,
        f"/families/{family_id}/taf/goals",
        {"text": text, "how_we_will_know": "Attendance above 95%"},
    )
    return located_id(response, "goal")


def add_action(
    portal: Portal, family_id: int, owner: int, what: str = "Walk Ruby to school", **extra: Any
) -> int:
    data = {"what": what, "owner": str(owner), **date_fields("due_on", today() + timedelta(14))}
    response = post(portal, f"/families/{family_id}/taf/actions", {**data, **extra})
    return located_id(response, "action")


def action_row(portal: Portal, action_id: int) -> dict[str, Any]:
    row = portal.run(PlanAction.select().where(PlanAction.id == action_id).first().run)
    assert row is not None
    return row


def update_form(status: str, note: str, version: int, **extra: Any) -> dict[str, Any]:
    return {"status": status, "progress_note": note, "version": str(version), **extra}


# Members ------------------------------------------------------------------------


def test_members_of_all_three_kinds(portal: Portal) -> None:
    team = make_team(portal)
    family_id = team.family_id
    search = portal.client.get(
        f"/families/{family_id}/taf/members/new-practitioner",
        params={"q": "samuel.okafor@derwent"},
    )
    assert "Already in the team: Samuel Okafor" in search.text  # found by email
    person = portal.run(Person.select(Person.id).first().run)
    assert person is not None
    family_member = post(
        portal,
        f"/families/{family_id}/taf/members",
        {"kind": "family_member", "person": str(person["id"]), "role": "Young person"},
    )
    assert family_member.status_code == 303
    missing = post(portal, f"/families/{family_id}/taf/members", {"kind": "external"})
    assert missing.status_code == 422
    assert "Enter the contact&#39;s name" in missing.text
    assert "Enter an email address or a phone number" in missing.text
    contact = post(
        portal,
        f"/families/{family_id}/taf/members",
        {
            "kind": "external",
            "name": "Dev Patel",
            "agency": "Riverside Boxing Club",
            "role": "Coach",
            "phone": "01332 000000",
        },
    )
    assert contact.status_code == 303
    page = portal.client.get(f"/families/{family_id}/taf").text
    practitioners, rest = page.split("Family members", 1)
    assert "Samuel Okafor" in practitioners and "Health visitor" in practitioners
    assert "Derwent Vale Community Health Trust" in practitioners  # agency from the account
    assert "Lead practitioner" in practitioners
    family, contacts = rest.split("Other contacts", 1)
    assert "Elizabeth Smith-Jones" in family and "Young person" in family
    assert "Dev Patel" in contacts and "Riverside Boxing Club" in contacts
    assert "01332 000000" in contacts
    kinds = portal.run(TafMember.select(TafMember.kind).run)
    assert sorted(k["kind"] for k in kinds) == [
        "external",
        "family_member",
        "practitioner",
        "practitioner",
    ]
    # Samuel was told, once, and can now open the record; Hannah added herself: no note.
    notes = portal.run(Notification.select().run)
    assert [(n["recipient"], n["kind"]) for n in notes] == [(team.health, "added_to_taf")]
    assert notes[0]["link"] == f"/families/{family_id}"
    added = portal.run(
        AuditEvent.select(AuditEvent.detail).where(AuditEvent.action == "taf_member_added").run
    )
    assert len(added) == 4 and all("Patel" not in a["detail"] for a in added)
    as_user(portal, "derby.health")
    assert portal.client.get(f"/families/{family_id}").status_code == 200


def test_a_practitioner_from_another_area_cannot_be_added(portal: Portal) -> None:
    portal.sign_in("derbyshire.health")
    other = user_id(portal, "nadia.rahman")
    as_user(portal, "derby.school")
    family_id = create_family(portal)
    search = portal.client.get(
        f"/families/{family_id}/taf/members/new-practitioner", params={"q": "nadia"}
    )
    assert "Nadia Rahman" not in search.text and "No practitioner in this area" in search.text
    response = add_practitioner(portal, family_id, other, "nadia")
    assert response.status_code == 422
    assert portal.run(TafMember.count().run) == 0


def test_a_double_submitted_member_add_makes_one_member(portal: Portal) -> None:
    team = make_team(portal)
    again = add_practitioner(portal, team.family_id, team.health, "okafor", "Health visitor")
    assert located_id(again, "member") == team.health_member
    contact = {"kind": "external", "name": "Dev Patel", "email": "dev@example.org"}
    first = post(portal, f"/families/{team.family_id}/taf/members", contact)
    second = post(portal, f"/families/{team.family_id}/taf/members", contact)
    assert first.headers["location"] == second.headers["location"]
    assert portal.run(TafMember.count().run) == 3
    # Many at once (the per-family advisory lock serialises them).
    user_row = portal.run(PortalUser.objects().where(PortalUser.id == team.lead).first().run)
    family = portal.run(Family.objects().where(Family.id == team.family_id).first().run)
    assert user_row is not None and family is not None
    lead = current_user_from(user_row)
    new = service.NewMember(kind="external", name="Jo Bloggs", email="jo@example.org")

    async def add_all() -> set[int]:
        ids = await asyncio.gather(*(service.add_member(lead, family, new) for _ in range(10)))
        return set(ids)

    assert len(portal.run(add_all)) == 1
    assert portal.run(TafMember.count().run) == 4
    assert portal.run(Notification.count().run) == 1  # Samuel, told once


def test_a_removed_member_is_refused_at_their_next_request(portal: Portal) -> None:
    team = make_team(portal)
    as_user(portal, "derby.health")
    assert portal.client.get(f"/families/{team.family_id}/taf").status_code == 200
    # A member who does not manage the team cannot remove anyone.
    url = f"/families/{team.family_id}/taf/members/{team.lead_member}/remove"
    assert post(portal, url, {}).status_code == 403
    as_user(portal, "derby.school")
    confirm = portal.client.get(
        f"/families/{team.family_id}/taf/members/{team.health_member}/remove"
    )
    assert confirm.status_code == 200 and "Samuel Okafor" in confirm.text
    removed = post(
        portal, f"/families/{team.family_id}/taf/members/{team.health_member}/remove", {}
    )
    assert removed.status_code == 303
    assert "Samuel Okafor" not in portal.client.get(f"/families/{team.family_id}/taf").text
    events = portal.run(AuditEvent.select().where(AuditEvent.action == "taf_member_removed").run)
    assert len(events) == 1
    as_user(portal, "derby.health")
    assert portal.client.get(f"/families/{team.family_id}/taf").status_code == 403
    assert portal.client.get(f"/families/{team.family_id}").status_code == 403


# Meetings -----------------------------------------------------------------------


def test_a_professional_meeting_needs_its_reasons(portal: Portal) -> None:
    team = make_team(portal)
    url = f"/families/{team.family_id}/taf/meetings"
    form = meeting_form(kind="professional", family_attended="")
    response = post(portal, url, form)
    assert response.status_code == 422
    assert "<title>Error: " in response.text
    assert "Enter why the family is not at this meeting" in response.text
    assert "Select whether the family was told about this meeting" in response.text
    assert "We met and agreed the plan." in response.text  # what was typed is kept
    check_page(response.text, "professional meeting (errors)")
    form.update(exclusion_reason="To share a health concern first", family_told="no")
    response = post(portal, url, form)
    assert response.status_code == 422
    assert "Enter why the family was not told about this meeting" in response.text
    form.update(not_told_reason="Telling them could put the child at risk", family_attended="yes")
    response = post(portal, url, form)
    assert response.status_code == 303
    meeting = portal.run(TafMeeting.select().first().run)
    assert meeting is not None
    assert meeting["kind"] == "professional" and meeting["family_attended"] is False
    assert meeting["family_told"] is False
    assert meeting["not_told_reason"] == "Telling them could put the child at risk"
    page = portal.client.get(response.headers["location"])
    assert "To share a health concern first" in page.text
    check_page(page.text, "meeting page")
    # A family meeting needs to say whether the family came, not why they were excluded.
    other = post(portal, url, meeting_form(family_attended=""))
    assert other.status_code == 422 and "Select whether the family came" in other.text
    assert "Enter why the family is not" not in other.text


def test_the_next_review_defaults_to_six_weeks_after_the_meeting(portal: Portal) -> None:
    team = make_team(portal)
    new = portal.client.get(f"/families/{team.family_id}/taf/meetings/new")
    six_weeks = today() + timedelta(weeks=6)
    for name, value in date_fields("next_review", six_weeks).items():
        assert re.search(rf'name="{name}"[^>]*value="{value}"', new.text), name
    held = today() - timedelta(days=3)
    attendees = [str(team.lead_member), str(team.health_member)]
    response = post(
        portal,
        f"/families/{team.family_id}/taf/meetings",
        meeting_form(held, attendees=attendees, form_key="meeting-key-1"),
    )
    assert response.status_code == 303
    again = post(
        portal,
        f"/families/{team.family_id}/taf/meetings",
        meeting_form(held, attendees=attendees, form_key="meeting-key-1"),
    )
    assert again.headers["location"] == response.headers["location"]  # one meeting
    meeting = portal.run(TafMeeting.select().first().run)
    assert meeting is not None and portal.run(TafMeeting.count().run) == 1
    assert meeting["next_review_on"] == held + timedelta(weeks=6)
    page = portal.client.get(response.headers["location"]).text
    assert "Samuel Okafor" in page and "Hannah Ashworth" in page  # who came
    record = portal.client.get(f"/families/{team.family_id}").text
    card = record.split('id="taf"', 1)[1].split('id="lead"', 1)[0]
    assert f"{(held + timedelta(weeks=6)).day} " in card and "Review overdue" not in card
    bad = post(
        portal,
        f"/families/{team.family_id}/taf/meetings",
        meeting_form(held, **date_fields("next_review", held - timedelta(days=1))),
    )
    assert bad.status_code == 422
    assert "The next review date must be after the date of the meeting" in bad.text


def test_an_overdue_review_and_overdue_actions_are_flagged(portal: Portal) -> None:
    team = make_team(portal)
    held = today() - timedelta(weeks=8)
    post(portal, f"/families/{team.family_id}/taf/meetings", meeting_form(held))
    add_action(portal, team.family_id, team.health_member, **date_fields("due_on", held))
    record = portal.client.get(f"/families/{team.family_id}").text
    card = record.split('id="taf"', 1)[1].split('id="lead"', 1)[0]
    assert "Review overdue" in card and "1 overdue" in card
    assert "is overdue" in portal.client.get(f"/families/{team.family_id}/taf").text
    plan = portal.client.get(f"/families/{team.family_id}/taf/plan").text
    assert "Overdue" in plan
    due = portal.run(reviews.due_for_families, [team.family_id, 999], team.health, today())
    assert due[team.family_id] == {
        "next_review_on": held + timedelta(weeks=6),
        "review_overdue": True,
        "my_open_actions": 1,
        "my_overdue_actions": 1,
        "my_next_action_due": held,
    }
    assert due[999]["next_review_on"] is None and due[999]["my_open_actions"] == 0
    # A new meeting settles the review.
    post(portal, f"/families/{team.family_id}/taf/meetings", meeting_form())
    due = portal.run(reviews.due_for_families, [team.family_id], team.lead, today())
    assert due[team.family_id]["review_overdue"] is False
    assert due[team.family_id]["my_open_actions"] == 0  # Samuel's action, not Hannah's


# Actions ------------------------------------------------------------------------


def test_a_member_updates_their_own_actions_but_not_anothers(portal: Portal) -> None:
    team = make_team(portal)
    goal = add_goal(portal, team.family_id)
    mine = add_action(portal, team.family_id, team.health_member, goal=str(goal))
    theirs = add_action(portal, team.family_id, team.lead_member, "Ask about a breakfast club")
    note = portal.run(
        Notification.select().where(Notification.kind == "action_assigned").first().run
    )
    assert note is not None and note["recipient"] == team.health
    assert note["dedupe_key"] == f"action_assigned:{mine}:{team.health_member}"
    as_user(portal, "derby.health")
    plan = portal.client.get(f"/families/{team.family_id}/taf/plan").text
    assert f'href="/families/{team.family_id}/taf/actions/{mine}"' in plan
    assert f'href="/families/{team.family_id}/taf/actions/{theirs}"' not in plan
    # Their own: status and progress, and nothing else even if the form says so.
    url = f"/families/{team.family_id}/taf/actions/{mine}"
    assert portal.client.get(url).status_code == 200
    saved = post(
        portal, url, update_form("in_progress", "Started on Monday", 1, what="Something else")
    )
    assert saved.status_code == 303
    row = action_row(portal, mine)
    assert (row["status"], row["progress_note"], row["version"]) == (
        "in_progress",
        "Started on Monday",
        2,
    )
    assert row["what"] == "Walk Ruby to school" and row["updated_by"] == team.health
    # Someone else's: refused, and the row is unchanged.
    before = action_row(portal, theirs)
    other = f"/families/{team.family_id}/taf/actions/{theirs}"
    assert portal.client.get(other).status_code == 403
    refused = post(portal, other, update_form("done", "Done by Samuel", 1))
    assert refused.status_code == 403
    assert "only update your own actions" in refused.text
    assert action_row(portal, theirs) == before
    # Nor can a member add actions, goals or meetings.
    assert portal.client.get(f"/families/{team.family_id}/taf/actions/new").status_code == 403
    assert post(portal, f"/families/{team.family_id}/taf/goals", {"text": "x"}).status_code == 403
    meetings = f"/families/{team.family_id}/taf/meetings"
    assert post(portal, meetings, meeting_form()).status_code == 403
    # The lead may update any action, and give it to someone else.
    as_user(portal, "derby.school")
    data = update_form(
        "done",
        "Finished",
        2,
        what="Walk Ruby to school",
        owner=str(team.lead_member),
        **date_fields("due_on", today() + timedelta(14)),
    )
    assert post(portal, url, data).status_code == 303
    row = action_row(portal, mine)
    assert (row["status"], row["owner"], row["version"]) == ("done", team.lead_member, 3)
    as_user(portal, "derby.health")
    assert portal.client.get(url).status_code == 403  # no longer theirs


def test_a_stale_action_save_shows_both_versions(portal: Portal) -> None:
    team = make_team(portal)
    action = add_action(portal, team.family_id, team.health_member)
    url = f"/families/{team.family_id}/taf/actions/{action}"
    assert (
        post(
            portal,
            url,
            update_form(
                "in_progress",
                "Lead's note",
                1,
                **{
                    "what": "Walk Ruby to school",
                    "owner": str(team.health_member),
                    **date_fields("due_on", today() + timedelta(14)),
                },
            ),
        ).status_code
        == 303
    )
    as_user(portal, "derby.health")
    stale = post(portal, url, update_form("done", "Samuel's note", 1))
    assert stale.status_code == 409
    assert "Lead&#39;s note" in stale.text and "Samuel&#39;s note" in stale.text
    assert "In progress" in stale.text and "Done" in stale.text  # in words, not codes
    assert 'name="version" value="2"' in stale.text
    check_page(stale.text, "action conflict")
    row = action_row(portal, action)
    assert (row["status"], row["progress_note"]) == ("in_progress", "Lead's note")
    resaved = post(portal, url, update_form("done", "Samuel's note", 2))
    assert resaved.status_code == 303
    assert action_row(portal, action)["progress_note"] == "Samuel's note"


# Reviews, drift and the plan ----------------------------------------------------------


def test_review_scores_are_stored_and_their_trend_shown(portal: Portal) -> None:
    team = make_team(portal)
    goal = add_goal(portal, team.family_id)
    url = f"/families/{team.family_id}/taf/meetings"
    form = portal.client.get(f"{url}/new", params={"kind": "review"}).text
    assert f'name="score-{goal}"' in form and "Ruby goes to school every day" in form
    missing = post(portal, url, meeting_form(review="yes"))
    assert missing.status_code == 422
    assert "Enter a score from 0 to 10 for goal 1" in missing.text
    assert f'href="#score-{goal}"' in missing.text
    check_page(missing.text, "review (errors)")
    too_high = post(portal, url, meeting_form(review="yes", **{f"score-{goal}": "11"}))
    assert too_high.status_code == 422
    for weeks_ago, score in ((12, 3), (6, 5), (0, 6)):
        held = today() - timedelta(weeks=weeks_ago)
        response = post(
            portal,
            url,
            meeting_form(held, review="yes", **{f"score-{goal}": str(score)}),
        )
        assert response.status_code == 303
    scores = portal.run(GoalScore.select(GoalScore.score).order_by(GoalScore.id).run)
    assert [s["score"] for s in scores] == [3, 5, 6]
    kinds = portal.run(TafMeeting.select(TafMeeting.kind).run)
    assert {k["kind"] for k in kinds} == {"review"}
    plan = portal.client.get(f"/families/{team.family_id}/taf/plan").text
    assert "Rose from 3 to 6 over 3 reviews" in plan
    chart = plan.split(f'id="trend-{goal}"', 1)[1]
    assert 'role="img"' in chart and "<title " in chart
    numbers = re.findall(r'govuk-table__cell--numeric">(\d+)<', chart)
    assert numbers == ["3", "5", "6"]
    check_page(plan, "plan")
    review = portal.client.get(response.headers["location"]).text
    assert "Progress against the family" in review and ">6<" in review


def test_goals_changed_since_the_assessment_are_flagged(portal: Portal) -> None:
    team = make_team(portal)
    goal = add_goal(portal, team.family_id)
    assert (
        "since the assessment" not in portal.client.get(f"/families/{team.family_id}/taf/plan").text
    )  # no assessment: no drift to show
    child = portal.run(Person.select(Person.id).first().run)
    assert child is not None
    portal.run(
        Assessment.insert(
            Assessment(
                family=team.family_id,
                child=child["id"],
                started_by=team.lead,
                started_on=today(),
                due_on=today(),
                status="completed",
                completed_at=now_utc(),
                created_at=now_utc(),
                updated_at=now_utc(),
            )
        ).run
    )
    plan = portal.client.get(f"/families/{team.family_id}/taf/plan").text
    assert "Changed since the assessment" not in plan and "Added after" not in plan
    url = f"/families/{team.family_id}/taf/goals/{goal}"
    reworded = {"text": "Ruby goes to school most days", "how_we_will_know": "Attendance"}
    no_reason = post(portal, url, {**reworded, "version": "1"})
    assert no_reason.status_code == 422 and "Enter why the goal has changed" in no_reason.text
    saved = post(portal, url, {**reworded, "version": "1", "reason": "Ruby was ill"})
    assert saved.status_code == 303
    changes = portal.run(GoalChange.select().run)
    assert [(c["old_text"], c["new_text"], c["reason"]) for c in changes] == [
        ("Ruby goes to school every day", "Ruby goes to school most days", "Ruby was ill")
    ]
    add_goal(portal, team.family_id, "Mum gets help with her mood")
    plan = portal.client.get(f"/families/{team.family_id}/taf/plan").text
    assert "Changed since the assessment" in plan and "Added after the assessment" in plan
    assert "was “Ruby goes to school every day”" in plan
    stale = post(
        portal, url, {**reworded, "text": "Another wording", "version": "1", "reason": "x"}
    )
    assert stale.status_code == 409 and "Ruby goes to school most days" in stale.text
    archived = post(portal, f"{url}/archive", {})
    assert archived.status_code == 303
    goal_row = portal.run(FamilyGoal.select().where(FamilyGoal.id == goal).first().run)
    assert goal_row is not None and goal_row["archived_at"] is not None


def test_the_family_plan_is_plain_and_leaves_out_practitioners_business(portal: Portal) -> None:
    team = make_team(portal)
    goal = add_goal(portal, team.family_id)
    add_action(portal, team.family_id, team.health_member, "Visit at home", goal=str(goal))
    post(
        portal,
        f"/families/{team.family_id}/taf/meetings",
        meeting_form(
            kind="professional",
            exclusion_reason="EXCLUSION-REASON-TEXT",
            family_told="no",
            not_told_reason="NOT-TOLD-REASON-TEXT",
            minutes="PROFESSIONAL-MINUTES-TEXT",
        ),
    )
    page = portal.client.get(f"/families/{team.family_id}/taf/plan/print")
    assert page.status_code == 200
    text = page.text
    assert "Ruby goes to school every day" in text and "Attendance above 95%" in text
    assert "Visit at home" in text and "Samuel Okafor" in text
    assert "Health visitor" in text and "Not started yet" in text
    next_review = today() + timedelta(weeks=6)
    assert f"{next_review.day} {next_review:%B %Y}" in text
    for secret in ("EXCLUSION-REASON-TEXT", "NOT-TOLD-REASON-TEXT", "PROFESSIONAL-MINUTES-TEXT"):
        assert secret not in text
    assert 'class="govuk-!-display-none-print"' in text  # no header or menus on paper
    check_page(text, "family plan")
    printed = portal.run(AuditEvent.select().where(AuditEvent.action == "family_plan_printed").run)
    assert len(printed) == 1 and printed[0]["family_id"] == team.family_id


# Access and escaping ----------------------------------------------------------------


def taf_routes(portal: Portal) -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []
    for route in portal.app.routes:
        if not route.path.startswith("/families/{family_id:int}/taf"):
            continue
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                routes.extend((m, route.path) for m in handler.http_methods if m in ("GET", "POST"))
    return routes


def test_every_taf_route_refuses_strangers_and_other_areas(portal: Portal) -> None:
    team = make_team(portal)
    goal = add_goal(portal, team.family_id)
    action = add_action(portal, team.family_id, team.health_member)
    post(portal, f"/families/{team.family_id}/taf/meetings", meeting_form(minutes="MINUTES-X"))
    meeting = portal.run(TafMeeting.select(TafMeeting.id).first().run)
    assert meeting is not None
    ids = {
        "{family_id:int}": team.family_id,
        "{member_id:int}": team.health_member,
        "{meeting_id:int}": meeting["id"],
        "{goal_id:int}": goal,
        "{action_id:int}": action,
    }
    routes = taf_routes(portal)
    assert len(routes) >= 20
    counts = {t: portal.run(t.count().run) for t in (TafMember, TafMeeting, FamilyGoal, PlanAction)}
    before = action_row(portal, action)
    # derby.vcm: same area, no relationship with this family
    for username, expected in (("derby.vcm", 403), ("derbyshire.manager", 404)):
        as_user(portal, username)
        for method, path in routes:
            url = path
            for key, value in ids.items():
                url = url.replace(key, str(value))
            if method == "GET":
                response = portal.client.get(url, follow_redirects=False)
            else:
                response = post(
                    portal,
                    url,
                    {
                        "kind": "external",
                        "name": "Intruder",
                        "email": "i@example.org",
                        "text": "Intruder goal",
                        "status": "done",
                        "version": "1",
                    },
                )
            assert response.status_code == expected, (username, method, url)
            for leaked in ("Smith-Jones", "Samuel Okafor", "MINUTES-X", "Walk Ruby"):
                assert leaked not in response.text, (username, url, leaked)
    assert {t: portal.run(t.count().run) for t in counts} == counts
    assert action_row(portal, action) == before
    members = portal.run(TafMember.select(TafMember.removed_at).run)
    assert all(m["removed_at"] is None for m in members)


def test_what_people_type_is_escaped(portal: Portal) -> None:
    team = make_team(portal)
    goal = add_goal(portal, team.family_id, XSS)
    post(
        portal,
        f"/families/{team.family_id}/taf/members",
        {"kind": "external", "name": XSS, "agency": XSS, "role": XSS, "phone": "1"},
    )
    add_action(portal, team.family_id, team.health_member, XSS, goal=str(goal))
    response = post(
        portal,
        f"/families/{team.family_id}/taf/meetings",
        meeting_form(review="yes", chair=XSS, minutes=f"{XSS}\n\nsecond", **{f"score-{goal}": "4"}),
    )
    meeting_url = response.headers["location"]
    for path in (
        f"/families/{team.family_id}/taf",
        f"/families/{team.family_id}/taf/plan",
        f"/families/{team.family_id}/taf/plan/print",
        meeting_url,
        f"/families/{team.family_id}/taf/goals/{goal}",
        f"/families/{team.family_id}/taf/meetings/new?kind=review",
    ):
        html = portal.client.get(path).text
        assert XSS not in html and ESCAPED in html, path


def test_taf_pages_keep_the_house_rules(portal: Portal) -> None:
    team = make_team(portal)
    goal = add_goal(portal, team.family_id)
    action = add_action(portal, team.family_id, team.health_member)
    post(portal, f"/families/{team.family_id}/taf/meetings", meeting_form())
    meeting = portal.run(TafMeeting.select(TafMeeting.id).first().run)
    assert meeting is not None
    base = f"/families/{team.family_id}/taf"
    for path in (
        base,
        f"{base}/plan",
        f"{base}/plan/print",
        f"{base}/members/new-practitioner",
        f"{base}/members/new-practitioner?q=a",
        f"{base}/members/new-family-member",
        f"{base}/members/new-contact",
        f"{base}/members/{team.health_member}/remove",
        f"{base}/meetings/new",
        f"{base}/meetings/new?kind=review",
        f"{base}/meetings/{meeting['id']}",
        f"{base}/goals/new",
        f"{base}/goals/{goal}",
        f"{base}/actions/new",
        f"{base}/actions/{action}",
    ):
        response = portal.client.get(path)
        assert response.status_code == 200, path
        check_page(response.text, path)
    for path, data in (
        (f"{base}/members", {"kind": "practitioner", "q": "a"}),
        (f"{base}/members", {"kind": "family_member"}),
        (f"{base}/members", {"kind": "external"}),
        (f"{base}/goals", {}),
        (f"{base}/actions", {}),
        (f"{base}/actions/{action}", {"version": "1"}),
        (f"{base}/meetings", {}),
    ):
        response = post(portal, path, data)
        assert response.status_code == 422, path
        assert "<title>Error: " in response.text, path
        check_page(response.text, f"{path} (errors)")


def test_a_removed_members_actions_stay_until_given_to_someone_else(portal: Portal) -> None:
    team = make_team(portal)
    action = add_action(portal, team.family_id, team.health_member)
    post(portal, f"/families/{team.family_id}/taf/members/{team.health_member}/remove", {})
    plan = portal.client.get(f"/families/{team.family_id}/taf/plan").text
    assert "No longer in the team" in plan and "Walk Ruby to school" in plan
    url = f"/families/{team.family_id}/taf/actions/{action}"
    assert "Samuel Okafor (no longer in the team)" in portal.client.get(url).text
    keep = {
        "what": "Walk Ruby to school",
        "owner": str(team.health_member),
        **date_fields("due_on", today() + timedelta(14)),
    }
    assert post(portal, url, update_form("in_progress", "", 1, **keep)).status_code == 303
    given = {**keep, "owner": str(team.lead_member)}
    assert post(portal, url, update_form("in_progress", "", 2, **given)).status_code == 303
    assert action_row(portal, action)["owner"] == team.lead_member
