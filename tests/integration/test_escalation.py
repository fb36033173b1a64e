"""Step-up to Children's Social Care and step-down into early help, on both
databases: the area's route from its plugin (and the fallback), what recording
a referral changes, the consent rules, access afterwards, and the usual
refusals, double submission and escaping."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from portal.audit.tables import AuditEvent
from portal.closure.tables import Closure
from portal.escalation.tables import SocialCareReferral, StepDown
from portal.families.tables import Family, Person
from portal.kernel.clock import now_utc
from portal.kernel.formatting import format_day
from portal.lead.tables import LeadSpell, LeadTransfer
from portal.sharing.tables import SharingDecision
from portal.taf.tables import TafMember
from tests.integration.conftest import clean_tables
from tests.support import testshire
from tests.support.fake_area import fake_area
from tests.support.families import date_fields, person_form
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post, user_id

XSS = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
INERT = '<a hx-get="/auth/logout" hx-trigger="load">x</a>'
IRT_LEAD = "Children's Social Care (Initial Response Team)"


def children(portal: Portal) -> list[int]:
    rows = portal.run(
        Person.select(Person.id).where(Person.role == "child").order_by(Person.id).run
    )
    return [r["id"] for r in rows]


def referral_form(child_ids: list[int], **extra: Any) -> dict[str, Any]:
    return {
        "children": [str(c) for c in child_ids],
        "reason": "Bruising on the arm, and she said she is scared to go home.",
        "consent_sought": "no",
        "not_sought_reason": "Asking would put the child at greater risk.",
        "how": "Phoned the duty social worker at 10:15, reference IRT-2026-0042.",
        "shared": "The worry, the children's names and address.",
        "form_key": "referral-key-0001",
        **extra,
    }


def family_row(portal: Portal, family_id: int) -> dict[str, Any]:
    row = portal.run(Family.select().where(Family.id == family_id).first().run)
    assert row is not None
    return row


def referrals(portal: Portal) -> list[dict[str, Any]]:
    return portal.run(SocialCareReferral.select().run)


def audit_rows(portal: Portal, action: str) -> list[dict[str, Any]]:
    return portal.run(AuditEvent.select().where(AuditEvent.action == action).run)


def make_lead(portal: Portal, family_id: int, practitioner: int) -> None:
    """Hand the lead to someone (as an accepted transfer would)."""
    now = now_utc()
    portal.run(
        LeadSpell.update({LeadSpell.ended_at: now})
        .where((LeadSpell.family == family_id) & LeadSpell.ended_at.is_null())
        .run
    )
    portal.run(
        LeadSpell(family=family_id, practitioner=practitioner, started_at=now, how="test")
        .save()
        .run
    )
    portal.run(
        Family.update({Family.lead_practitioner: practitioner}).where(Family.id == family_id).run
    )


def test_recording_a_referral_passes_the_lead_to_social_care(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    post(portal, f"/families/{family_id}/lead/take", {})
    record = portal.client.get(f"/families/{family_id}").text
    assert "Worried about significant harm?" in record
    assert f'href="/families/{family_id}/escalate"' in record
    page = portal.client.get(f"/families/{family_id}/escalate")
    assert page.status_code == 200
    check_page(page.text, "escalate")
    text = page.text
    assert "If a child is in immediate danger call 999" in text
    form_at = text.index(f'action="/families/{family_id}/escalate"')
    assert text.index("999") < text.index("Initial Response Team") < form_at
    assert 'href="tel:01332641172"' in text  # the plugin's number, phone first
    assert "to be confirmed by the council" in text
    [child] = children(portal)
    assert f'value="{child}"' in text and "Elizabeth Smith-Jones" in text

    sent = post(portal, f"/families/{family_id}/escalate", referral_form([child]))
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/families/{family_id}#statutory-lead"
    school = user_id(portal, "hannah.ashworth")
    [referral] = referrals(portal)
    assert json.loads(referral["children"]) == [child]
    assert referral["consent_sought"] == "no"
    assert referral["consent_detail"] == "Asking would put the child at greater risk."
    assert referral["destination"] == "Initial Response Team"
    assert referral["referred_by"] == school and referral["previous_lead"] == school
    assert "IRT-2026-0042" in referral["contact"]
    [spell] = portal.run(LeadSpell.select().run)
    assert spell["ended_at"] is not None
    family = family_row(portal, family_id)
    assert family["lead_practitioner"] is None and family["statutory_lead"] == IRT_LEAD
    [decision] = portal.run(SharingDecision.select().run)
    assert decision["decision"] == "shared" and decision["with_agency"] == IRT_LEAD
    assert decision["basis"] == "safeguarding"
    assert decision["basis_reason"] == "Asking would put the child at greater risk."
    assert "Significant harm" in decision["why"] and "names and address" in decision["what"]
    [event] = audit_rows(portal, "social_care_referral_recorded")
    assert event["family_id"] == family_id and event["outcome"] == "success"
    assert "Elizabeth" not in event["detail"] and "Smith-Jones" not in event["detail"]
    assert "Bruising" not in event["detail"]

    after = portal.client.get(f"/families/{family_id}")
    assert after.status_code == 200
    check_page(after.text, "record after referral")
    since = format_day(referral["referred_at"])
    lead = "Lead responsibility: Children&#39;s Social Care (Initial Response Team)"
    assert f"{lead} since {since}" in after.text
    assert "Bruising on the arm" in after.text  # the referral history
    step_down = f'href="/families/{family_id}/step-down">record the step-down</a>'
    assert step_down in after.text
    # early help cannot take the lead back until a step-down is recorded
    assert "Become the lead practitioner" not in after.text
    post(portal, f"/families/{family_id}/lead/take", {})
    assert family_row(portal, family_id)["lead_practitioner"] is None


def test_consent_sought_or_not_the_referral_needs_its_reasons(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    noah = person_form("Noah", "Smith-Jones", "child", date(2019, 5, 6), confirm_new="yes")
    assert post(portal, f"/families/{family_id}/people", noah).status_code == 303
    first, second = children(portal)
    path = f"/families/{family_id}/escalate"
    nothing = post(portal, path, {"form_key": "k"})
    assert nothing.status_code == 422
    for message in (
        "Select which children you are worried about",
        "Enter what you are worried about",
        "Select whether you asked the family for consent",
        "Enter how you made the referral",
    ):
        assert message in nothing.text, message
    check_page(nothing.text, "escalate (errors)")
    assert "<title>Error: " in nothing.text
    unexplained = post(portal, path, referral_form([first], not_sought_reason=""))
    assert unexplained.status_code == 422
    assert "Enter why you did not ask the family for consent" in unexplained.text
    assert "Bruising on the arm" in unexplained.text  # what was typed is kept
    asked = post(portal, path, referral_form([first], consent_sought="yes", not_sought_reason=""))
    assert asked.status_code == 422
    assert "Select whether the family agreed to the referral" in asked.text
    assert "Enter what the family said" in asked.text
    assert referrals(portal) == [] and family_row(portal, family_id)["statutory_lead"] == ""

    agreed = post(
        portal,
        path,
        referral_form(
            [first, second],
            consent_sought="yes",
            family_agreed="yes",
            consent_response="Mum said she wants the help",
            not_sought_reason="",
        ),
    )
    assert agreed.status_code == 303
    [referral] = referrals(portal)
    assert json.loads(referral["children"]) == [first, second]
    assert referral["consent_sought"] == "yes"
    assert referral["consent_detail"] == "The family agreed: Mum said she wants the help"
    [decision] = portal.run(SharingDecision.select().run)
    assert decision["basis"] == "consent"


def test_a_refusal_is_recorded_and_never_stops_the_referral(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    [child] = children(portal)
    refused = referral_form(
        [child],
        consent_sought="yes",
        family_agreed="no",
        consent_response="Dad said no and asked us to leave",
        not_sought_reason="",
    )
    assert post(portal, f"/families/{family_id}/escalate", refused).status_code == 303
    [referral] = referrals(portal)
    assert (
        referral["consent_detail"] == "The family did not agree: Dad said no and asked us to leave"
    )
    [decision] = portal.run(SharingDecision.select().run)
    assert decision["basis"] == "safeguarding"
    assert decision["basis_reason"] == "Dad said no and asked us to leave"


def test_the_referrer_keeps_access_when_they_were_the_lead(portal: Portal) -> None:
    portal.sign_in("derby.health")  # so their user row exists
    as_user(portal, "derby.school")
    family_id = create_family(portal)
    health = user_id(portal, "samuel.okafor")
    make_lead(portal, family_id, health)
    as_user(portal, "derby.school")  # the creator proposes a hand-over meanwhile
    portal.run(
        LeadTransfer(
            family=family_id,
            proposed_by=user_id(portal, "hannah.ashworth"),
            to_practitioner=user_id(portal, "hannah.ashworth"),
            reason="Sees her daily",
            proposed_at=now_utc(),
        )
        .save()
        .run
    )
    as_user(portal, "derby.health")
    [child] = children(portal)
    sent = post(portal, f"/families/{family_id}/escalate", referral_form([child]))
    assert sent.status_code == 303
    [member] = portal.run(TafMember.select().run)
    assert member["user"] == health and member["role"] == "Referred to social care"
    assert member["removed_at"] is None
    page = portal.client.get(f"/families/{family_id}")
    assert page.status_code == 200
    assert "You can see this record because: you are in the team around the family" in page.text
    [transfer] = portal.run(LeadTransfer.select().run)
    assert transfer["status"] == "withdrawn"  # social care leads now
    [event] = audit_rows(portal, "social_care_referral_recorded")
    assert '"kept_access": true' in event["detail"]
    # a creator keeps access as the creator: no extra TAF membership
    as_user(portal, "derby.school")
    other = create_family(portal, given="Amara", family="Okonjo", postcode="DE1 1AA")
    post(portal, f"/families/{other}/lead/take", {})
    amara = children(portal)[-1]
    post(portal, f"/families/{other}/escalate", referral_form([amara], form_key="second-key"))
    assert portal.run(TafMember.count().run) == 1
    assert portal.client.get(f"/families/{other}").status_code == 200


def test_a_double_submitted_referral_is_one_referral(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    [child] = children(portal)
    form = referral_form([child])
    first = post(portal, f"/families/{family_id}/escalate", form)
    second = post(portal, f"/families/{family_id}/escalate", form)
    assert first.status_code == second.status_code == 303
    assert len(referrals(portal)) == 1
    assert portal.run(SharingDecision.count().run) == 1
    assert len(audit_rows(portal, "social_care_referral_recorded")) == 1


def test_a_child_from_another_family_cannot_be_named(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    other = create_family(portal, given="Amara", family="Okonjo", postcode="DE1 1AA")
    stranger = children(portal)[-1]
    response = post(portal, f"/families/{family_id}/escalate", referral_form([stranger]))
    assert response.status_code == 422
    assert "Select children from the list" in response.text
    assert referrals(portal) == [] and other != family_id


def test_the_route_is_asked_of_the_familys_area_only(
    portal_factory: Any, with_testshire: Any
) -> None:
    portal = portal_factory(
        plugins=with_testshire,
        PORTAL_AREAS="derby,testshire",
        PORTAL_ROLE_MAP="Derby.Practitioner=derby.practitioner,Derby.AreaManager=testshire.practitioner",
    )
    portal.run(clean_tables)
    testshire.ROUTE_REQUESTS.clear()
    portal.sign_in("derby.school")
    derby_family = create_family(portal)
    page = portal.client.get(f"/families/{derby_family}/escalate").text
    assert "Initial Response Team" in page and "Testshire" not in page
    assert testshire.ROUTE_REQUESTS == []  # a Derby family never asks Testshire

    as_user(portal, "derby.manager")  # a Testshire practitioner under this role map
    testshire_family = create_family(portal, place="testshire:upper")
    page = portal.client.get(f"/families/{testshire_family}/escalate")
    assert page.status_code == 200
    check_page(page.text, "testshire escalate")
    assert testshire.ROUTE_REQUESTS == ["testshire"]
    assert "Phone Testshire Children&#39;s Front Door now" in page.text
    assert 'href="tel:01000000002"' in page.text and 'href="tel:01000000003"' in page.text
    assert 'href="mailto:front.door@testshire.example"' in page.text
    assert 'href="https://testshire.example/refer"' in page.text
    assert "to be confirmed by the council" not in page.text  # Testshire's are confirmed
    [child] = children(portal)[-1:]
    post(portal, f"/families/{testshire_family}/escalate", referral_form([child]))
    family = family_row(portal, testshire_family)
    assert family["statutory_lead"] == "Children's Social Care (Testshire Children's Front Door)"


def test_an_area_without_a_route_shows_the_fallback(portal_factory: Any) -> None:
    from portal_derby import plugin as derby

    without_route = fake_area(
        portal_describe_area=derby.portal_describe_area,
        portal_template_directories=derby.portal_template_directories,
    )
    portal = portal_factory(plugins={"derby": without_route}, PORTAL_AREAS="derby")
    portal.run(clean_tables)
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    page = portal.client.get(f"/families/{family_id}/escalate")
    assert page.status_code == 200
    check_page(page.text, "escalate (no route)")
    assert "Phone the council's children's social care front door now" in page.text
    assert "If a child is in immediate danger call 999" in page.text
    assert "Initial Response Team" not in page.text
    [child] = children(portal)
    assert (
        post(portal, f"/families/{family_id}/escalate", referral_form([child])).status_code == 303
    )
    assert family_row(portal, family_id)["statutory_lead"] == (
        "Children's Social Care (children's social care front door)"
    )


def step_down_form(**extra: Any) -> dict[str, Any]:
    return {
        "from_service": "Children's Social Care",
        **date_fields("transition_meeting_on", date(2026, 11, 20)),
        "summary": "Child in need plan ended; the family still wants help with routines.",
        "form_key": "step-down-key-0001",
        **extra,
    }


def test_step_down_hands_the_family_back_and_reopens_it(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    [child] = children(portal)
    post(portal, f"/families/{family_id}/escalate", referral_form([child]))
    version = family_row(portal, family_id)["version"]
    closed = post(
        portal,
        f"/families/{family_id}/close",
        {
            "reason": "stepped_up",
            "summary": "Social care leads now",
            "version": str(version),
            "form_key": "close-k",
        },
    )
    assert closed.status_code == 303
    record = portal.client.get(f"/families/{family_id}").text
    assert f'href="/families/{family_id}/step-down"' in record
    page = portal.client.get(f"/families/{family_id}/step-down")
    assert page.status_code == 200
    check_page(page.text, "step-down")
    assert "Recording the step-down reopens it" in page.text
    assert f'value="{IRT_LEAD}"'.replace("'", "&#39;") in page.text  # pre-filled
    invalid = post(portal, f"/families/{family_id}/step-down", {"form_key": "x"})
    assert invalid.status_code == 422
    for message in (
        "Enter which service is handing the family over",
        "Enter the date of the transition meeting",
        "Enter a summary of the hand-over",
    ):
        assert message in invalid.text, message
    check_page(invalid.text, "step-down (errors)")
    form = step_down_form()
    first = post(portal, f"/families/{family_id}/step-down", form)
    second = post(portal, f"/families/{family_id}/step-down", form)
    assert first.status_code == second.status_code == 303
    [row] = portal.run(StepDown.select().run)
    assert row["from_service"] == "Children's Social Care"
    assert row["transition_meeting_on"] == date(2026, 11, 20)
    family = family_row(portal, family_id)
    assert family["statutory_lead"] == "" and family["status"] == "open"
    [closure] = portal.run(Closure.select().run)
    assert closure["reopened_at"] is not None
    assert closure["reopen_reason"] == "Stepped down from Children's Social Care"
    assert len(audit_rows(portal, "step_down_recorded")) == 1
    assert len(audit_rows(portal, "family_reopened")) == 1
    record = portal.client.get(f"/families/{family_id}").text
    assert "Stepped down into early help from Children&#39;s Social Care" in record
    assert "20 November 2026" in record
    assert "Lead responsibility:" not in record


def test_only_the_familys_own_practitioners_and_managers_record_a_step_down(
    portal: Portal,
) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    as_user(portal, "derby.health")  # break-glass access is not enough
    post(portal, f"/families/{family_id}/break-glass", {"reason": "Duty cover"})
    assert portal.client.get(f"/families/{family_id}").status_code == 200
    assert portal.client.get(f"/families/{family_id}/step-down").status_code == 403
    assert post(portal, f"/families/{family_id}/step-down", step_down_form()).status_code == 403
    assert portal.run(StepDown.count().run) == 0
    as_user(portal, "derby.manager")
    assert post(portal, f"/families/{family_id}/step-down", step_down_form()).status_code == 303


def test_escalation_routes_refuse_strangers_and_other_areas(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    [child] = children(portal)
    routes = [
        (f"/families/{family_id}/escalate", referral_form([child])),
        (f"/families/{family_id}/step-down", step_down_form()),
    ]
    for username, expected in (("derby.health", 403), ("derbyshire.manager", 404)):
        as_user(portal, username)
        for path, form in routes:
            got = portal.client.get(path, follow_redirects=False)
            assert got.status_code == expected, (username, "GET", path)
            sent = post(portal, path, form)
            assert sent.status_code == expected, (username, "POST", path)
            assert "Smith-Jones" not in got.text + sent.text
    assert referrals(portal) == [] and portal.run(StepDown.count().run) == 0
    assert family_row(portal, family_id)["statutory_lead"] == ""


def test_what_people_type_in_escalation_is_escaped_and_inert(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    [child] = children(portal)
    post(
        portal,
        f"/families/{family_id}/escalate",
        referral_form([child], reason=XSS, how=INERT, not_sought_reason=XSS),
    )
    post(
        portal, f"/families/{family_id}/step-down", step_down_form(from_service=INERT, summary=XSS)
    )
    html = portal.client.get(f"/families/{family_id}").text
    assert XSS not in html and html.count(ESCAPED) >= 3
    assert INERT not in html and 'hx-get="/auth/logout"' not in html
    invalid = post(portal, f"/families/{family_id}/escalate", {"reason": XSS, "how": INERT})
    assert invalid.status_code == 422
    assert XSS not in invalid.text and INERT not in invalid.text
