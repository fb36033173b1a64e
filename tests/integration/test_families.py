"""Family records on both databases: find before create, creating once,
the access rules for every role, optimistic locking, and the consent gate."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from portal.access.tables import BreakGlassGrant
from portal.audit.tables import AuditEvent
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.consent import service as consent_service
from portal.families.tables import Family, Person
from portal.lead import service as lead_service
from portal.lead.tables import LeadSpell, LeadTransfer
from tests.support.families import consent_form, new_family_form, person_form, search_form
from tests.support.portal import Portal, as_user, create_family, post, user_id


def test_search_finds_a_family_despite_a_typo_and_a_nickname(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    response = post(portal, "/families/find", search_form("Liz", "Smith Jnoes", date(2016, 3, 4)))
    assert response.status_code == 200
    assert f'href="/families/{family_id}"' in response.text
    assert "Elizabeth" in response.text  # the creator may see who matched


def test_an_unrelated_practitioner_sees_only_that_a_match_exists_and_who_leads(
    portal: Portal,
) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    post(portal, f"/families/{family_id}/lead/take", {})
    again = post(portal, f"/families/{family_id}/lead/take", {})  # a double click
    assert again.status_code == 303
    assert portal.run(LeadSpell.count().run) == 1
    as_user(portal, "derbyshire.school")  # another area entirely
    response = post(
        portal, "/families/find", search_form("Elizabeth", "Smith-Jones", date(2016, 3, 4))
    )
    assert "A matching family is known in Derby City" in response.text
    assert "Hannah Ashworth" in response.text  # the lead practitioner's name
    assert "Oakfield Lane Primary School" in response.text  # their agency
    assert "hannah.ashworth@oakfield-lane-primary.example" in response.text  # their contact
    page = response.text.split('id="results"', 1)[1]
    assert "12 Larch Road" not in page and "4 March 2016" not in page
    assert f'href="/families/{family_id}"' not in page
    assert "Smith-Jones" not in page.split("None of these", 1)[0]


def test_searches_are_posted_audited_and_rate_limited(portal: Portal) -> None:
    portal.sign_in("derby.school")
    for _ in range(30):
        assert post(portal, "/families/find", search_form("Amy", "Nobody")).status_code == 200
    refused = post(portal, "/families/find", search_form("Amy", "Nobody"))
    assert refused.status_code == 429
    assert "Wait a few minutes" in refused.text
    events = portal.run(
        AuditEvent.select(AuditEvent.outcome, AuditEvent.detail)
        .where(AuditEvent.action == "family_search")
        .run
    )
    assert [e["outcome"] for e in events].count("success") == 30
    assert [e["outcome"] for e in events].count("refused") == 1
    assert all("Nobody" not in e["detail"] for e in events)


def test_the_duplicate_check_is_a_search_counted_and_audited(portal: Portal) -> None:
    """Issue 22, finding 4: past the limit, the create forms' duplicate check
    still answered, naming another family's lead, and wrote no audit row."""
    portal.sign_in("derby.health")
    known = create_family(portal)
    post(portal, f"/families/{known}/lead/take", {})
    as_user(portal, "derby.school")
    mine = create_family(portal, given="Oliver", family="Brackley")  # confirmed: no check
    warned = post(portal, "/families", new_family_form())  # the same child: a warning
    assert warned.status_code == 200 and "Samuel Okafor" in warned.text
    for _ in range(29):
        post(portal, "/families/find", search_form("Amy", "Nobody"))
    for path in ("/families", f"/families/{mine}/people"):
        fields = (
            new_family_form()
            if path == "/families"
            else person_form("Elizabeth", "Smith-Jones", "child", date(2016, 3, 4))
        )
        refused = post(portal, path, fields)
        assert refused.status_code == 429, path
        assert "Wait a few minutes" in refused.text and "Samuel Okafor" not in refused.text
        assert 'value="Smith-Jones"' in refused.text  # what was typed is kept
    events = portal.run(
        AuditEvent.select(AuditEvent.outcome, AuditEvent.detail)
        .where(AuditEvent.action == "family_search")
        .run
    )
    checks = [e for e in events if "duplicate check" in e["detail"]]
    assert [e["outcome"] for e in checks] == ["success", "refused", "refused"]
    assert portal.run(Family.count().run) == 2  # nothing was created past the limit


def test_search_form_errors_are_specific_and_keep_what_was_typed(portal: Portal) -> None:
    portal.sign_in("derby.school")
    response = post(
        portal, "/families/find", {"given_names": "Ruby", "family_name": "", "nhs_number": "123"}
    )
    assert response.status_code == 422
    assert "Enter the child&#39;s last name" in response.text
    assert "Enter a valid NHS number" in response.text
    assert 'value="Ruby"' in response.text
    assert "<title>Error: " in response.text


def test_a_double_submitted_create_makes_one_family(portal: Portal) -> None:
    portal.sign_in("derby.school")
    form = new_family_form(form_key="one-form-key-123", confirm_new="yes")
    first, second = post(portal, "/families", form), post(portal, "/families", form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert portal.run(Family.count().run) == 1
    assert portal.run(Person.count().run) == 1


def test_creating_a_likely_duplicate_warns_first(portal: Portal) -> None:
    portal.sign_in("derby.school")
    create_family(portal)
    response = post(portal, "/families", new_family_form(given="Lizzie", form_key="k-2"))
    assert response.status_code == 200
    assert "This may be a child the portal already knows" in response.text
    assert portal.run(Family.count().run) == 1
    confirmed = post(
        portal, "/families", new_family_form(given="Lizzie", form_key="k-2", confirm_new="yes")
    )
    assert confirmed.status_code == 303
    assert portal.run(Family.count().run) == 2


def test_the_duplicate_warning_names_the_person_by_their_role(portal: Portal) -> None:
    """Issue 20, item 13: a parent who may already be known is an adult, not a child."""
    portal.sign_in("derby.school")
    first = create_family(portal)
    mum = person_form("Sarah", "Smith-Jones", "parent_carer", date(1988, 5, 6), form_key="m-1")
    assert post(portal, f"/families/{first}/people", mum).status_code == 303
    second = create_family(portal, given="Oliver", born=date(2019, 7, 8), form_key="k-2")
    again = post(portal, f"/families/{second}/people", {**mum, "form_key": "m-2"})
    assert again.status_code == 200
    text = again.text
    assert "This may be an adult the portal already knows" in text
    assert "Likely the same adult" in text
    assert "I have checked: this is a different adult, record them anyway" in text
    warning = text.split('class="govuk-warning-text"', 1)[1].split("record them anyway", 1)[0]
    assert "child" not in warning
    other = person_form("Frank", "Smith-Jones", "other_adult", date(1950, 1, 2), form_key="o-1")
    assert post(portal, f"/families/{first}/people", other).status_code == 303
    text = post(portal, f"/families/{second}/people", {**other, "form_key": "o-2"}).text
    assert "This may be an adult the portal already knows" in text
    # a child is still called a child, on the new family form and the add-a-person form
    child = person_form("Elizabeth", "Smith-Jones", "child", date(2016, 3, 4), form_key="c-1")
    text = post(portal, f"/families/{second}/people", child).text
    assert "This may be a child the portal already knows" in text
    assert "Likely the same child" in text
    new = post(portal, "/families", new_family_form(form_key="k-3")).text
    assert "This may be a child the portal already knows" in new
    assert "I have checked: this is a different child, record them anyway" in new


def test_create_errors_keep_what_was_typed_and_save_nothing(portal: Portal) -> None:
    portal.sign_in("derby.school")
    response = post(
        portal, "/families", new_family_form(given="Ruby", born=None, postcode="NOTAPC")
    )
    assert response.status_code == 422
    assert "Enter a date of birth, or an expected date of birth" in response.text
    assert "Enter a real postcode" in response.text
    assert 'value="Ruby"' in response.text
    assert portal.run(Family.count().run) == 0


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("derby.school", 200),  # creator
        ("derby.health", 403),  # same area, no relationship
        ("derby.manager", 200),  # area manager
        ("derby.spa", 403),  # an area role without the family in a queue
        ("derbyshire.school", 404),  # another area: nothing to see, not even existence
        ("derbyshire.manager", 404),
        ("partnership.analyst", 403),  # no area role: refused before any family is looked up
    ],
)
def test_who_may_open_a_family(portal: Portal, username: str, expected: int) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    as_user(portal, username)
    response = portal.client.get(f"/families/{family_id}")
    assert response.status_code == expected
    if expected == 403 and username.startswith("derby."):
        assert "ask for emergency access" in response.text
    if expected != 200:
        assert "Smith-Jones" not in response.text and "Elizabeth" not in response.text
        refused = portal.run(
            AuditEvent.count()
            .where(
                AuditEvent.action.is_in(["family_viewed", "access_refused"])
                & (AuditEvent.outcome == "refused")
            )
            .run
        )
        assert refused == 1


def test_lead_practitioner_taf_member_and_break_glass_give_access(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    as_user(portal, "derby.health")
    assert portal.client.get(f"/families/{family_id}").status_code == 403
    too_short = post(portal, f"/families/{family_id}/break-glass", {"reason": "need"})
    assert too_short.status_code == 422
    response = post(
        portal, f"/families/{family_id}/break-glass", {"reason": "Child disclosed harm at clinic"}
    )
    assert response.status_code == 303
    assert portal.client.get(f"/families/{family_id}").status_code == 200
    grants = portal.run(BreakGlassGrant.select().run)
    assert len(grants) == 1 and grants[0]["reviewed_at"] is None
    as_user(portal, "derby.manager")
    assert "1 use of emergency access to review" in portal.client.get("/").text
    reviews = portal.client.get("/access/break-glass")
    assert "Child disclosed harm at clinic" in reviews.text
    grant_id = grants[0]["id"]
    post(
        portal,
        f"/access/break-glass/{grant_id}",
        {"outcome": "not_justified", "note": "Spoke to them"},
    )
    assert "Child disclosed harm" not in portal.client.get("/access/break-glass").text
    as_user(portal, "derby.health")
    assert portal.client.get(f"/families/{family_id}").status_code == 403  # ended by the review


def test_consent_withdrawal_closes_and_restricts_the_record(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    child = portal.run(Person.select(Person.id).first().run)
    assert child is not None
    post(
        portal, f"/families/{family_id}/consent", consent_form(child["id"], "record", form_key="c1")
    )
    as_user(portal, "derby.manager")
    assert portal.client.get(f"/families/{family_id}").status_code == 200
    as_user(portal, "derby.school")
    consent_id = portal.run(consent_service.consent_history, family_id)[0]["id"]
    response = post(
        portal,
        f"/families/{family_id}/consent/{consent_id}/withdraw",
        {
            "withdrawn_on-day": "10",
            "withdrawn_on-month": "11",
            "withdrawn_on-year": "2026",
            "reason": "Family moved to private support",
        },
    )
    assert response.status_code == 303
    family = portal.run(Family.select().where(Family.id == family_id).first().run)
    assert family is not None
    assert family["status"] == "closed" and family["restricted"]
    assert portal.client.get(f"/families/{family_id}").status_code == 403  # the creator lost access
    assert "Smith-Jones" not in portal.client.get("/families").text  # and it left their list
    assert portal.client.get(f"/families/{family_id}/break-glass").status_code == 403
    as_user(portal, "derby.manager")
    record = portal.client.get(f"/families/{family_id}")
    assert record.status_code == 200
    assert "Withdrawn</strong> 10 November 2026: Family moved to private support" in record.text
    history = portal.run(consent_service.consent_history, family_id)
    assert (
        len(history) == 1
        and history[0]["withdrawal"]["reason"] == "Family moved to private support"
        and history[0]["withdrawal"]["withdrawn_on"] == date(2026, 11, 10)  # a date, as stored
        and history[0]["recorded_at"].tzinfo is not None
    )


def test_the_consent_gate(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    child = portal.run(Person.select(Person.id).first().run)
    assert child is not None
    child_id = child["id"]
    with pytest.raises(consent_service.ConsentRequired, match="assessment"):
        portal.run(consent_service.require_assessment_consent, family_id, child_id)
    for purpose in ("record", "assessment"):
        post(
            portal,
            f"/families/{family_id}/consent",
            consent_form(child_id, purpose, form_key=purpose),
        )
    portal.run(consent_service.require_assessment_consent, family_id, child_id)
    with pytest.raises(consent_service.ConsentRequired, match="share information with"):
        portal.run(consent_service.require_referral_consent, family_id, child_id, "Starting Point")
    override = consent_service.SafeguardingOverride("refused", "Mother refused; bruising seen")
    assert (
        portal.run(
            consent_service.require_referral_consent,
            family_id,
            child_id,
            "Starting Point",
            override,
        )
        == override
    )
    with pytest.raises(consent_service.ConsentRequired, match="not sought or was refused"):
        portal.run(
            consent_service.require_referral_consent,
            family_id,
            child_id,
            "Starting Point",
            consent_service.SafeguardingOverride("refused", " "),
        )
    post(
        portal,
        f"/families/{family_id}/consent",
        consent_form(child_id, "sharing", agencies="School nursing, Starting Point", form_key="s"),
    )
    assert (
        portal.run(consent_service.require_referral_consent, family_id, child_id, "starting point")
        is None
    )


def test_a_stale_save_shows_both_versions_and_loses_nothing(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    person = portal.run(Person.select(Person.id, Person.version).first().run)
    assert person is not None
    path = f"/families/{family_id}/people/{person['id']}"
    base = person_form(
        "Elizabeth", "Smith-Jones", "child", date(2016, 3, 4), version=str(person["version"])
    )
    first = post(portal, path, {**base, "other_names": "Beth"})
    assert first.status_code == 303
    stale = post(portal, path, {**base, "other_names": "Lizzie"})
    assert stale.status_code == 409
    assert "Lizzie" in stale.text and "Beth" in stale.text
    saved = portal.run(Person.select(Person.other_names).first().run)
    assert saved is not None and saved["other_names"] == "Beth"
    resubmitted = re.search(r'name="version" value="(\d+)"', stale.text)
    assert resubmitted and resubmitted.group(1) == str(person["version"] + 1)
    again = post(portal, path, {**base, "other_names": "Lizzie", "version": resubmitted.group(1)})
    assert again.status_code == 303


def test_moving_area_tells_the_receiving_areas_plugin(
    portal_factory: Any, with_testshire: Any
) -> None:
    from tests.integration.conftest import clean_tables
    from tests.support import testshire

    portal = portal_factory(plugins=with_testshire, PORTAL_AREAS="derby,derbyshire,testshire")
    portal.run(clean_tables)
    testshire.ARRIVALS.clear()
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    post(portal, f"/families/{family_id}/lead/take", {})
    version = portal.run(Family.select(Family.version).first().run)
    assert version is not None
    response = post(
        portal,
        f"/families/{family_id}/move",
        {
            "place": "testshire:upper",
            "reason": "Moved to be near grandparents",
            "version": str(version["version"]),
        },
    )
    assert response.status_code == 303
    assert [a.family_id for a in testshire.ARRIVALS] == [family_id]
    assert testshire.ARRIVALS[0].from_area == "derby"
    family = portal.run(Family.select(Family.area).first().run)
    assert family is not None and family["area"] == "testshire"
    assert (
        portal.client.get(f"/families/{family_id}").status_code == 404
    )  # a Derby role gives nothing there


def test_lead_transfer_is_accepted_by_the_receiver(portal: Portal) -> None:
    portal.sign_in("derby.health")  # make sure the receiver has a user record
    as_user(portal, "derby.school")
    family_id = create_family(portal)
    post(portal, f"/families/{family_id}/lead/take", {})
    response = post(
        portal,
        f"/families/{family_id}/lead/transfer",
        {
            "email": "samuel.okafor@derwent-vale-health.example",
            "reason": "Health needs lead",
            "form_key": "t1",
        },
    )
    assert response.status_code == 303
    as_user(portal, "derby.health")
    assert "1 request to become a lead practitioner" in portal.client.get("/").text
    page = portal.client.get(f"/families/{family_id}")
    assert page.status_code == 200 and "Accept and become lead" in page.text
    transfer_id = re.search(r'/lead/transfer/(\d+)"', page.text)
    assert transfer_id
    post(
        portal, f"/families/{family_id}/lead/transfer/{transfer_id.group(1)}", {"answer": "accept"}
    )
    family = portal.run(Family.select(Family.lead_practitioner).first().run)
    assert family is not None
    assert family["lead_practitioner"] == user_id(portal, "samuel.okafor")


def test_only_the_lead_a_manager_or_a_meetings_allocation_proposes_a_new_lead(
    portal: Portal,
) -> None:
    as_user(portal, "derby.health")  # both need a user record
    as_user(portal, "derby.vcm")
    as_user(portal, "derby.school")
    family_id = create_family(portal)
    post(portal, f"/families/{family_id}/lead/take", {})

    async def propose(username: str, key: str, by_meeting: bool = False) -> int:
        family = await Family.objects().get(Family.id == family_id)
        chair = await PortalUser.objects().get(PortalUser.email.like(f"{username}@%"))
        to = await PortalUser.objects().get(PortalUser.email.like("samuel.okafor@%"))
        assert family is not None and chair is not None and to is not None
        return await lead_service.propose_transfer(
            current_user_from(chair), family, to, "Allocated", key, allocated_at_meeting=by_meeting
        )

    with pytest.raises(lead_service.LeadError, match="Only the lead practitioner"):
        portal.run(propose, "marcus.bellamy", "k1")
    assert portal.run(propose, "marcus.bellamy", "k2", True) > 0
    transfer = portal.run(LeadTransfer.select().where(LeadTransfer.family == family_id).first().run)
    assert transfer is not None and transfer["status"] == "pending"


def test_access_history_is_for_area_managers_and_auditors(portal_factory: Any) -> None:
    from tests.integration.conftest import clean_tables

    # Map the demo SPA clerk to the auditor role for this test.
    portal = portal_factory(
        PORTAL_ROLE_MAP="Derby.Practitioner=derby.practitioner,"
        "Derby.AreaManager=derby.area_manager,Derby.SpaClerk=derby.auditor"
    )
    portal.run(clean_tables)
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    path = f"/families/{family_id}/access-history"
    assert portal.client.get(path).status_code == 403  # the creator is not an auditor
    as_user(portal, "derby.health")
    portal.client.get(f"/families/{family_id}")  # refused, and audited
    as_user(portal, "derby.spa")
    history = portal.client.get(path)
    assert history.status_code == 200
    assert "Samuel Okafor" in history.text and "refused" in history.text
    filtered = portal.client.get(path, params={"who": "hannah", "action": "family_created"})
    assert "Hannah Ashworth" in filtered.text and "Samuel Okafor" not in filtered.text
    assert portal.client.get(f"/families/{family_id}").status_code == 403  # not the record itself
    as_user(portal, "derby.manager")
    assert portal.client.get(path).status_code == 200


def test_a_taf_member_has_access_until_removed(portal: Portal) -> None:
    from portal.kernel.clock import now_utc
    from portal.taf.tables import TafMember

    portal.sign_in("derby.health")
    health_id = user_id(portal, "samuel.okafor")
    as_user(portal, "derby.school")
    family_id = create_family(portal)
    member = TafMember(family=family_id, user=health_id, name="Samuel Okafor", added_at=now_utc())
    portal.run(member.save().run)
    as_user(portal, "derby.health")
    page = portal.client.get(f"/families/{family_id}")
    assert page.status_code == 200 and "you are in the team around the family" in page.text
    portal.run(
        TafMember.update({TafMember.removed_at: now_utc()}).where(TafMember.id == member.id).run
    )
    assert portal.client.get(f"/families/{family_id}").status_code == 403  # the next request


@pytest.mark.parametrize("username", ["partnership.analyst", "portal.admin"])
def test_roles_without_an_area_cannot_search_or_record_families(
    portal: Portal, username: str
) -> None:
    portal.sign_in(username)
    for path in ("/families", "/families/find", "/families/new"):
        assert portal.client.get(path).status_code == 403, path
    search = post(portal, "/families/find", search_form("Elizabeth", "Smith-Jones"))
    assert search.status_code == 403
    assert "Families" not in portal.client.get("/").text.split("</nav>")[0]
