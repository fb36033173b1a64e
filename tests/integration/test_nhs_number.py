"""Issue 23, item 3: the NHS number as a child's consistent identifier
(Children Act 2004 s16LC): why a child has none, on the record, on what is
shared (the assessment, the referral to social care) and in the report."""

from __future__ import annotations

import html
import re
from datetime import date

from portal.families.tables import Person
from tests.integration.test_assessments import started_assessment
from tests.integration.test_escalation import referral_form
from tests.integration.test_reports import figures
from tests.support.families import person_form
from tests.support.portal import Portal, as_user, create_family, post

NOT_KNOWN = "Unknown, and finding it now would cause unreasonable delay"
TODAY = date.today()
TO_TODAY = {
    "start-day": "1",
    "start-month": "1",
    "start-year": str(TODAY.year - 1),
    "end-day": str(TODAY.day),
    "end-month": str(TODAY.month),
    "end-year": str(TODAY.year),
}


def people(portal: Portal, family_id: int) -> dict[str, Person]:
    found = portal.run(Person.objects().where(Person.family == family_id).run)
    return {p.given_names: p for p in found}


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_a_child_without_an_nhs_number_says_why_and_the_record_shows_it(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal, nhs_number_absent="not_known")
    assert people(portal, family_id)["Elizabeth"].nhs_number_absent == "not_known"
    record = text_of(portal.client.get(f"/families/{family_id}").text)
    assert f"NHS number None. {NOT_KNOWN}." in record

    # A number given wins over a reason; an adult is never asked.
    sibling = person_form(
        "Tom", "Smith-Jones", "child", date(2018, 5, 6), nhs_number="943 476 5919"
    )
    sibling["nhs_number_absent"] = "would_not_help"
    sibling["confirm_new"] = "yes"
    assert post(portal, f"/families/{family_id}/people", sibling).status_code == 303
    parent = person_form("Sarah", "Smith-Jones", "parent_carer", date(1990, 1, 2))
    parent["nhs_number_absent"] = "not_known"
    parent["confirm_new"] = "yes"
    assert post(portal, f"/families/{family_id}/people", parent).status_code == 303
    saved = people(portal, family_id)
    assert (saved["Tom"].nhs_number, saved["Tom"].nhs_number_absent) == ("9434765919", "")
    assert saved["Sarah"].nhs_number_absent == ""
    record = text_of(portal.client.get(f"/families/{family_id}").text)
    assert "NHS number 943 476 5919" in record


def test_a_child_with_neither_is_flagged_with_a_way_to_add_it(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    child = people(portal, family_id)["Elizabeth"]
    page = portal.client.get(f"/families/{family_id}").text
    assert "Not recorded</strong>" in page
    assert (
        f'href="/families/{family_id}/people/{child.id}">Add it, or record why there is none'
        in (page)
    )
    # The edit form asks, and keeps the answer.
    edit = portal.client.get(f"/families/{family_id}/people/{child.id}").text
    assert 'name="nhs_number_absent"' in edit and NOT_KNOWN in edit


def test_an_unknown_reason_is_refused_with_what_was_typed_kept(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    form = person_form("Tom", "Smith-Jones", "child", date(2018, 5, 6))
    form["nhs_number_absent"] = "forgot"
    form["confirm_new"] = "yes"
    refused = post(portal, f"/families/{family_id}/people", form)
    assert refused.status_code == 422
    assert "Select why the child has no NHS number" in refused.text
    assert 'value="Tom"' in refused.text
    assert "Tom" not in people(portal, family_id)


def test_the_assessment_carries_each_persons_nhs_number(portal: Portal) -> None:
    family_id, assessment_id = started_assessment(portal)
    portal.run(
        Person.update({Person.nhs_number: "9434765919"}).where(Person.family == family_id).run
    )
    base = f"/families/{family_id}/assessments/{assessment_id}"
    printed = text_of(portal.client.get(base + "/print").text)
    assert "NHS number 943 476 5919" in printed
    pdf = portal.client.get(base + "/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_the_referral_to_social_care_names_each_child_with_their_nhs_number(
    portal: Portal,
) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal, nhs_number="943 476 5919")
    post(portal, f"/families/{family_id}/lead/take", {})
    child = people(portal, family_id)["Elizabeth"]
    page = text_of(portal.client.get(f"/families/{family_id}/escalate").text)
    assert "Elizabeth Smith-Jones (NHS number 943 476 5919)" in page
    assert "NHS numbers" in page  # what is shared, by default
    sent = post(portal, f"/families/{family_id}/escalate", referral_form([child.id]))
    assert sent.status_code == 303
    record = text_of(portal.client.get(f"/families/{family_id}").text)
    assert "Children Elizabeth Smith-Jones (NHS number 943 476 5919)" in record


def test_the_report_counts_childrens_nhs_numbers_and_reasons(portal: Portal) -> None:
    portal.sign_in("derby.school")
    create_family(portal, nhs_number="943 476 5919")
    create_family(portal, given="Oliver", family="Brackley", nhs_number_absent="not_known")
    create_family(portal, given="Maisie", family="Thorne")
    as_user(portal, "derbyshire.school")  # another area's child is not counted
    create_family(portal, given="Ruby", family="Hale", place="derbyshire:erewash")
    as_user(portal, "derby.manager")
    response = portal.client.get("/reports", params={**TO_TODAY, "area": "derby"})
    assert response.status_code == 200
    assert figures(response.text, "nhs-numbers") == {
        "NHS number recorded": "1 of 3 (33%)",
        "No NHS number, reason recorded": "1 of 3 (33%)",
        "No NHS number, no reason recorded": "1 of 3 (33%)",
    }
