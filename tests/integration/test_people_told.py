"""Issue 20, item 5, on the database: the Team Around the Family and the lead
practitioner until then are told when their family is referred to Children's
Social Care; the lead practitioner is told when someone uses emergency access
on their family; and the area manager's emergency-access list names the family,
in the manager's own areas only. The messages (which are also the emails)
never name the family; the portal shows who, why and which family."""

from __future__ import annotations

from typing import Any

from portal.access.service import BREAK_GLASS_TOLD
from portal.access.tables import BreakGlassGrant
from portal.audit.tables import AuditEvent
from portal.escalation.service import KEPT_LEAD_ROLE, TOLD_LEAD, TOLD_TAF
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.notify.tables import Notification, OutboxEmail
from portal.taf.tables import TafMember
from tests.integration.test_escalation import children, referral_form
from tests.integration.test_taf import add_practitioner
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post, user_id

REASON = "Duty cover: an urgent call from the school"
SOCIAL_CARE_DETAIL = "Referred to Children's Social Care (Initial Response Team) by Samuel Okafor"


def told(portal: Portal, recipient: int, kind: str) -> list[dict[str, Any]]:
    return portal.run(
        Notification.select()
        .where((Notification.recipient == recipient) & (Notification.kind == kind))
        .order_by(Notification.id)
        .run
    )


def emails_about(portal: Portal, notification_id: int) -> list[dict[str, Any]]:
    return portal.run(OutboxEmail.select().where(OutboxEmail.notification == notification_id).run)


def assert_nameless(portal: Portal, note: dict[str, Any], *names: str) -> None:
    """The message and its email carry no name of the family or its children."""
    [email] = emails_about(portal, note["id"])
    for name in names:
        for text in (note["message"], note["link"], email["subject"], email["body"]):
            assert name not in text, (name, text)


def break_glass(portal: Portal, family_id: int, reason: str = REASON) -> None:
    response = post(portal, f"/families/{family_id}/break-glass", {"reason": reason})
    assert response.status_code == 303, response.text


def test_a_referral_tells_the_team_and_the_lead_until_then(portal: Portal) -> None:
    for username in ("derby.health", "derby.mat", "derby.spa"):
        portal.sign_in(username)  # so their user rows exist
    health, mat = user_id(portal, "samuel.okafor"), user_id(portal, "priya.chandran")
    gone = user_id(portal, "grace.whitfield")
    as_user(portal, "derby.school")
    lead = user_id(portal, "hannah.ashworth")
    family_id = create_family(portal)
    assert post(portal, f"/families/{family_id}/lead/take", {}).status_code == 303
    for uid, q in ((health, "okafor"), (mat, "chandran")):
        assert add_practitioner(portal, family_id, uid, q, "Worker").status_code == 303
    contact = {"kind": "external", "name": "Pat Jones", "agency": "Library", "phone": "0"}
    assert post(portal, f"/families/{family_id}/taf/members", contact).status_code == 303
    portal.run(  # someone who has left the team
        TafMember(
            family=family_id,
            kind="practitioner",
            user=gone,
            name="Grace Whitfield",
            added_at=now_utc(),
            removed_at=now_utc(),
        )
        .save()
        .run
    )
    as_user(portal, "derby.health")  # a member of the team refers
    [child] = children(portal)
    sent = post(portal, f"/families/{family_id}/escalate", referral_form([child]))
    assert sent.status_code == 303, sent.text

    [to_lead] = told(portal, lead, "social_care_referral")
    assert to_lead["message"] == TOLD_LEAD
    [to_member] = told(portal, mat, "social_care_referral")
    assert to_member["message"] == TOLD_TAF
    assert "Children's Social Care" in TOLD_TAF and "Team Around the Family" in TOLD_TAF
    for note in (to_lead, to_member):
        assert note["family_id"] == family_id
        assert note["detail"] == SOCIAL_CARE_DETAIL
        assert note["link"] == f"/families/{family_id}#statutory-lead"
        assert_nameless(portal, note, "Elizabeth", "Smith-Jones")
    assert told(portal, health, "social_care_referral") == []  # the referrer knows
    assert told(portal, gone, "social_care_referral") == []  # no longer in the team

    # the same form again is the same referral: nobody is told twice
    again = post(portal, f"/families/{family_id}/escalate", referral_form([child]))
    assert again.status_code == 303
    assert (
        len(
            portal.run(Notification.select().where(Notification.kind == "social_care_referral").run)
        )
        == 2
    )

    # the lead until then sees the family named, and what happened, in the portal
    as_user(portal, "derby.school")
    shown = portal.client.get(f"/notifications/{to_lead['id']}")
    assert shown.status_code == 200, shown.text
    check_page(shown.text, "referral notification")
    assert "Elizabeth Smith-Jones" in shown.text
    assert "Referred to Children&#39;s Social Care (Initial Response Team) by Samuel Okafor" in (
        shown.text
    )


def test_a_lead_who_refers_tells_their_team_only(portal: Portal) -> None:
    portal.sign_in("derby.health")
    health = user_id(portal, "samuel.okafor")
    as_user(portal, "derby.school")
    lead = user_id(portal, "hannah.ashworth")
    family_id = create_family(portal)
    assert post(portal, f"/families/{family_id}/lead/take", {}).status_code == 303
    assert add_practitioner(portal, family_id, health, "okafor", "Worker").status_code == 303
    me = {"kind": "practitioner", "q": "", "user": "me", "role": "Lead practitioner"}
    assert post(portal, f"/families/{family_id}/taf/members", me).status_code == 303
    [child] = children(portal)
    assert (
        post(portal, f"/families/{family_id}/escalate", referral_form([child])).status_code == 303
    )
    [note] = told(portal, health, "social_care_referral")
    assert note["message"] == TOLD_TAF
    assert (
        note["detail"]
        == "Referred to Children's Social Care (Initial Response Team) by Hannah Ashworth"
    )
    assert told(portal, lead, "social_care_referral") == []
    [event] = portal.run(
        AuditEvent.select().where(AuditEvent.action == "social_care_referral_recorded").run
    )
    assert '"told": 1' in event["detail"]


def test_emergency_access_tells_the_lead_practitioner(portal: Portal) -> None:
    portal.sign_in("derby.health")
    health = user_id(portal, "samuel.okafor")
    as_user(portal, "derby.school")
    lead = user_id(portal, "hannah.ashworth")
    family_id = create_family(portal)
    assert post(portal, f"/families/{family_id}/lead/take", {}).status_code == 303
    unled = create_family(portal, given="Amara", family="Okonjo", postcode="DE1 1AA")

    as_user(portal, "derby.health")
    break_glass(portal, family_id)
    break_glass(portal, family_id)  # asked twice: one grant, told once
    break_glass(portal, unled)  # no lead practitioner: nobody to tell
    [note] = told(portal, lead, "break_glass_used")
    assert note["message"] == BREAK_GLASS_TOLD
    assert note["family_id"] == family_id
    assert note["link"] == f"/families/{family_id}"
    assert "Samuel Okafor" in note["detail"] and REASON in note["detail"]
    assert_nameless(portal, note, "Elizabeth", "Smith-Jones", "Samuel", REASON)
    assert told(portal, health, "break_glass_used") == []
    assert (
        len(portal.run(Notification.select().where(Notification.kind == "break_glass_used").run))
        == 1
    )

    as_user(portal, "derby.school")
    shown = portal.client.get(f"/notifications/{note['id']}")
    assert shown.status_code == 200
    check_page(shown.text, "emergency access notification")
    assert "Elizabeth Smith-Jones" in shown.text and REASON in shown.text


def test_the_managers_list_names_the_family_in_their_own_areas_only(portal: Portal) -> None:
    portal.sign_in("derby.school")
    derby_family = create_family(portal)
    as_user(portal, "derby.health")
    break_glass(portal, derby_family)
    as_user(portal, "derbyshire.school")
    shire_family = create_family(
        portal, given="Amara", family="Okonjo", place="derbyshire:erewash", postcode="DE7 5AA"
    )
    as_user(portal, "derbyshire.health")
    break_glass(portal, shire_family)

    as_user(portal, "derby.manager")
    manager = user_id(portal, "alison.tranter")
    page = portal.client.get("/access/break-glass")
    assert page.status_code == 200
    check_page(page.text, "emergency access to review")
    assert f'<a class="govuk-link" href="/families/{derby_family}">Elizabeth Smith-Jones</a>' in (
        page.text
    )
    assert "Okonjo" not in page.text and f"/families/{shire_family}" not in page.text
    listed = portal.run(
        AuditEvent.select(AuditEvent.family_id)
        .where((AuditEvent.action == "family_listed") & (AuditEvent.actor_user_id == manager))
        .run
    )
    assert [row["family_id"] for row in listed] == [derby_family]
    # a review that needs correcting still names the family
    [grant] = portal.run(
        BreakGlassGrant.select(BreakGlassGrant.id).where(BreakGlassGrant.family == derby_family).run
    )
    wrong = post(portal, f"/access/break-glass/{grant['id']}", {"note": ""})
    assert wrong.status_code == 422
    assert "Elizabeth Smith-Jones" in wrong.text and "Okonjo" not in wrong.text

    as_user(portal, "derbyshire.manager")
    page = portal.client.get("/access/break-glass")
    assert f'href="/families/{shire_family}">Amara Okonjo</a>' in page.text
    assert "Smith-Jones" not in page.text

    # a family moved to another area since is not named to the old area's manager
    portal.run(Family.update({Family.area: "derbyshire"}).where(Family.id == derby_family).run)
    as_user(portal, "derby.manager")
    page = portal.client.get("/access/break-glass")
    assert "A family that has moved to another area" in page.text
    assert "Smith-Jones" not in page.text and f'href="/families/{derby_family}"' not in page.text


def test_the_lead_until_a_referral_stays_in_the_team(portal: Portal) -> None:
    portal.sign_in("derby.health")
    health = user_id(portal, "samuel.okafor")
    as_user(portal, "derby.school")
    lead = user_id(portal, "hannah.ashworth")
    family_id = create_family(portal)
    assert post(portal, f"/families/{family_id}/lead/take", {}).status_code == 303
    assert add_practitioner(portal, family_id, health, "okafor", "Worker").status_code == 303
    # the lead did not record the family, so the lead was their only way in
    portal.run(Family.update({Family.created_by: health}).where(Family.id == family_id).run)

    as_user(portal, "derby.health")
    [child] = children(portal)
    assert (
        post(portal, f"/families/{family_id}/escalate", referral_form([child])).status_code == 303
    )
    [kept] = portal.run(
        TafMember.select()
        .where(
            (TafMember.family == family_id)
            & (TafMember.user == lead)
            & TafMember.removed_at.is_null()
        )
        .run
    )
    assert kept["role"] == KEPT_LEAD_ROLE and kept["name"] == "Hannah Ashworth"
    [event] = portal.run(
        AuditEvent.select().where(AuditEvent.action == "social_care_referral_recorded").run
    )
    assert '"kept_lead": true' in event["detail"]

    as_user(portal, "derby.school")
    assert portal.client.get(f"/families/{family_id}").status_code == 200
    team = portal.client.get(f"/families/{family_id}/taf")
    assert KEPT_LEAD_ROLE in team.text  # shown in the team, removable like any member
    [note] = told(portal, lead, "social_care_referral")
    shown = portal.client.get(f"/notifications/{note['id']}")
    assert "Elizabeth Smith-Jones" in shown.text
