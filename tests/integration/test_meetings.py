"""Meetings on both databases, with the Testshire area plugin deciding what a
meeting can decide: placing a case gives its chairs access until it is
decided, who may open an agenda (chairs and the area's managers; another
area's meeting does not exist), decisions with the plugin's reaction in the
same transaction, stale and double submissions, attendance, the minutes,
printing, the weekly schedule and its clock changes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.meetings import series as schedule
from portal.meetings import service
from portal.meetings.tables import AgendaItem, Meeting, MeetingAttendance, MeetingSeries
from portal.teams import service as teams
from portal.teams.tables import QueueEntry
from tests.integration.conftest import clean_tables
from tests.support import testshire
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post, user_id

# Demo accounts play Testshire's people here (roles never cross areas, so the
# Derbyshire accounts stay Derbyshire's: "another area").
ROLE_MAP = ",".join(
    [
        "Derby.Practitioner=testshire.practitioner",
        "Derby.SpaClerk=testshire.spa_clerk",
        "Derby.VcmChair=testshire.vcm_chair",
        "Derby.AreaManager=testshire.area_manager",
        "Derbyshire.Practitioner=derbyshire.practitioner",
        "Derbyshire.VcmChair=derbyshire.vcm_chair",
        "Derbyshire.AreaManager=derbyshire.area_manager",
    ]
)
CHAIR = "derby.vcm"  # Marcus Bellamy, testshire.vcm_chair
MANAGER = "derby.manager"  # Alison Tranter, testshire.area_manager
PRACTITIONER = "derby.health"  # Samuel Okafor, testshire.practitioner: no meeting role
SERIES_KEY = "testshire:vcm:upper"
XSS = '<script>alert("x")</script>'


@pytest.fixture
def area(portal_factory: Callable[..., Portal], with_testshire: Any) -> Portal:
    portal = portal_factory(
        plugins=with_testshire, PORTAL_AREAS="derbyshire,testshire", PORTAL_ROLE_MAP=ROLE_MAP
    )
    portal.run(clean_tables)
    testshire.DECISIONS.clear()
    testshire.FAIL_REACTIONS.clear()
    testshire.OUTCOME_REQUESTS.clear()
    return portal


async def make_series(
    team: str = "", chair_roles: tuple[str, ...] = ("testshire.vcm_chair",)
) -> int:
    return await schedule.ensure_series(
        "testshire",
        SERIES_KEY,
        "Upper Testing Vulnerable Children's Meeting",
        weekday=1,
        start_time="10:00",
        location="Testshire House",
        chair_roles=chair_roles,
        team=team,
    )


def family_in_testshire(portal: Portal, given: str = "Elizabeth") -> int:
    """A Testshire family recorded by Hannah (derby.school); she stays signed in."""
    as_user(portal, "derby.school")
    return create_family(portal, given=given, place="testshire:upper")


def agenda_with_case(
    portal: Portal, family_id: int, team: str = "", record_id: int = 7
) -> tuple[int, int]:
    """A meeting next Tuesday with the family's case on it: (meeting id, item id)."""

    async def build() -> tuple[int, int]:
        series_id = await make_series(team)
        series = await MeetingSeries.select().where(MeetingSeries.id == series_id).first()
        assert series is not None
        [slot] = schedule.next_slots(series, datetime.now(UTC), 1)
        meeting_id = await service.meeting_at(series_id, slot)
        item_id = await service.place_on_agenda(
            None,
            meeting_id,
            family_id=family_id,
            kind="testshire_request",
            record_id=record_id,
            summary="School attendance has dropped; parent asks for support",
        )
        return meeting_id, item_id

    return portal.run(build)


def item_row(portal: Portal, item_id: int) -> dict[str, Any]:
    row = portal.run(AgendaItem.select().where(AgendaItem.id == item_id).first().run)
    assert row is not None
    return row


def decision_form(
    outcome: str, text: str, version: int = 1, allocated_to: int | None = None
) -> dict[str, str]:
    data = {"outcome": outcome, f"decision-{outcome}": text, "version": str(version)}
    if allocated_to is not None:
        data[f"allocated_to-{outcome}"] = str(allocated_to)
    return data


def one(portal: Portal, query: Any) -> dict[str, Any]:
    row = portal.run(query.first().run)
    assert row is not None
    return dict(row)


def decide_url(meeting_id: int, item_id: int) -> str:
    return f"/meetings/{meeting_id}/items/{item_id}/decision"


def post_team_member(portal: Portal, team: str, uid: int, role: str = "Youth worker") -> None:
    async def add() -> None:
        await teams.add_team_member(None, "testshire", team, uid, role)

    portal.run(add)


# Access through the agenda ---------------------------------------------------------


def test_placing_a_case_lets_the_chairs_open_the_family_until_it_is_decided(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, item_id = agenda_with_case(area, family_id)
    entry = area.run(QueueEntry.select().where(QueueEntry.kind == "agenda_item").first().run)
    assert entry is not None and entry["record_id"] == item_id
    assert entry["queue"] == f"meeting:{meeting_id}" and entry["roles"] == "testshire.vcm_chair"
    assert entry["closed_at"] is None and entry["area"] == "testshire"
    as_user(area, CHAIR)
    assert area.client.get(f"/families/{family_id}").status_code == 200
    as_user(area, PRACTITIONER)  # no relationship and no meeting role
    assert area.client.get(f"/families/{family_id}").status_code == 403
    as_user(area, CHAIR)
    response = post(area, decide_url(meeting_id, item_id), decision_form("refer", "To CAMHS"))
    assert response.status_code == 303
    assert one(area, QueueEntry.select().where(QueueEntry.id == entry["id"]))["closed_at"]
    assert area.client.get(f"/families/{family_id}").status_code == 403
    assert f'href="/families/{family_id}"' not in area.client.get(f"/meetings/{meeting_id}").text
    as_user(area, MANAGER)  # managers open every record in the area
    assert f'href="/families/{family_id}"' in area.client.get(f"/meetings/{meeting_id}").text


def test_placing_a_case_twice_makes_one_item_and_one_queue_entry(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, item_id = agenda_with_case(area, family_id)
    again = agenda_with_case(area, family_id)
    assert again == (meeting_id, item_id)
    assert area.run(AgendaItem.count().run) == 1
    assert area.run(QueueEntry.count().where(QueueEntry.kind == "agenda_item").run) == 1


def test_a_case_from_another_area_cannot_go_on_the_agenda(area: Portal) -> None:
    as_user(area, "derbyshire.school")
    derbyshire_family = create_family(area, place="derbyshire:erewash")
    with pytest.raises(ValueError):
        agenda_with_case(area, derbyshire_family)
    assert area.run(AgendaItem.count().run) == 0


def test_a_team_meeting_is_chaired_only_by_chairs_in_its_team(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, _ = agenda_with_case(area, family_id, team="vcm:upper")
    as_user(area, CHAIR)  # the chair role, but not in the team
    assert area.client.get(f"/meetings/{meeting_id}").status_code == 403
    assert area.client.get(f"/families/{family_id}").status_code == 403
    assert 'href="/meetings"' not in area.client.get("/").text  # nor a menu item
    post_team_member(area, "vcm:upper", user_id(area, "marcus.bellamy"), "Chair")
    assert area.client.get(f"/meetings/{meeting_id}").status_code == 200
    assert area.client.get(f"/families/{family_id}").status_code == 200
    assert 'href="/meetings"' in area.client.get("/").text


# Who opens a meeting ---------------------------------------------------------------


def meeting_routes(meeting_id: int, item_id: int, attendee_id: int) -> list[tuple[str, str]]:
    base = f"/meetings/{meeting_id}"
    return [
        ("GET", base),
        ("GET", f"{base}/agenda"),
        ("GET", f"{base}/minutes"),
        ("GET", f"{base}/attendance/new"),
        ("POST", f"{base}/attendance"),
        ("POST", f"{base}/attendance/{attendee_id}/remove"),
        ("GET", decide_url(meeting_id, item_id)),
        ("POST", decide_url(meeting_id, item_id)),
        ("POST", f"{base}/held"),
    ]


def test_only_chairs_and_the_areas_managers_open_a_meeting(area: Portal) -> None:
    family_id = family_in_testshire(area, given="Philippa")
    meeting_id, item_id = agenda_with_case(area, family_id)
    as_user(area, CHAIR)

    async def attendee() -> int:
        return await service.record_attendee(
            await chair_user(), meeting_id, name="Pat Visitor", organisation="Homestart"
        )

    attendee_id = area.run(attendee)
    routes = meeting_routes(meeting_id, item_id, attendee_id)
    for username, expected in (
        (PRACTITIONER, 403),
        ("derby.spa", 403),  # another Testshire role
        ("derbyshire.vcm", 404),  # a chair, of another area
        ("derbyshire.manager", 404),
    ):
        as_user(area, username)
        for method, path in routes:
            if method == "GET":
                response = area.client.get(path, follow_redirects=False)
            else:
                response = post(
                    area, path, {**decision_form("refer", "x"), "name": "Z", "notes": "n"}
                )
            assert response.status_code == expected, (username, method, path, response.status_code)
            assert "Philippa" not in response.text
    assert item_row(area, item_id)["outcome"] == ""
    assert area.run(MeetingAttendance.count().run) == 1
    assert one(area, Meeting.select(Meeting.status))["status"] == "scheduled"
    refused = area.run(
        AuditEvent.count()
        .where((AuditEvent.action == "meeting_viewed") & (AuditEvent.outcome == "refused"))
        .run
    )
    assert refused >= len(routes) * 2  # every 404 is audited
    for username in (CHAIR, MANAGER):
        as_user(area, username)
        page = area.client.get(f"/meetings/{meeting_id}")
        assert page.status_code == 200, username
        assert "Philippa Smith-Jones" in page.text
    as_user(area, CHAIR)
    assert area.client.get("/meetings/999999").status_code == 404


async def chair_user() -> Any:
    row = await PortalUser.objects().get(PortalUser.email.like("marcus%"))
    assert row is not None
    return current_user_from(row)


def test_the_agenda_page_is_audited_per_family_and_keeps_the_house_rules(area: Portal) -> None:
    first = family_in_testshire(area, given="Philippa")
    second = family_in_testshire(area, given=XSS)
    meeting_id, first_item = agenda_with_case(area, first, record_id=1)
    agenda_with_case(area, second, record_id=2)
    as_user(area, CHAIR)
    page = area.client.get(f"/meetings/{meeting_id}")
    check_page(page.text, "agenda")
    assert "Upper Testing Vulnerable Children&#39;s Meeting" in page.text
    assert re.search(r"Tuesday \d{1,2} \w+ \d{4} at 10am", page.text)
    assert "Testshire House" in page.text
    assert "School attendance has dropped" in page.text
    assert XSS not in page.text and "&lt;script&gt;" in page.text
    assert f'href="{decide_url(meeting_id, first_item)}"' in page.text
    viewed = area.run(
        AuditEvent.select(AuditEvent.family_id).where(AuditEvent.action == "meeting_viewed").run
    )
    assert {first, second} <= {v["family_id"] for v in viewed}
    nav = area.client.get("/").text
    assert 'href="/meetings"' in nav
    as_user(area, PRACTITIONER)
    assert 'href="/meetings"' not in area.client.get("/").text


def test_my_meetings_lists_upcoming_meetings_with_cases_and_empty_slots(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, _ = agenda_with_case(area, family_id)
    for username in (CHAIR, MANAGER):
        as_user(area, username)
        page = area.client.get("/meetings")
        assert page.status_code == 200
        check_page(page.text, "/meetings")
        assert f'href="/meetings/{meeting_id}"' in page.text and "1 case" in page.text
        assert page.text.count("at 10am") >= 3  # the meeting and the next empty slots
    assert "Change the schedule" in page.text  # the manager's
    as_user(area, CHAIR)
    assert "Change the schedule" not in area.client.get("/meetings").text
    as_user(area, PRACTITIONER)
    page = area.client.get("/meetings")
    assert page.status_code == 200 and f"/meetings/{meeting_id}" not in page.text
    as_user(area, "derbyshire.manager")  # manages another area
    assert f"/meetings/{meeting_id}" not in area.client.get("/meetings").text


# Decisions -------------------------------------------------------------------------


def test_the_decision_form_offers_the_areas_outcomes_and_checks_what_is_entered(
    area: Portal,
) -> None:
    family_id = family_in_testshire(area)
    meeting_id, item_id = agenda_with_case(area, family_id)
    as_user(area, "derby.mat")  # Priya has an account, but is in no team
    priya = user_id(area, "priya.chandran")
    as_user(area, CHAIR)
    form = area.client.get(decide_url(meeting_id, item_id))
    assert form.status_code == 200
    check_page(form.text, "decision")
    assert testshire.OUTCOME_REQUESTS == [SERIES_KEY]
    for outcome in testshire.TESTSHIRE_OUTCOMES:
        assert outcome.label in form.text and outcome.detail_label in form.text
    url = decide_url(meeting_id, item_id)
    nothing = post(area, url, {"version": "1"})
    assert nothing.status_code == 422
    check_page(nothing.text, "decision (errors)")
    assert "Error: " in nothing.text and "Select the meeting&#39;s decision" in nothing.text
    assert 'href="#outcome"' in nothing.text
    no_reasons = post(area, url, decision_form("refer", ""))
    assert no_reasons.status_code == 422
    assert "Enter which services, and why" in no_reasons.text
    no_action = post(area, url, decision_form("no_action", " "))
    assert "Enter the reasons for the decision" in no_action.text
    assert 'href="#decision-refer"' in no_reasons.text
    unallocated = post(area, url, decision_form("allocate", "Assess at home"))
    assert unallocated.status_code == 422
    assert "Select who the case is allocated to" in unallocated.text
    assert "Enter what the team will do" not in unallocated.text
    assert "Assess at home" in unallocated.text  # what was typed is kept
    outsider = post(area, url, decision_form("allocate", "Assess", allocated_to=priya))
    assert outsider.status_code == 422  # not in the team the outcome allocates to
    assert item_row(area, item_id)["outcome"] == ""
    assert testshire.DECISIONS == []


def test_a_decision_allocates_runs_the_areas_reaction_and_is_minuted(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, item_id = agenda_with_case(area, family_id)
    as_user(area, "derby.mat")  # Priya signs in once, so she has an account
    priya = user_id(area, "priya.chandran")
    post_team_member(area, "team:upper", priya)
    as_user(area, CHAIR)
    form = area.client.get(decide_url(meeting_id, item_id))
    assert "Priya Chandran (Youth worker)" in form.text
    data = decision_form("allocate", "Assess with the family", allocated_to=priya)
    response = post(area, decide_url(meeting_id, item_id), data)
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{meeting_id}#item-{item_id}"
    item = item_row(area, item_id)
    assert item["outcome"] == "allocate" and item["allocated_to"] == priya
    assert item["allocated_team"] == "team:upper" and item["decision"] == "Assess with the family"
    [heard] = testshire.DECISIONS
    assert heard.item_id == item_id and heard.allocated_to == priya
    assert heard.series_key == SERIES_KEY and heard.family_id == family_id
    again = post(area, decide_url(meeting_id, item_id), data)  # a double click
    assert again.status_code == 303 and len(testshire.DECISIONS) == 1
    page = area.client.get(f"/meetings/{meeting_id}").text
    assert "Allocate to the Upper Testing Team" in page and "Allocated to Priya Chandran" in page


def test_a_failing_reaction_leaves_no_decision(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, item_id = agenda_with_case(area, family_id)
    as_user(area, CHAIR)
    testshire.FAIL_REACTIONS.append("the plugin could not allocate")
    response = post(area, decide_url(meeting_id, item_id), decision_form("refer", "To CAMHS"))
    assert response.status_code == 500
    assert "the plugin could not allocate" not in response.text
    item = item_row(area, item_id)
    assert item["outcome"] == "" and item["version"] == 1
    assert len(testshire.DECISIONS) == 1  # it ran, and everything rolled back with it
    for action in ("agenda_decision_recorded", "testshire_decision_heard", "queue_closed"):
        assert area.run(AuditEvent.count().where(AuditEvent.action == action).run) == 0, action
    assert area.client.get(f"/families/{family_id}").status_code == 200  # still on the agenda
    testshire.FAIL_REACTIONS.clear()
    assert (
        post(area, decide_url(meeting_id, item_id), decision_form("refer", "To CAMHS")).status_code
        == 303
    )


def test_a_stale_or_second_decision_gets_a_conflict_page(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, item_id = agenda_with_case(area, family_id)
    as_user(area, MANAGER)
    wrong = post(
        area, decide_url(meeting_id, item_id), decision_form("refer", "To CAMHS", version=5)
    )
    assert wrong.status_code == 409  # a form from a version that no longer exists
    check_page(wrong.text, "decision conflict")
    assert 'name="version" value="1"' in wrong.text and "To CAMHS" in wrong.text
    assert item_row(area, item_id)["outcome"] == ""
    as_user(area, MANAGER)
    assert (
        post(area, decide_url(meeting_id, item_id), decision_form("refer", "To CAMHS")).status_code
        == 303
    )
    as_user(area, CHAIR)  # opened the form before the manager saved
    late = post(area, decide_url(meeting_id, item_id), decision_form("no_action", "Needs met"))
    assert late.status_code == 409
    check_page(late.text, "already decided")
    assert (
        "already been decided" in late.text and "To CAMHS" in late.text and "Needs met" in late.text
    )
    item = item_row(area, item_id)
    assert item["outcome"] == "refer" and item["version"] == 2
    assert len(testshire.DECISIONS) == 1


# The meeting itself ----------------------------------------------------------------


def test_attendance_is_added_once_and_removed(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, _ = agenda_with_case(area, family_id)
    as_user(area, CHAIR)
    page = area.client.get(f"/meetings/{meeting_id}/attendance/new")
    check_page(page.text, "attendance")
    missing = post(area, f"/meetings/{meeting_id}/attendance", {"user": "other", "name": ""})
    assert missing.status_code == 422
    assert (
        "Enter the attendee&#39;s name" in missing.text
        and "Select whether they came" in missing.text
    )
    check_page(missing.text, "attendance (errors)")
    contact = {
        "user": "other",
        "name": "Pat Visitor",
        "organisation": "Homestart",
        "present": "apologies",
    }
    for _ in range(2):  # a double click adds them once
        assert post(area, f"/meetings/{meeting_id}/attendance", contact).status_code == 303
    found = area.client.get(f"/meetings/{meeting_id}/attendance/new?q=bellamy")
    check_page(found.text, "attendance search")
    marcus = user_id(area, "marcus.bellamy")
    assert f'value="{marcus}"' in found.text
    me = {"user": str(marcus), "present": "present", "q": "bellamy"}
    assert post(area, f"/meetings/{meeting_id}/attendance", me).status_code == 303
    rows = area.run(MeetingAttendance.select().order_by(MeetingAttendance.name).run)
    assert [(r["name"], r["present"], r["user"]) for r in rows] == [
        ("Marcus Bellamy", True, marcus),
        ("Pat Visitor", False, None),
    ]
    agenda = area.client.get(f"/meetings/{meeting_id}").text
    assert "Sent apologies" in agenda and "Homestart" in agenda
    removed = post(area, f"/meetings/{meeting_id}/attendance/{rows[1]['id']}/remove", {})
    assert removed.status_code == 303
    again = post(area, f"/meetings/{meeting_id}/attendance/{rows[1]['id']}/remove", {})
    assert again.status_code == 303  # a double click
    assert area.run(MeetingAttendance.count().run) == 1
    removals = AuditEvent.count().where(AuditEvent.action == "meeting_attendance_removed")
    assert area.run(removals.run) == 1


def test_someone_from_another_area_cannot_be_added_as_an_attendee(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, _ = agenda_with_case(area, family_id)
    as_user(area, "derbyshire.manager")
    other = user_id(area, "daniel.hartwell")
    as_user(area, CHAIR)
    response = post(
        area, f"/meetings/{meeting_id}/attendance", {"user": str(other), "present": "present"}
    )
    assert response.status_code == 422 and "Select who attended" in response.text
    assert area.run(MeetingAttendance.count().run) == 0


def test_marking_the_meeting_held_keeps_its_notes_versioned(area: Portal) -> None:
    family_id = family_in_testshire(area)
    meeting_id, _ = agenda_with_case(area, family_id)
    as_user(area, CHAIR)
    url = f"/meetings/{meeting_id}/held"
    held = {"notes": "Quorate.", "version": "1", "confirm": "yes"}  # early, a case undecided
    assert post(area, url, held).status_code == 303
    meeting = one(area, Meeting.select().where(Meeting.id == meeting_id))
    assert (
        meeting["status"] == "held" and meeting["notes"] == "Quorate." and meeting["version"] == 2
    )
    assert post(area, url, held).status_code == 303  # double click
    stale = post(area, url, {"notes": "Not quorate.", "version": "1"})
    assert stale.status_code == 409
    check_page(stale.text, "held conflict")
    assert "Not quorate." in stale.text and 'name="version" value="2"' in stale.text
    assert (
        post(area, url, {"notes": "Quorate; two cases deferred.", "version": "2"}).status_code
        == 303
    )
    meeting = one(area, Meeting.select().where(Meeting.id == meeting_id))
    assert meeting["notes"] == "Quorate; two cases deferred." and meeting["version"] == 3
    assert "Save the notes" in area.client.get(f"/meetings/{meeting_id}").text


def test_print_views_hold_the_agenda_and_the_minutes_and_are_audited_as_exports(
    area: Portal,
) -> None:
    family_id = family_in_testshire(area, given="Philippa")
    meeting_id, item_id = agenda_with_case(area, family_id)
    as_user(area, CHAIR)
    post(
        area,
        f"/meetings/{meeting_id}/attendance",
        {"user": "other", "name": "Pat Visitor", "present": "present"},
    )
    post(area, decide_url(meeting_id, item_id), decision_form("refer", "To the school nurse"))
    post(
        area,
        f"/meetings/{meeting_id}/held",
        {"notes": "Quorate.", "version": "1", "confirm": "yes"},  # held before its day
    )
    agenda = area.client.get(f"/meetings/{meeting_id}/agenda")
    assert agenda.status_code == 200
    check_page(agenda.text, "print agenda")
    assert "Philippa Smith-Jones" in agenda.text and "School attendance has dropped" in agenda.text
    assert "govuk-!-display-none-print" in agenda.text
    minutes = area.client.get(f"/meetings/{meeting_id}/minutes")
    check_page(minutes.text, "print minutes")
    for text in (
        "Pat Visitor",
        "Refer to other services",
        "To the school nurse",
        "Quorate.",
        "Marcus Bellamy",
    ):
        assert text in minutes.text, text
    for action in ("meeting_agenda_printed", "meeting_minutes_printed"):
        rows = area.run(
            AuditEvent.select(AuditEvent.family_id).where(AuditEvent.action == action).run
        )
        assert family_id in {r["family_id"] for r in rows}, action


# The weekly schedule ---------------------------------------------------------------


def test_next_slots_keep_uk_time_across_the_clock_changes() -> None:
    series = {"weekday": 1, "start_time": "10:00"}  # Tuesdays at 10:00 UK time
    autumn = schedule.next_slots(series, datetime(2026, 10, 19, 12, tzinfo=UTC), 2)
    assert autumn == [datetime(2026, 10, 20, 9, tzinfo=UTC), datetime(2026, 10, 27, 10, tzinfo=UTC)]
    spring = schedule.next_slots(series, datetime(2026, 3, 24, 9, 30, tzinfo=UTC), 2)
    # 09:30 UTC on 24 March is 09:30 GMT: that day's 10:00 is still to come
    assert spring == [datetime(2026, 3, 24, 10, tzinfo=UTC), datetime(2026, 3, 31, 9, tzinfo=UTC)]
    assert schedule.when_label(spring[1]) == "Tuesday 31 March 2026 at 10am"


def test_the_areas_manager_changes_the_schedule_with_checks(area: Portal) -> None:
    series_id = area.run(make_series)
    url = f"/meetings/series/{series_id}"
    as_user(area, CHAIR)
    assert area.client.get(url).status_code == 403
    assert (
        post(area, url, {"weekday": "3", "start_time": "09:00", "version": "1"}).status_code == 403
    )
    as_user(area, "derbyshire.manager")
    assert area.client.get(url).status_code == 404
    as_user(area, MANAGER)
    page = area.client.get(url)
    assert page.status_code == 200
    check_page(page.text, "series")
    bad = post(
        area, url, {"weekday": "9", "start_time": "25:61", "location": "Hall", "version": "1"}
    )
    assert bad.status_code == 422
    check_page(bad.text, "series (errors)")
    assert "Select the day of the week the meeting is held" in bad.text
    assert "Enter the start time as hours and minutes, like 10:00" in bad.text
    assert 'value="Hall"' in bad.text
    good = {"weekday": "3", "start_time": "14:30", "location": "Civic Centre", "version": "1"}
    assert post(area, url, good).status_code == 303
    assert post(area, url, good).status_code == 303  # the same again changes nothing
    series = one(area, MeetingSeries.select())
    assert (series["weekday"], series["start_time"], series["location"]) == (
        3,
        "14:30",
        "Civic Centre",
    )
    assert series["version"] == 2
    stale = post(area, url, {**good, "start_time": "15:00"})
    assert stale.status_code == 409
    assert "Thursday" in area.client.get("/meetings").text


def test_holding_a_meeting_early_or_with_undecided_cases_asks_first_and_moves_them(
    area: Portal,
) -> None:
    """Issue 20, item 8: marked held before its date, with a case undecided, and
    it still took new cases."""
    family_id = family_in_testshire(area)
    meeting_id, _ = agenda_with_case(area, family_id)
    as_user(area, CHAIR)
    page = area.client.get(f"/meetings/{meeting_id}")
    assert "which has not come yet" in page.text
    assert "1 case has no decision yet and will move to the next meeting" in page.text
    assert "School attendance has dropped" in page.text.split('id="holding-warnings"', 1)[1]

    url = f"/meetings/{meeting_id}/held"
    asked = post(area, url, {"notes": "Quorate, one case deferred.", "version": "1"})
    assert asked.status_code == 422
    check_page(asked.text, "held, not confirmed")
    assert "Confirm the meeting was held, or come back when it has been" in asked.text
    assert "Quorate, one case deferred." in asked.text  # what was typed is kept
    assert one(area, Meeting.select().where(Meeting.id == meeting_id))["status"] == "scheduled"

    confirmed = {"notes": "Quorate, one case deferred.", "version": "1", "confirm": "yes"}
    assert post(area, url, confirmed).status_code == 303
    held = one(area, Meeting.select().where(Meeting.id == meeting_id))
    assert held["status"] == "held"
    # The undecided case is now on the series' next meeting, a week later.
    [moved] = area.run(AgendaItem.select().where(AgendaItem.record_id == 7).run)
    assert moved["meeting"] != meeting_id
    later = one(area, Meeting.select().where(Meeting.id == moved["meeting"]))
    assert (later["starts_at"] - held["starts_at"]).days == 7
    assert later["status"] == "scheduled"

    # The held meeting is never offered again, and takes no new case.
    async def offered() -> list[datetime]:
        series = await MeetingSeries.select().where(MeetingSeries.key == SERIES_KEY).first()
        assert series is not None
        return await service.open_slots(series, datetime.now(UTC), 2)

    slots = area.run(offered)
    assert held["starts_at"] not in slots and later["starts_at"] == slots[0]

    async def place_on_held() -> None:
        await service.meeting_at(held["series"], held["starts_at"])

    with pytest.raises(service.MeetingHeld):
        area.run(place_on_held)
