"""Find-before-create in two bands (issue 23): "Likely the same child" and
"Possibly the same child: check before you record a new family". Through the
real app and search: a family that moved with a common name, a one-letter
slip read as a twin, a name with no date of birth, each shown in the possible
band with its reasons and never "No match found"; the create form warns in
the same bands; and every family a search shows, in either area, is in that
family's own access history."""

from __future__ import annotations

import html
import re
from datetime import date

from portal.audit.tables import AuditEvent
from tests.support.families import new_family_form, search_form
from tests.support.portal import Portal, as_user, create_family, post

BORN = date(2017, 5, 14)


def find(portal: Portal, given: str, family: str, born: date | None, **extra: str) -> str:
    response = post(portal, "/families/find", search_form(given, family, born, **extra))
    assert response.status_code == 200, response.text[:300]
    return html.unescape(response.text)


def band(page: str, name: str) -> str:
    """The part of the results page under one band's heading."""
    headings = {"likely": "Likely the same child", "possible": "Possibly the same child"}
    if headings[name] not in page:
        return ""
    part = page.split(headings[name], 1)[1]
    return part.split("Possibly the same child", 1)[0] if name == "likely" else part


def test_a_family_that_moved_with_a_common_name_is_a_possible_match(portal: Portal) -> None:
    portal.sign_in("derby.school")
    create_family(portal, given="Oliver", family="Smith", born=BORN, postcode="DE22 1HF")
    page = find(portal, "Oliver", "Smith", BORN, postcode="DE1 3AB")
    assert "No match found" not in page
    assert "1 possible match to check" in page
    possible = band(page, "possible")
    assert "Oliver Smith" in possible
    assert "date of birth matches" in possible and "postcodes differ" in possible
    assert band(page, "likely") == ""


def test_a_one_letter_slip_at_the_same_address_is_shown_with_the_twin_reason(
    portal: Portal,
) -> None:
    portal.sign_in("derby.school")
    create_family(portal, given="Katherine", family="Smith", born=BORN)
    page = find(portal, "Katherinee", "Smith", BORN, postcode="DE22 1HF")
    assert "No match found" not in page
    shown = band(page, "possible") or band(page, "likely")
    assert "Katherine Smith" in shown
    assert "could be a twin" in shown


def test_a_name_without_a_date_of_birth_lists_candidates_and_asks_for_one(
    portal: Portal,
) -> None:
    portal.sign_in("derby.school")
    for n in range(7):  # more Olivia Taylors than the possible band shows
        create_family(portal, given="Olivia", family="Taylor", born=date(2012 + n, 1, 1 + n))
    page = find(portal, "Olivia", "Taylor", None)
    assert "No match found" not in page
    assert "Add the child's date of birth" in page
    assert "more children have a name like this than are shown" in page
    assert band(page, "possible").count('class="govuk-summary-card"') == 5  # bounded


def test_a_child_who_is_not_there_finds_no_match(portal: Portal) -> None:
    portal.sign_in("derby.school")
    create_family(portal, given="Oliver", family="Smith", born=BORN)
    page = find(portal, "Ottilie", "Brackenbury", date(2019, 2, 3))
    assert "No match found" in page


def test_the_create_form_warns_in_the_same_bands(portal: Portal) -> None:
    portal.sign_in("derby.school")
    create_family(portal, given="Oliver", family="Smith", born=BORN, postcode="DE22 1HF")
    form = new_family_form(given="Oliver", family="Smith", born=BORN, postcode="DE1 3AB")
    response = post(portal, "/families", form)
    assert response.status_code == 200, response.text[:300]  # the warning, nothing saved
    page = html.unescape(response.text)
    assert "Possibly the same child: check before you record a new family" in page
    assert re.search(r'id="possible-duplicates".*Oliver Smith', page, re.S)


def test_a_search_showing_another_areas_family_is_in_its_access_history(
    portal: Portal,
) -> None:
    portal.sign_in("derby.school")
    derby_family = create_family(portal, given="Philippa", family="Quennell", born=BORN)
    as_user(portal, "derbyshire.school")
    page = find(portal, "Philippa", "Quennell", BORN)
    assert "A matching family is known in Derby City" in page
    events = portal.run(
        AuditEvent.select(AuditEvent.action, AuditEvent.actor_label, AuditEvent.detail)
        .where(AuditEvent.family_id == derby_family)
        .run
    )
    found = [e for e in events if e["action"] == "found_in_search"]
    assert len(found) == 1 and '"band": "likely"' in found[0]["detail"]
    # The Derby manager sees who looked, on the family's access history page.
    as_user(portal, "derby.manager")
    history = portal.client.get(f"/families/{derby_family}/access-history")
    assert history.status_code == 200
    assert "found in search" in history.text
    assert found[0]["actor_label"] in html.unescape(history.text)


def test_a_search_is_one_search_event_for_the_limit_however_many_it_shows(
    portal: Portal,
) -> None:
    portal.sign_in("derby.school")
    for given in ("Oliver", "Olivia"):
        create_family(portal, given=given, family="Smith", born=BORN)
    find(portal, "Oliver", "Smith", BORN)
    actions = portal.run(AuditEvent.select(AuditEvent.action, AuditEvent.family_id).run)
    assert [a["action"] for a in actions].count("family_search") == 1
    assert sum(a["action"] == "found_in_search" for a in actions) >= 1
