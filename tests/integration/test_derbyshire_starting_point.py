"""Derbyshire's Starting Point on both databases: the online referral (with an
EHA and consent, or a safeguarding concern without), triage with advice or a
redirection, the Initial Contact's 24-hour clock on a controlled clock, the
four screening decisions, allocation at the district VCM through the core's
agenda, the referrer told (and when), the weekly report, and separation from
Derby."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from portal_derbyshire import plugin
from portal_derbyshire.demo import load_demo
from portal_derbyshire.tables import StartingPointRequest

from portal.assessments.tables import AssessmentVersion
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.families.tables import Family, Person
from portal.lead.tables import LeadTransfer
from portal.meetings.tables import AgendaItem, MeetingSeries
from portal.notify.tables import Notification
from portal.teams import service as teams
from portal.teams.tables import QueueEntry, TeamMember
from tests.support.assessments import REQUIRED_SECTIONS, section_form
from tests.support.families import consent_form, date_fields
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post, user_id

# A Monday morning (UK time = UTC in November): ISO week 47 of 2026.
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


class Clock:
    """The app's clock, moved by the test (``app.state.derbyshire_clock``)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock(portal: Portal) -> Clock:
    the_clock = Clock(T0)
    portal.app.state.derbyshire_clock = the_clock
    portal.run(clean_derbyshire)
    return the_clock


async def clean_derbyshire() -> None:
    await StartingPointRequest.delete(force=True)


# Helpers ------------------------------------------------------------------------------------


def shire_family(portal: Portal) -> tuple[int, int]:
    """As Tom Ridgeway (derbyshire.school): an Erewash family; (family id, child id)."""
    as_user(portal, "derbyshire.school")
    family_id = create_family(
        portal, place="derbyshire:erewash", postcode="DE7 5RG", given="Ruby", family="Hollins"
    )
    child = portal.run(Person.select(Person.id).where(Person.family == family_id).first().run)
    assert child is not None
    return family_id, int(child["id"])


def consent_to(portal: Portal, family_id: int, child_id: int, purpose: str, **extra: Any) -> None:
    response = post(
        portal,
        f"/families/{family_id}/consent",
        consent_form(child_id, purpose, form_key=f"{purpose}-{family_id}", **extra),
    )
    assert response.status_code == 303, response.text


def completed_eha(portal: Portal, family_id: int, child_id: int) -> tuple[int, int]:
    """A completed Early Help Assessment: (assessment id, frozen version id)."""
    consent_to(portal, family_id, child_id, "record")
    consent_to(portal, family_id, child_id, "assessment")
    response = post(
        portal,
        f"/families/{family_id}/assessments",
        {"child": str(child_id), **date_fields("started_on", date(2026, 11, 2)), "form_key": "eha"},
    )
    assert response.status_code == 303, response.text
    assessment_id = int(response.headers["location"].rsplit("/", 1)[1])
    base = f"/families/{family_id}/assessments/{assessment_id}"
    for slug in REQUIRED_SECTIONS:
        page = portal.client.get(f"{base}/sections/{slug}").text
        version = re.search(r'name="base_version" value="(\d+)"', page)
        assert version, slug
        saved = post(
            portal, f"{base}/sections/{slug}", {**section_form(slug), "base_version": version[1]}
        )
        assert saved.status_code == 303, (slug, saved.text[:500])
    assert post(portal, base + "/complete", {}).status_code == 303
    row = portal.run(
        AssessmentVersion.select(AssessmentVersion.id)
        .where(AssessmentVersion.assessment == assessment_id)
        .first()
        .run
    )
    assert row is not None
    return assessment_id, int(row["id"])


def referral(child_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "form_key": f"ref-{child_id}-{extra.get('form_key', '')}",
        "child": str(child_id),
        "request_type": "service",
        "details": "Attendance has fallen to 82% and mum's mood is low.",
        "assessment": "none",
        "consent_basis": "consent",
        "consent_detail": "",
        **extra,
    }


def send(portal: Portal, family_id: int, data: dict[str, Any]) -> int:
    response = post(portal, f"/derbyshire/families/{family_id}/referral", data)
    assert response.status_code == 303, response.text
    # The request's page, with the confirmation panel (issue 20).
    match = re.fullmatch(r"/derbyshire/requests/(\d+)\?sent=1", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def safeguarding_request(portal: Portal) -> tuple[int, int]:
    """A referral sent without consent for a safeguarding concern; (family, request)."""
    family_id, child_id = shire_family(portal)
    request_id = send(
        portal,
        family_id,
        referral(
            child_id,
            consent_basis="not_sought",
            consent_detail="Asking would put Ruby at greater risk.",
        ),
    )
    return family_id, request_id


def one(portal: Portal, query: Any) -> dict[str, Any]:
    row = portal.run(query.first().run)
    assert row is not None
    return dict(row)


def row_of(portal: Portal, request_id: int) -> dict[str, Any]:
    row = portal.run(
        StartingPointRequest.select().where(StartingPointRequest.id == request_id).first().run
    )
    assert row is not None
    return row


def triage(portal: Portal, request_id: int, outcome: str, **extra: Any) -> Any:
    version = row_of(portal, request_id)["version"]
    return post(
        portal,
        f"/derbyshire/requests/{request_id}/triage",
        {"outcome": outcome, "detail": "Screen please.", "version": str(version), **extra},
    )


def screen(portal: Portal, request_id: int, outcome: str, **extra: Any) -> Any:
    version = row_of(portal, request_id)["version"]
    return post(
        portal,
        f"/derbyshire/requests/{request_id}/screening",
        {"outcome": outcome, "reasons": "Emerging needs.", "version": str(version), **extra},
    )


def initial_contact(portal: Portal, clock: Clock) -> tuple[int, int]:
    """A safeguarding referral made an Initial Contact by Owen (derbyshire.sp)."""
    family_id, request_id = safeguarding_request(portal)
    as_user(portal, "derbyshire.sp")
    assert triage(portal, request_id, "initial_contact").status_code == 303
    return family_id, request_id


def notes_for(portal: Portal, uid: int) -> list[dict[str, Any]]:
    return portal.run(
        Notification.select().where(Notification.recipient == uid).order_by(Notification.id).run
    )


# The referral ---------------------------------------------------------------------------------


def test_a_referral_with_an_eha_and_consent_reaches_starting_points_queue(
    portal: Portal, clock: Clock
) -> None:
    family_id, child_id = shire_family(portal)
    assessment_id, version_id = completed_eha(portal, family_id, child_id)
    page = portal.client.get(f"/derbyshire/families/{family_id}/referral")
    assert page.status_code == 200
    check_page(page.text, "referral")
    assert f'value="{assessment_id}:{version_id}"' in page.text

    # No consent to share with Starting Point yet: the consent gate says so, and keeps the text.
    data = referral(child_id, assessment=f"{assessment_id}:{version_id}")
    refused = post(portal, f"/derbyshire/families/{family_id}/referral", data)
    assert refused.status_code == 422
    assert "<title>Error: " in refused.text
    assert "Record consent to share information with Starting Point" in refused.text
    assert "Attendance has fallen to 82%" in refused.text
    assert portal.run(StartingPointRequest.count().run) == 0

    consent_to(portal, family_id, child_id, "sharing", agencies="School nurse, Starting Point")
    request_id = send(portal, family_id, data)
    assert send(portal, family_id, data) == request_id  # a double submission makes one request
    row = row_of(portal, request_id)
    assert (row["assessment"], row["assessment_version"]) == (assessment_id, version_id)
    assert row["consent_basis"] == "consent" and row["status"] == "with_starting_point"
    assert row["submitted_at"] == T0 and row["district"] == "erewash"
    entry = one(portal, QueueEntry.select().where(QueueEntry.record_id == request_id))
    assert entry["queue"] == "starting_point" and entry["closed_at"] is None
    assert set(entry["roles"].split()) == {
        "derbyshire.starting_point",
        "derbyshire.senior_practitioner",
    }

    mine = portal.client.get("/derbyshire/requests")
    assert f'href="/derbyshire/requests/{request_id}"' in mine.text
    assert "With Starting Point" in mine.text
    detail = portal.client.get(f"/derbyshire/requests/{request_id}")
    assert "Early Help Assessment, version 1" in detail.text
    assert "The family consented to sharing with Starting Point" in detail.text
    assert "Record Starting Point" not in detail.text  # the referrer cannot triage
    family_page = portal.client.get(f"/derbyshire/families/{family_id}")
    assert f"Request {request_id}" in family_page.text
    record = portal.client.get(f"/families/{family_id}").text  # the core record's area card
    assert (
        f'href="/derbyshire/requests/{request_id}">Request {request_id}: With Starting Point'
        in record
    )
    assert f'href="/derbyshire/families/{family_id}/referral"' in record

    # Starting Point sees it (through the queue) and the family's record.
    as_user(portal, "derbyshire.sp")
    queue = portal.client.get("/derbyshire/starting-point")
    assert queue.status_code == 200
    check_page(queue.text, "queue")
    assert f'id="queue-row-{request_id}"' in queue.text and "Ruby Hollins" in queue.text
    assert portal.client.get(f"/families/{family_id}").status_code == 200


def test_a_safeguarding_referral_without_consent_must_say_why(portal: Portal, clock: Clock) -> None:
    family_id, child_id = shire_family(portal)
    data = referral(child_id, consent_basis="not_sought", consent_detail="")
    missing = post(portal, f"/derbyshire/families/{family_id}/referral", data)
    assert missing.status_code == 422
    assert "Enter why consent was not sought or what the family said" in missing.text
    assert 'href="#consent_detail"' in missing.text
    request_id = send(
        portal, family_id, {**data, "consent_detail": "Asking would put Ruby at greater risk."}
    )
    row = row_of(portal, request_id)
    assert row["consent_basis"] == "not_sought"
    assert row["consent_detail"] == "Asking would put Ruby at greater risk."


def test_a_referral_form_is_checked_field_by_field(portal: Portal, clock: Clock) -> None:
    family_id, _ = shire_family(portal)
    response = post(portal, f"/derbyshire/families/{family_id}/referral", {"form_key": "x"})
    assert response.status_code == 422
    for message in (
        "Select which child the request is mainly about",
        "Select what you are asking Starting Point for",
        "Enter what you need and why",
        "Select the Early Help Assessment to send, or that there is none",
        "Select whether the family consented, or why you are referring without consent",
    ):
        assert message in response.text


# Triage -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["advice", "redirect"])
def test_advice_or_a_redirection_closes_the_request_and_tells_the_referrer(
    portal: Portal, clock: Clock, outcome: str
) -> None:
    family_id, request_id = safeguarding_request(portal)
    tom = user_id(portal, "tom.ridgeway")
    as_user(portal, "derbyshire.sp")
    page = portal.client.get(f"/derbyshire/requests/{request_id}")
    assert "Previous involvement" in page.text  # the family's history informs triage
    check_page(page.text, "request")
    if outcome == "redirect":
        missing = triage(portal, request_id, "redirect")
        assert missing.status_code == 422
        assert "Enter the service you are redirecting the request to" in missing.text
    clock.advance(hours=3)
    extra = {"redirected_to": "Home-Start Erewash"} if outcome == "redirect" else {}
    assert (
        triage(portal, request_id, outcome, detail="Try the parenting course.", **extra).status_code
        == 303
    )
    row = row_of(portal, request_id)
    assert row["status"] == ("advised" if outcome == "advice" else "redirected")
    assert row["referrer_told_at"] == T0 + timedelta(hours=3)
    assert row["initial_contact_at"] is None
    entry = one(portal, QueueEntry.select().where(QueueEntry.record_id == request_id))
    assert entry["closed_at"] is not None  # Starting Point's access through the queue ends
    assert portal.client.get(f"/families/{family_id}").status_code == 403
    assert (
        f'id="queue-row-{request_id}"' not in portal.client.get("/derbyshire/starting-point").text
    )
    notes = notes_for(portal, tom)
    assert [n["link"] for n in notes] == [f"/derbyshire/requests/{request_id}"]
    assert "Ruby" not in notes[0]["message"]
    # A second decision is refused: the request is closed.
    assert triage(portal, request_id, "initial_contact").status_code in (409, 422)
    as_user(portal, "derbyshire.school")
    told = portal.client.get(f"/derbyshire/requests/{request_id}").text
    assert "16 November 2026 at midday" in told and "Try the parenting course." in told


def test_a_stale_triage_is_a_conflict(portal: Portal, clock: Clock) -> None:
    _, request_id = safeguarding_request(portal)
    as_user(portal, "derbyshire.sp")
    response = post(
        portal,
        f"/derbyshire/requests/{request_id}/triage",
        {"outcome": "advice", "detail": "Advice.", "version": "7"},
    )
    assert response.status_code == 409
    assert row_of(portal, request_id)["status"] == "with_starting_point"


def test_a_family_led_in_an_early_help_team_needs_an_initial_contact(
    portal: Portal, clock: Clock
) -> None:
    family_id, request_id = safeguarding_request(portal)
    as_user(portal, "derbyshire.eht")
    rachel = user_id(portal, "rachel.oduya")
    portal.run(add_to_team, rachel)
    as_user(portal, "derbyshire.school")
    assert post(portal, f"/families/{family_id}/lead/take", {}).status_code == 303
    # Tom leads (not in an Early Help Team): Starting Point may advise; now Rachel leads.
    portal.run(make_lead, family_id, rachel)
    as_user(portal, "derbyshire.sp")
    page = portal.client.get(f"/derbyshire/requests/{request_id}").text
    assert "Rachel Oduya, the family's Lead Practitioner, works in an Early Help Team" in page
    refused = triage(portal, request_id, "advice", detail="Advice.")
    assert refused.status_code == 422
    assert "create an Initial Contact for screening" in refused.text
    assert row_of(portal, request_id)["status"] == "with_starting_point"
    assert triage(portal, request_id, "initial_contact").status_code == 303


async def make_lead(family_id: int, uid: int) -> None:
    await Family.update({Family.lead_practitioner: uid}).where(Family.id == family_id)


# The 24-hour clock -------------------------------------------------------------------------------


def test_the_initial_contact_clock_counts_down_and_flags_a_breach(
    portal: Portal, clock: Clock
) -> None:
    _, request_id = initial_contact(portal, clock)
    assert row_of(portal, request_id)["initial_contact_at"] == T0
    clock.advance(minutes=50)
    as_user(portal, "derbyshire.senior")
    page = portal.client.get(f"/derbyshire/requests/{request_id}").text
    assert "23 hours 10 minutes left" in page and "On time" in page

    clock.advance(hours=21)  # 2 hours 10 minutes left: due soon
    queue = portal.client.get("/derbyshire/starting-point").text
    assert "2 hours 10 minutes left" in queue and "Due soon" in queue
    assert "overdue-summary" not in queue

    clock.advance(hours=4, minutes=10)  # 26 hours after the Initial Contact
    queue = portal.client.get("/derbyshire/starting-point").text
    assert "Overdue by 2 hours" in queue
    assert 'govuk-tag--red">Overdue</strong>' in queue
    assert "1 Initial Contact is overdue" in queue
    partial = portal.client.get(
        "/derbyshire/starting-point", headers={"HX-Request": "true", "HX-Target": "queue-poll"}
    )
    assert "<html" not in partial.text and "Overdue by 2 hours" in partial.text


def test_the_clock_script_is_served_and_counts_from_the_rendered_seconds(
    portal: Portal, clock: Clock
) -> None:
    _, request_id = initial_contact(portal, clock)
    clock.advance(minutes=50)
    as_user(portal, "derbyshire.senior")
    page = portal.client.get(f"/derbyshire/requests/{request_id}").text
    assert 'data-left="83400"' in page  # 23 hours 10 minutes, for the script to count down
    assert '<script type="module" src="/derbyshire/static/clock.js"></script>' in page
    script = portal.client.get("/derbyshire/static/clock.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "Overdue by" in script.text
    for path in ("/derbyshire/static/../plugin.py", "/derbyshire/static/%2e%2e/plugin.py"):
        assert portal.client.get(path).status_code == 404, path
    portal.client.cookies.clear()
    signed_out = portal.client.get("/derbyshire/static/clock.js", follow_redirects=False)
    assert signed_out.status_code != 200 and "Overdue by" not in signed_out.text


def test_the_queue_sorts_by_time_left(portal: Portal, clock: Clock) -> None:
    _, first = initial_contact(portal, clock)
    clock.advance(hours=2)
    _, second = initial_contact(portal, clock)
    clock.advance(hours=1)
    _, waiting = safeguarding_request(portal)  # not yet an Initial Contact
    clock.advance(hours=22)  # first: overdue by 1 hour; second: 1 hour left
    as_user(portal, "derbyshire.sp")
    queue = portal.client.get("/derbyshire/starting-point").text
    order = [int(i) for i in re.findall(r'id="queue-row-(\d+)"', queue)]
    assert order == [first, second, waiting]
    assert "Overdue by 1 hour" in queue and "1 hour left" in queue


def test_a_long_queue_is_shown_a_page_at_a_time(portal: Portal, clock: Clock) -> None:
    """Thousands of open requests at scale: 50 a page, most urgent first."""
    _, request_id = safeguarding_request(portal)
    template = {k: v for k, v in row_of(portal, request_id).items() if k != "id"}

    async def copies() -> None:
        await StartingPointRequest.insert(
            *[
                StartingPointRequest(
                    **{
                        **template,
                        "submitted_at": T0 + timedelta(minutes=n),
                        "idempotency_key": f"copy-{n}",
                    }
                )
                for n in range(1, 61)
            ]
        )

    portal.run(copies)
    as_user(portal, "derbyshire.sp")
    first = portal.client.get("/derbyshire/starting-point").text
    rows = re.findall(r'id="queue-row-(\d+)"', first)
    assert len(rows) == 50 and int(rows[0]) == request_id  # the oldest first
    assert "61 open requests: 1 to 50 shown" in first and "Page 1 of 2" in first
    assert 'href="/derbyshire/starting-point?page=2"' in first
    second = portal.client.get("/derbyshire/starting-point?page=2").text
    assert len(re.findall(r'id="queue-row-(\d+)"', second)) == 11
    assert "51 to 61 shown" in second and 'hx-get="/derbyshire/starting-point?page=2"' in second
    # A page past the end shows the last; nonsense shows the first.
    assert "Page 2 of 2" in portal.client.get("/derbyshire/starting-point?page=9").text
    assert "Page 1 of 2" in portal.client.get("/derbyshire/starting-point?page=x").text


# Screening -----------------------------------------------------------------------------------------


def test_only_a_senior_practitioner_screens_and_reasons_are_required(
    portal: Portal, clock: Clock
) -> None:
    _, request_id = initial_contact(portal, clock)
    assert screen(portal, request_id, "no_further_action").status_code == 403  # Owen: call handler
    as_user(portal, "derbyshire.senior")
    missing = screen(portal, request_id, "advisor", reasons="")
    assert missing.status_code == 422
    assert "Select the Early Help Advisor" in missing.text
    assert "Enter the reasons for the decision" in missing.text
    assert row_of(portal, request_id)["status"] == "initial_contact"


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("no_further_action", "closed"), ("social_care", "social_care"), ("advisor", "advisor")],
)
def test_screening_decisions_tell_the_referrer_within_the_standard(
    portal: Portal, clock: Clock, outcome: str, status: str
) -> None:
    family_id, request_id = initial_contact(portal, clock)
    tom = user_id(portal, "tom.ridgeway")
    as_user(portal, "derbyshire.advisor")
    gareth = user_id(portal, "gareth.lowe")
    as_user(portal, "derbyshire.senior")
    clock.advance(hours=5)
    extra = {"advisor": str(gareth)} if outcome == "advisor" else {}
    assert screen(portal, request_id, outcome, **extra).status_code == 303
    again = screen(portal, request_id, outcome, version="1", **extra)  # a double click
    assert again.status_code == 303
    row = row_of(portal, request_id)
    assert row["status"] == status and row["screening_outcome"] == outcome
    assert row["screened_at"] == T0 + timedelta(hours=5)
    assert row["referrer_told_at"] == T0 + timedelta(hours=5)
    assert len(notes_for(portal, tom)) == 1
    assert (
        portal.run(
            QueueEntry.count()
            .where((QueueEntry.queue == "starting_point") & QueueEntry.closed_at.is_null())
            .run
        )
        == 0
    )
    if outcome == "advisor":
        assert row["advisor"] == gareth
        as_user(portal, "derbyshire.advisor")
        assert portal.client.get(f"/families/{family_id}").status_code == 200
        assert f"Request {request_id}" in portal.client.get("/derbyshire/cases").text
        assert portal.client.get(f"/derbyshire/requests/{request_id}").status_code == 200
    if outcome == "social_care":
        page = portal.client.get(f"/derbyshire/requests/{request_id}").text
        assert f'href="/families/{family_id}/escalate"' in page
        escalate = portal.client.get(f"/families/{family_id}/escalate")
        assert escalate.status_code == 200 and "Phone Starting Point now" in escalate.text


# Allocation at the VCM -----------------------------------------------------------------------------


def test_allocation_at_the_locality_vcm_through_the_core_agenda(
    portal: Portal, clock: Clock
) -> None:
    family_id, request_id = initial_contact(portal, clock)
    tom = user_id(portal, "tom.ridgeway")
    as_user(portal, "derbyshire.eht")
    rachel = user_id(portal, "rachel.oduya")
    portal.run(add_to_team, rachel)
    as_user(portal, "derbyshire.senior")
    clock.advance(hours=2)
    assert screen(portal, request_id, "vcm").status_code == 303
    row = row_of(portal, request_id)
    assert row["status"] == "at_vcm" and row["referrer_told_at"] == T0 + timedelta(hours=2)
    series = one(
        portal, MeetingSeries.select().where(MeetingSeries.key == "derbyshire:vcm:erewash")
    )
    assert series["title"] == "Erewash Vulnerable Children's Meeting"
    assert series["chair_roles"] == "derbyshire.vcm_chair"
    item = one(
        portal,
        AgendaItem.select(
            *AgendaItem.all_columns(), AgendaItem.meeting.starts_at.as_alias("at")
        ).where((AgendaItem.kind == "sp_request") & (AgendaItem.record_id == request_id)),
    )
    assert item["at"] > T0 and item["at"].astimezone(UTC).weekday() == series["weekday"]
    page = portal.client.get(f"/derbyshire/requests/{request_id}").text
    assert f'href="/meetings/{item["meeting"]}"' in page
    assert "Erewash Vulnerable Children&#39;s Meeting" in page

    # Helen chairs the Erewash VCM: the core's decision form offers Derbyshire's outcomes.
    as_user(portal, "derbyshire.vcm")
    form = portal.client.get(f"/meetings/{item['meeting']}/items/{item['id']}/decision")
    assert form.status_code == 200, form.text
    for label in (
        "Allocate to a Lead Practitioner",
        "Early Help Advisor to support the referrer",
        "No further action",
        "Refer to Children&#39;s Social Care",
    ):
        assert label in form.text
    assert "Rachel Oduya" in form.text
    decided = post(
        portal,
        f"/meetings/{item['meeting']}/items/{item['id']}/decision",
        {
            "outcome": "allocate",
            "decision-allocate": "Rachel leads the assessment and plan.",
            "allocated_to-allocate": str(rachel),
            "version": str(item["version"]),
        },
    )
    assert decided.status_code == 303, decided.text
    row = row_of(portal, request_id)
    assert row["status"] == "allocated" and row["allocated_to"] == rachel
    assert row["referrer_told_at"] == T0 + timedelta(hours=2)  # the first time they were told
    transfer = one(portal, LeadTransfer.select().where(LeadTransfer.family == family_id))
    assert transfer["to_practitioner"] == rachel and transfer["status"] == "pending"
    assert [n["kind"] for n in notes_for(portal, tom)] == ["starting_point_outcome"] * 2
    assert {n["kind"] for n in notes_for(portal, rachel)} == {
        "starting_point_allocation",
        "lead_transfer",
    }

    # Rachel has the case and the family's record, and takes the lead.
    as_user(portal, "derbyshire.eht")
    assert f"Request {request_id}" in portal.client.get("/derbyshire/cases").text
    assert portal.client.get(f"/families/{family_id}").status_code == 200
    accepted = post(
        portal,
        f"/families/{family_id}/lead/transfer/{transfer['id']}",
        {"answer": "accept", "decision": "accept", "note": ""},
    )
    assert accepted.status_code == 303, accepted.text

    # The referrer sees the outcome and when they were told.
    as_user(portal, "derbyshire.school")
    page = portal.client.get(f"/derbyshire/requests/{request_id}").text
    assert "Allocated to a Lead Practitioner" in page
    assert "16 November 2026 at 11am" in page
    assert "Rachel Oduya" in page


async def add_to_team(uid: int) -> None:
    await teams.add_team_member(None, "derbyshire", "eht:erewash", uid, "Lead practitioner")


# Report ---------------------------------------------------------------------------------------------


def test_the_weekly_report_counts_the_24_hour_standards(portal: Portal, clock: Clock) -> None:
    _, on_time = initial_contact(portal, clock)
    as_user(portal, "derbyshire.senior")
    clock.advance(hours=5)
    assert screen(portal, on_time, "no_further_action").status_code == 303
    clock.at = T0
    _, late = initial_contact(portal, clock)
    as_user(portal, "derbyshire.senior")
    clock.advance(hours=30)
    assert screen(portal, late, "no_further_action").status_code == 303
    clock.at = T0 + timedelta(days=7)  # the next week: advice at triage within 24 hours
    _, advised = safeguarding_request(portal)
    as_user(portal, "derbyshire.sp")
    clock.advance(hours=2)
    assert triage(portal, advised, "advice").status_code == 303

    as_user(portal, "derbyshire.manager")
    report = portal.client.get("/derbyshire/reports/timeliness")
    assert report.status_code == 200
    check_page(report.text, "report")
    week47 = re.search(r'id="week-2026-47">(.*?)</tr>', report.text, re.S)
    week48 = re.search(r'id="week-2026-48">(.*?)</tr>', report.text, re.S)
    assert week47 and week48
    assert numeric_cells(week47[1]) == ["2", "1", "50%", "2", "1", "50%"]
    assert numeric_cells(week48[1]) == ["0", "0", "None", "1", "1", "100%"]
    as_user(portal, "derbyshire.school")
    assert portal.client.get("/derbyshire/reports/timeliness").status_code == 403


def numeric_cells(html: str) -> list[str]:
    return re.findall(r'numeric">([^<]*)</td>', html)


# Separation and access ----------------------------------------------------------------------------

ROUTES: list[Callable[[int, int], str]] = [
    lambda f, r: "/derbyshire/",
    lambda f, r: "/derbyshire/requests",
    lambda f, r: "/derbyshire/cases",
    lambda f, r: "/derbyshire/referral",
    lambda f, r: "/derbyshire/starting-point",
    lambda f, r: "/derbyshire/reports/timeliness",
    lambda f, r: f"/derbyshire/families/{f}",
    lambda f, r: f"/derbyshire/families/{f}/referral",
    lambda f, r: f"/derbyshire/requests/{r}",
]


def test_derby_users_get_nothing_from_derbyshire(portal: Portal, clock: Clock) -> None:
    family_id, request_id = safeguarding_request(portal)
    for username in ("derby.school", "derby.spa", "derby.manager"):
        as_user(portal, username)
        for route in ROUTES:
            path = route(family_id, request_id)
            # another area's pages do not exist for them: 404, never a 403 that confirms them
            assert portal.client.get(path).status_code == 404, (username, path)
        for path in (
            f"/derbyshire/requests/{request_id}/triage",
            f"/derbyshire/requests/{request_id}/screening",
            f"/derbyshire/families/{family_id}/referral",
        ):
            assert post(portal, path, {"outcome": "advice"}).status_code == 404
    assert row_of(portal, request_id)["status"] == "with_starting_point"


def test_a_practitioner_sees_only_their_own_requests(portal: Portal, clock: Clock) -> None:
    family_id, request_id = safeguarding_request(portal)
    as_user(portal, "derbyshire.health")
    assert portal.client.get(f"/derbyshire/requests/{request_id}").status_code == 404
    assert portal.client.get(f"/derbyshire/families/{family_id}").status_code == 403
    assert (
        "Request"
        not in portal.client.get("/derbyshire/requests")
        .text.split("<main")[1]
        .split("Send an online")[0]
    )
    assert portal.client.get("/derbyshire/starting-point").status_code == 403


def test_with_only_derby_enabled_no_derbyshire_route_exists(portal_factory: Any) -> None:
    portal = portal_factory(PORTAL_AREAS="derby")
    paths = [getattr(r, "path", "") for r in portal.app.routes]
    assert not [p for p in paths if p.startswith("/derbyshire")]
    portal.sign_in("derby.school")
    assert portal.client.get("/derbyshire/starting-point").status_code == 404


def test_navigation_by_role(portal: Portal, clock: Clock) -> None:
    as_user(portal, "derbyshire.sp")
    home = portal.client.get("/").text
    assert 'href="/derbyshire/starting-point"' in home and "Starting Point queue" in home
    as_user(portal, "derbyshire.school")
    home = portal.client.get("/").text
    assert 'href="/derbyshire/requests"' in home and "My requests" in home
    assert "Starting Point queue" not in home


def test_area_teams_and_outcomes_hooks() -> None:
    teams = {t.key: t for t in plugin.portal_area_teams()}
    assert len(teams) == 8 and teams["eht:erewash"].name == "Erewash Early Help Team"
    outcomes = plugin.portal_agenda_outcomes(series_key="derbyshire:vcm:erewash")
    assert [o.key for o in outcomes] == ["allocate", "advisor", "no_further_action", "social_care"]
    assert outcomes[0].allocates and outcomes[0].allocation_team == "eht:erewash"
    assert plugin.portal_agenda_outcomes(series_key="derby:vcm:north") == []


def test_demo_data_makes_postings_series_and_requests(portal: Portal, clock: Clock) -> None:
    for username in ("derbyshire.school", "derbyshire.sp", "derbyshire.senior", "derbyshire.eht"):
        as_user(portal, username)
    for _ in range(3):
        shire_family(portal)

    async def load() -> int:
        users = {u.email.split("@")[0]: current_user_from(u) for u in await PortalUser.objects()}
        return await load_demo(users)

    assert portal.run(load) > 0
    assert portal.run(MeetingSeries.count().where(MeetingSeries.area == "derbyshire").run) == 8
    assert portal.run(TeamMember.count().where(TeamMember.team == "eht:erewash").run) == 1
    statuses = {r["status"] for r in portal.run(StartingPointRequest.select().run)}
    assert {"with_starting_point", "initial_contact"} <= statuses
    before = portal.run(StartingPointRequest.count().run)
    portal.run(load)
    assert portal.run(StartingPointRequest.count().run) == before  # once
