"""Information requests on both databases: an area manager finds a person,
reviews and downloads everything held about them (PDF and JSON) with other
people's details redacted and listed; who may; every download audited."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from portal.audit.tables import AuditEvent
from portal.families.tables import Person
from tests.integration.test_assessments import give_consent, save, start_form
from tests.support.families import consent_form, person_form, search_form
from tests.support.portal import Portal, as_user, create_family, post

DADS_HEALTH = "Dad: in treatment for alcohol misuse"
DADS_NHS = "9434765919"


def person_id(portal: Portal, given: str) -> int:
    row = portal.run(Person.select(Person.id).where(Person.given_names == given).first().run)
    assert row is not None
    return int(row["id"])


def family_with_two_parents(portal: Portal) -> int:
    """As derby.school: Elizabeth, her mum Sarah and her dad Mark, with consent
    (given by Sarah), Mark's own consent, and an assessment naming Dad's health."""
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    for person in (
        person_form("Sarah", "Smith-Jones", "parent_carer", date(1988, 1, 2), confirm_new="yes"),
        person_form(
            "Mark",
            "Smith-Jones",
            "parent_carer",
            date(1985, 7, 9),
            nhs_number="943 476 5919",
            confirm_new="yes",
            form_key="mark",
        ),
    ):
        response = post(portal, f"/families/{family_id}/people", person)
        assert response.status_code == 303, response.text
    child = person_id(portal, "Elizabeth")
    give_consent(portal, family_id, child)
    mark = consent_form(
        person_id(portal, "Mark"), "sharing", given_by_name="Mark Smith-Jones", agencies="GP"
    )
    assert (
        post(portal, f"/families/{family_id}/consent", {**mark, "form_key": "m"}).status_code == 303
    )
    started = post(portal, f"/families/{family_id}/assessments", start_form(child))
    assert started.status_code == 303, started.text
    assessment_id = int(started.headers["location"].rsplit("/", 1)[1])
    save(
        portal, family_id, assessment_id, "strengths", strengths="Sarah sings with Liz every night"
    )
    save(portal, family_id, assessment_id, "needs", parents_needs=DADS_HEALTH)
    return family_id


def download(portal: Portal, url: str) -> Any:
    response = portal.client.get(url)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment")
    assert re.fullmatch(
        r'attachment; filename="information-request-person-\d+-\d{8}\.(pdf|json)"', disposition
    )
    assert "Sarah" not in disposition and "Smith" not in disposition
    return response


def test_a_manager_exports_a_persons_information_with_redactions(portal: Portal) -> None:
    family_id = family_with_two_parents(portal)
    sarah = person_id(portal, "Sarah")
    as_user(portal, "derby.manager")
    assert portal.client.get("/information-requests").status_code == 200
    found = post(
        portal, "/information-requests/find", search_form("Sarah", "Smith-Jones", date(1988, 1, 2))
    )
    assert found.status_code == 200
    assert f'href="/information-requests/people/{sarah}"' in found.text
    by_family = post(portal, "/information-requests/family", {"family_id": str(family_id)})
    assert by_family.headers["location"] == f"/information-requests/families/{family_id}"
    people = portal.client.get(by_family.headers["location"])
    assert f'href="/information-requests/people/{sarah}"' in people.text

    review = portal.client.get(f"/information-requests/people/{sarah}")
    assert review.status_code == 200
    page = review.text
    assert "Sarah sings with Liz every night" in page  # assessment text
    assert "Consent to the early help assessment" in page  # the consent she gave
    assert "Hannah Ashworth" in page  # who accessed the record
    assert DADS_HEALTH not in page and DADS_NHS not in page
    assert "[Redacted]" in page
    assert "Another adult&#39;s health and personal circumstances" in page

    exported = json.loads(
        download(portal, f"/information-requests/people/{sarah}/export.json").content
    )
    assert exported["subject"] == {
        "person_id": sarah,
        "family_id": family_id,
        "area": "derby",
        "name": "Sarah Smith-Jones",
    }
    text = json.dumps(exported)
    assert "Sarah sings with Liz every night" in text
    assert DADS_HEALTH not in text and DADS_NHS not in text and "1985" not in text
    sections = {s["title"]: s for s in exported["sections"]}
    consent_items = sections["Consent"]["items"]
    assert any(
        f["value"] == "Sarah Smith-Jones" or "Sarah Smith-Jones" in f["value"]
        for i in consent_items
        for f in i["fields"]
    )
    assert {
        "where": "Consent record " + str(_consent_of_mark(portal)),
        "reason": "A consent record about another family member",
    } in sections["Consent"]["redactions"]
    access = sections["Who accessed the family's record"]["items"]
    assert any({"label": "Who", "value": "Hannah Ashworth"} in item["fields"] for item in access)
    reasons = {r["reason"] for r in exported["redactions"]}
    assert reasons == {
        "Another family member's personal details",
        "A consent record about another family member",
        "Another adult's health and personal circumstances",
    }
    assert "Derby Vulnerable Children's Meeting requests" in sections  # the area's own sections

    pdf = download(portal, f"/information-requests/people/{sarah}/export.pdf")
    assert pdf.content.startswith(b"%PDF-")

    events = portal.run(
        AuditEvent.select()
        .where(AuditEvent.action == "information_request_export")
        .order_by(AuditEvent.id)
        .run
    )
    assert [json.loads(e["detail"])["format"] for e in events] == ["json", "pdf"]
    assert all(e["family_id"] == family_id and e["record_id"] == str(sarah) for e in events)
    assert all(json.loads(e["detail"])["person_id"] == sarah for e in events)
    assert all(e["actor_label"] == "Alison Tranter" for e in events)


def _consent_of_mark(portal: Portal) -> int:
    from portal.consent.tables import ConsentRecord

    row = portal.run(
        ConsentRecord.select(ConsentRecord.id)
        .where(ConsentRecord.given_by_name == "Mark Smith-Jones")
        .first()
        .run
    )
    assert row is not None
    return int(row["id"])


def test_the_person_sees_their_own_details_and_the_sole_parent_sees_the_parents_needs(
    portal: Portal,
) -> None:
    family_id = family_with_two_parents(portal)
    mark = person_id(portal, "Mark")
    as_user(portal, "derby.manager")
    exported = json.loads(
        download(portal, f"/information-requests/people/{mark}/export.json").content
    )
    text = json.dumps(exported)
    assert DADS_NHS in text and "9 July 1985" in text  # his own details
    assert "2 January 1988" not in text  # Sarah's date of birth
    assert DADS_HEALTH not in text  # two parents: the answer may be about either
    consent = next(s for s in exported["sections"] if s["title"] == "Consent")
    assert {"label": "Agencies", "value": "GP"} in consent["items"][-1]["fields"]  # his own
    mine = f"Consent record {_consent_of_mark(portal)}"
    assert mine not in {r["where"] for r in consent["redactions"]}
    assert len(consent["redactions"]) == 2  # the two Sarah gave about Elizabeth
    del family_id


def test_only_area_managers_of_the_persons_area_may(portal: Portal) -> None:
    family_with_two_parents(portal)
    sarah = person_id(portal, "Sarah")
    paths = [
        f"/information-requests/people/{sarah}",
        f"/information-requests/people/{sarah}/export.json",
        f"/information-requests/people/{sarah}/export.pdf",
    ]
    # derby.school is in the area but not a manager: 403 everywhere
    assert portal.client.get("/information-requests").status_code == 403
    for path in paths:
        assert portal.client.get(path).status_code == 403, path
    as_user(portal, "derbyshire.manager")  # another area's manager: the person does not exist
    for path in paths:
        assert portal.client.get(path).status_code == 404, path
    found = post(
        portal, "/information-requests/find", search_form("Sarah", "Smith-Jones", date(1988, 1, 2))
    )
    assert found.status_code == 200 and f"/people/{sarah}" not in found.text
    assert "No match found in your area" in found.text
    as_user(portal, "partnership.analyst")
    assert portal.client.get("/information-requests").status_code == 403
    assert portal.client.get(paths[0]).status_code == 404
    as_user(portal, "derby.manager")
    assert portal.client.get(f"/information-requests/people/{sarah + 999}").status_code == 404
    wrong = post(portal, "/information-requests/family", {"family_id": "abc"})
    assert wrong.status_code == 422 and "Family record number must be a number" in wrong.text
    exports = portal.run(
        AuditEvent.count().where(AuditEvent.action == "information_request_export").run
    )
    assert exports == 0
