"""Derby's plugin on both databases: a completed Early Help Assessment sent with
consent to the SPA clerk of the family's locality (or The Lighthouse), checked,
returned or put on a meeting of the locality's weekly Vulnerable Children's
Meeting, decided there by the chair through the core's meeting pages, and the
outcome fed back to the practitioner and the allocated Multi-Agency Team member."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from portal_derby.tables import (
    DerbyPreAssessment,
    DerbyPreAssessmentReview,
    DerbyVcmSubmission,
)

from portal.consent.tables import ConsentRecord
from portal.meetings.tables import AgendaItem, Meeting
from portal.notify.tables import Notification
from portal.plugins import call_for_area
from portal.teams import service as teams
from portal.teams.tables import QueueEntry
from tests.integration.conftest import clean_tables
from tests.integration.test_assessments import child_of, give_consent, save, start_form
from tests.support.assessments import REQUIRED_SECTIONS
from tests.support.families import date_fields
from tests.support.portal import Portal, as_user, create_family, post, user_id

DERBY_TABLES = (DerbyVcmSubmission, DerbyPreAssessmentReview, DerbyPreAssessment)


async def clean_derby() -> None:
    for table in DERBY_TABLES:
        await table.delete(force=True)
    await clean_tables()


@pytest.fixture
def derby(portal_factory: Callable[..., Portal]) -> Portal:
    instance = portal_factory()
    instance.run(clean_derby)
    return instance


def post_staff(portal: Portal) -> dict[str, int]:
    """Sign in Derby's staff once (so their accounts exist) and post them to teams."""
    ids: dict[str, int] = {}
    for username, prefix in (
        ("derby.spa", "grace.whitfield"),
        ("derby.lighthouse", "ellis.marsh"),
        ("derby.mat", "priya.chandran"),
        ("derby.vcm", "marcus.bellamy"),
        ("derby.school", "hannah.ashworth"),
    ):
        as_user(portal, username)
        ids[prefix] = user_id(portal, prefix)
    for prefix, team, role in (
        ("grace.whitfield", "spa:north", "SPA clerk"),
        ("ellis.marsh", "lighthouse", "Referrals coordinator"),
        ("priya.chandran", "mat:north", "Youth worker"),
    ):
        portal.run(teams.add_team_member, None, "derby", team, ids[prefix], role)
    return ids


def completed_assessment(portal: Portal) -> tuple[int, int]:
    """As derby.school: a North family with a completed assessment."""
    as_user(portal, "derby.school")
    family_id = create_family(portal)
    child_id = child_of(portal, family_id)
    give_consent(portal, family_id, child_id)
    started = post(
        portal,
        f"/families/{family_id}/assessments",
        start_form(child_id, key=f"start-{family_id}"),
    )
    assert started.status_code == 303, started.text
    assessment_id = int(started.headers["location"].rsplit("/", 1)[1])
    for slug in REQUIRED_SECTIONS:
        assert save(portal, family_id, assessment_id, slug).status_code == 303
    done = post(portal, f"/families/{family_id}/assessments/{assessment_id}/complete", {})
    assert done.status_code == 303, done.text
    return family_id, assessment_id


def submission_form(assessment_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "form_key": f"vcm-{assessment_id}-{overrides.get('significant_disability', 'no')}",
        "assessment": str(assessment_id),
        "significant_disability": "no",
        "request": "Support from the MAT with attendance and routines",
        "consent": "yes",
        "given_by": "parent_carer",
        "given_by_name": "Sarah Smith-Jones",
        "method": "written",
        **date_fields("given_on", date(2026, 11, 3)),
        **overrides,
    }


def submit(portal: Portal, family_id: int, assessment_id: int, **overrides: Any) -> int:
    response = post(
        portal, f"/derby/families/{family_id}/vcm", submission_form(assessment_id, **overrides)
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/derby/submissions/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def submission_row(portal: Portal, submission_id: int) -> dict[str, Any]:
    row = portal.run(
        DerbyVcmSubmission.select().where(DerbyVcmSubmission.id == submission_id).first().run
    )
    assert row is not None
    return row


def first_slot(page: str) -> str:
    match = re.search(r'name="starts_at" type="radio" value="([^"]+)"', page)
    assert match, "no meeting offered"
    return match.group(1)


def place(portal: Portal, submission_id: int) -> tuple[int, datetime]:
    """As the signed-in clerk: the request onto the first meeting offered."""
    page = portal.client.get(f"/derby/inbox/{submission_id}")
    assert page.status_code == 200, page.text
    slot = first_slot(page.text)
    row = submission_row(portal, submission_id)
    placed = post(
        portal,
        f"/derby/inbox/{submission_id}/place",
        {"starts_at": slot, "version": str(row["version"])},
    )
    assert placed.status_code == 303, placed.text
    row = submission_row(portal, submission_id)
    assert row["status"] == "on_agenda"
    return int(row["meeting_id"]), datetime.fromisoformat(slot)


def decide(portal: Portal, submission_id: int, outcome: str, text: str, **extra: str) -> Any:
    """As the signed-in chair, through the core's decision page."""
    row = submission_row(portal, submission_id)
    item = portal.run(AgendaItem.select().where(AgendaItem.id == row["agenda_item_id"]).first().run)
    assert item is not None
    url = f"/meetings/{row['meeting_id']}/items/{item['id']}/decision"
    assert portal.client.get(url).status_code == 200
    return post(
        portal,
        url,
        {"outcome": outcome, f"decision-{outcome}": text, "version": str(item["version"]), **extra},
    )


def notifications_for(portal: Portal, recipient: int) -> list[dict[str, Any]]:
    return portal.run(Notification.select().where(Notification.recipient == recipient).run)


def test_submit_place_decide_and_allocate_end_to_end(derby: Portal) -> None:
    ids = post_staff(derby)
    family_id, assessment_id = completed_assessment(derby)
    page = derby.client.get(f"/derby/families/{family_id}")
    assert page.status_code == 200 and "Submit to the VCM" in page.text

    # Without the family's consent to share with the meeting nothing is sent.
    refused = post(
        derby,
        f"/derby/families/{family_id}/vcm",
        submission_form(assessment_id, consent="no", request="Keep this text"),
    )
    assert refused.status_code == 422
    assert "with the family&#39;s consent" in refused.text and "Keep this text" in refused.text
    assert "<title>Error:" in refused.text
    assert derby.run(DerbyVcmSubmission.count().run) == 0

    submission_id = submit(derby, family_id, assessment_id)
    assert submit(derby, family_id, assessment_id) == submission_id  # a double click
    assert derby.run(DerbyVcmSubmission.count().run) == 1
    row = submission_row(derby, submission_id)
    assert row["inbox"] == "spa:north" and row["status"] == "with_clerk"
    entry = derby.run(QueueEntry.select().where(QueueEntry.id == row["queue_entry_id"]).first().run)
    assert entry is not None
    assert entry["roles"] == "derby.spa_clerk" and entry["team"] == "spa:north"
    consents = derby.run(ConsentRecord.select().where(ConsentRecord.purpose == "sharing").run)
    assert [c["agencies"] for c in consents] == ["Derby Vulnerable Children's Meeting"]
    assert "With the SPA clerk for North" in derby.client.get("/derby/submissions").text
    clerk_note = notifications_for(derby, ids["grace.whitfield"])
    assert [n["link"] for n in clerk_note] == [f"/derby/inbox/{submission_id}"]

    # The Lighthouse's clerk works another inbox: nothing of North's reaches them.
    as_user(derby, "derby.lighthouse")
    assert derby.client.get(f"/derby/inbox/{submission_id}").status_code == 404
    assert f"/derby/inbox/{submission_id}" not in derby.client.get("/derby/inbox").text
    assert derby.client.get(f"/derby/submissions/{submission_id}").status_code == 404
    assert derby.client.get(f"/families/{family_id}").status_code == 403
    # ... and the MAT member has no access before an allocation.
    as_user(derby, "derby.mat")
    assert derby.client.get(f"/families/{family_id}").status_code == 403

    as_user(derby, "derby.spa")
    assert f"/derby/inbox/{submission_id}" in derby.client.get("/derby/inbox").text
    assert derby.client.get(f"/families/{family_id}").status_code == 200  # via the inbox
    meeting_id, starts_at = place(derby, submission_id)
    looked = derby.client.get(f"/derby/inbox/{submission_id}")  # it has left the inbox
    assert looked.status_code == 200 and "This request is no longer in the inbox" in looked.text
    assert "Someone else changed" not in looked.text
    meeting = derby.run(Meeting.select().where(Meeting.id == meeting_id).first().run)
    assert meeting is not None
    assert meeting["starts_at"] == starts_at
    assert starts_at > datetime.now(UTC)
    local = starts_at.astimezone(ZoneInfo("Europe/London"))
    assert (local.weekday(), local.hour, local.minute) == (1, 10, 0)  # North: Tuesdays 10:00

    as_user(derby, "derby.school")
    shown = derby.client.get(f"/derby/submissions/{submission_id}").text
    day = f"{starts_at:%A} {starts_at.day} {starts_at:%B %Y}"
    assert f"On the agenda for {day}" in shown
    assert f"On the agenda for {day}" in derby.client.get(f"/derby/families/{family_id}").text
    record = derby.client.get(f"/families/{family_id}").text  # Derby's card on the core record
    assert "Early help in Derby" in record and f"On the agenda for {day}" in record
    assert f'href="/derby/submissions/{submission_id}"' in record

    # The clerk sees the meeting's date; only chairs and managers open its agenda.
    as_user(derby, "derby.spa")
    assert f'href="/meetings/{meeting_id}"' not in derby.client.get("/derby/meetings").text
    assert derby.client.get(f"/meetings/{meeting_id}").status_code == 403
    as_user(derby, "derby.vcm")
    assert f'href="/meetings/{meeting_id}"' in derby.client.get("/derby/meetings").text
    agenda = derby.client.get(f"/meetings/{meeting_id}")
    assert agenda.status_code == 200
    missing = decide(derby, submission_id, "allocate", "Family support for six weeks")
    assert missing.status_code == 422 and "Select who the case is allocated to" in missing.text
    decided = decide(
        derby,
        submission_id,
        "allocate",
        "Family support for six weeks",
        **{"allocated_to-allocate": str(ids["priya.chandran"])},
    )
    assert decided.status_code == 303, decided.text
    row = submission_row(derby, submission_id)
    assert row["status"] == "decided" and row["outcome"] == "allocate"
    assert row["allocated_to"] == ids["priya.chandran"]
    allocation = derby.run(
        QueueEntry.select().where(QueueEntry.id == row["allocation_entry_id"]).first().run
    )
    assert allocation is not None
    assert allocation["assigned_to"] == ids["priya.chandran"] and allocation["closed_at"] is None
    submitter_notes = [n["link"] for n in notifications_for(derby, ids["hannah.ashworth"])]
    assert submitter_notes.count(f"/derby/submissions/{submission_id}") == 2  # placed, decided
    mat_notes = notifications_for(derby, ids["priya.chandran"])
    assert [n["kind"] for n in mat_notes] == ["derby_vcm_allocated"]

    as_user(derby, "derby.mat")
    assert derby.client.get(f"/families/{family_id}").status_code == 200
    allocations = derby.client.get("/derby/allocations").text
    assert f"/derby/submissions/{submission_id}" in allocations
    assert "Family support for six weeks" in allocations

    as_user(derby, "derby.spa")  # the clerk's access ended with the decision
    assert derby.client.get(f"/families/{family_id}").status_code == 403

    as_user(derby, "derby.school")
    mine = derby.client.get("/derby/submissions").text
    assert "Decided: Allocate to a practitioner or service" in mine
    assert "Priya Chandran" in derby.client.get(f"/derby/submissions/{submission_id}").text


def test_a_returned_request_shows_the_reason_and_can_be_resubmitted(derby: Portal) -> None:
    ids = post_staff(derby)
    family_id, assessment_id = completed_assessment(derby)
    submission_id = submit(derby, family_id, assessment_id)

    as_user(derby, "derby.spa")
    version = str(submission_row(derby, submission_id)["version"])
    empty = post(derby, f"/derby/inbox/{submission_id}/return", {"reason": "", "version": version})
    assert empty.status_code == 422 and "Enter why you are returning the request" in empty.text
    returned = post(
        derby,
        f"/derby/inbox/{submission_id}/return",
        {"reason": "Add the school's attendance figures", "version": version},
    )
    assert returned.status_code == 303
    again = post(  # a second clerk acting on the same version changes nothing
        derby,
        f"/derby/inbox/{submission_id}/return",
        {"reason": "Something else", "version": version},
    )
    assert again.status_code == 409
    row = submission_row(derby, submission_id)
    assert row["status"] == "returned" and row["returned_reason"] == (
        "Add the school's attendance figures"
    )
    assert derby.client.get(f"/families/{family_id}").status_code == 403  # inbox entry closed

    as_user(derby, "derby.school")
    page = derby.client.get(f"/derby/submissions/{submission_id}").text
    assert "Returned: Add the school&#39;s attendance figures" in page
    assert "Resubmit to the VCM" in page
    notes = [n["kind"] for n in notifications_for(derby, ids["hannah.ashworth"])]
    assert notes == ["derby_vcm_returned"]
    resubmitted = post(
        derby,
        f"/derby/submissions/{submission_id}/resubmit",
        {"request": "MAT support; attendance figures now added", "version": str(row["version"])},
    )
    assert resubmitted.status_code == 303
    row = submission_row(derby, submission_id)
    assert row["status"] == "with_clerk" and row["times_returned"] == 1
    assert "With the SPA clerk for North" in derby.client.get("/derby/submissions").text

    as_user(derby, "derby.spa")
    assert "attendance figures now added" in derby.client.get(f"/derby/inbox/{submission_id}").text


def test_a_child_with_a_significant_disability_goes_to_the_lighthouse(derby: Portal) -> None:
    ids = post_staff(derby)
    family_id, assessment_id = completed_assessment(derby)
    submission_id = submit(derby, family_id, assessment_id, significant_disability="yes")
    row = submission_row(derby, submission_id)
    assert row["inbox"] == "lighthouse" and row["significant_disability"] is True
    assert "With The Lighthouse" in derby.client.get(f"/derby/submissions/{submission_id}").text
    assert [n["link"] for n in notifications_for(derby, ids["ellis.marsh"])] == [
        f"/derby/inbox/{submission_id}"
    ]

    as_user(derby, "derby.spa")  # North's SPA clerk does not work The Lighthouse's inbox
    assert derby.client.get(f"/derby/inbox/{submission_id}").status_code == 404

    as_user(derby, "derby.lighthouse")
    assert f"/derby/inbox/{submission_id}" in derby.client.get("/derby/inbox").text
    meeting_id, _ = place(derby, submission_id)
    series = derby.run(
        Meeting.select(Meeting.series.key.as_alias("key"))
        .where(Meeting.id == meeting_id)
        .first()
        .run
    )
    assert series is not None
    assert series["key"] == "derby:vcm:north"  # the family's locality VCM


def test_social_care_outcome_points_the_submitter_at_the_referral_route(derby: Portal) -> None:
    post_staff(derby)
    family_id, assessment_id = completed_assessment(derby)
    submission_id = submit(derby, family_id, assessment_id)
    as_user(derby, "derby.spa")
    place(derby, submission_id)
    as_user(derby, "derby.vcm")
    assert (
        decide(derby, submission_id, "social_care", "Needs a social work assessment").status_code
        == 303
    )
    as_user(derby, "derby.school")
    page = derby.client.get(f"/derby/submissions/{submission_id}").text
    assert "Decided: Refer to Children&#39;s Social Care" in page
    assert f'href="/families/{family_id}/escalate"' in page
    assert submission_row(derby, submission_id)["allocation_entry_id"] is None


def test_outcomes_teams_and_the_decided_hook_through_the_plugin_manager(derby: Portal) -> None:
    manager = derby.app.state.plugin_manager
    outcomes = call_for_area(
        manager, "derby", "portal_agenda_outcomes", series_key="derby:vcm:east"
    )
    assert [o.key for o in outcomes] == ["allocate", "refer_other", "no_action", "social_care"]
    allocate, refer, *_ = outcomes
    assert allocate.allocates and allocate.allocation_team == "mat:east"
    assert refer.detail_label == "Which services, and why" and not refer.allocates
    assert call_for_area(manager, "derby", "portal_agenda_outcomes", series_key="derby:other") == []
    teams = {t.key: t for t in call_for_area(manager, "derby", "portal_area_teams")}
    assert {"spa:north", "spa:south", "spa:east", "spa:west", "lighthouse"} <= set(teams)
    assert "Youth worker" in teams["mat:north"].member_roles
    assert "Careers guidance" in teams["mat:west"].member_roles
    assert teams["spa:north"].member_roles == ()


def test_derbyshire_users_get_nothing_from_derby_routes(derby: Portal) -> None:
    post_staff(derby)
    family_id, assessment_id = completed_assessment(derby)
    submission_id = submit(derby, family_id, assessment_id)
    pre = post(
        derby,
        f"/derby/families/{family_id}/pre-assessments",
        pre_form(child=str(child_of(derby, family_id)), form_key="pre-shire"),
    )
    pre_url = pre.headers["location"]
    as_user(derby, "derbyshire.manager")
    urls = [
        "/derby/",
        "/derby/submissions",
        "/derby/allocations",
        "/derby/meetings",
        "/derby/inbox",
        f"/derby/families/{family_id}",
        f"/derby/families/{family_id}/vcm/new",
        f"/derby/families/{family_id}/pre-assessments/new",
        pre_url,
        f"/derby/submissions/{submission_id}",
        f"/derby/inbox/{submission_id}",
    ]
    for url in urls:
        assert derby.client.get(url).status_code == 404, url  # never a 403 that confirms the page
    for url in (
        f"/derby/families/{family_id}/vcm",
        f"/derby/inbox/{submission_id}/return",
        f"/derby/submissions/{submission_id}/resubmit",
    ):
        assert post(derby, url, {"reason": "x", "request": "x"}).status_code == 404, url
    assert submission_row(derby, submission_id)["status"] == "with_clerk"
    # The Derby family id is unknown to a Derbyshire user anywhere in the portal.
    assert derby.client.get(f"/families/{family_id}").status_code == 404


def test_no_derby_route_when_only_derbyshire_is_enabled(portal_factory: Any) -> None:
    portal = portal_factory(PORTAL_AREAS="derbyshire")
    portal.sign_in("derbyshire.school")
    assert not any(route.path.startswith("/derby/") for route in portal.app.routes)
    assert portal.client.get("/derby/").status_code == 404
    assert portal.client.get("/derby/inbox").status_code == 404


def pre_form(**overrides: Any) -> dict[str, Any]:
    return {
        "form_key": "pre-1",
        "needs": "Liz is often late and tired; mum says mornings are hard",
        "strengths": "Mum asks for help; Nan helps",
        "child_views": "Liz says she wants to get to school on time",
        "parent_views": "Mum would like a morning routine",
        "action_plan": "Breakfast club place from Monday (school); review in four weeks",
        "conclusion": "single_agency",
        **date_fields("review_on", date(2030, 1, 15)),
        **overrides,
    }
