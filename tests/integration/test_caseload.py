"""The practitioner's caseload on the home page: their families with what is
due and overdue, filtered and sorted, as a full page and as an htmx partial."""

from __future__ import annotations

from datetime import date

from portal.kernel.clock import now_utc
from portal.taf.tables import TafMember
from tests.integration.test_assessments import child_of, give_consent, start_form
from tests.support.portal import Portal, as_user, create_family, post, user_id


def test_the_caseload_shows_what_is_due_and_overdue(portal: Portal) -> None:
    portal.sign_in("derby.health")
    health_id = user_id(portal, "samuel.okafor")
    portal.client.cookies.clear()
    portal.sign_in("derby.school")
    late = create_family(portal, given="Oliver", family="Kowalczyk")
    child = child_of(portal, late)
    give_consent(portal, late, child)
    # started on 1 October: due 15 October, long overdue by today
    post(portal, f"/families/{late}/assessments", start_form(child, date(2026, 10, 1)))
    fresh = create_family(portal, given="Amelia", family="Brightwater", born=date(2019, 5, 5))
    home = portal.client.get("/")
    assert home.status_code == 200
    table = home.text.split('id="caseload"', 1)[1]
    assert "Oliver Kowalczyk" in table and "Amelia Brightwater" in table
    assert "Due 15 October 2026" in table and "Overdue" in table
    assert table.index("Oliver Kowalczyk") < table.index("Amelia Brightwater")  # overdue first
    overdue = portal.client.get("/?show=overdue&sort=due")
    assert "Oliver Kowalczyk" in overdue.text and "Amelia Brightwater" not in overdue.text
    by_name = portal.client.get("/?sort=name").text.split('id="caseload"', 1)[1]
    assert by_name.index("Amelia Brightwater") < by_name.index("Oliver Kowalczyk")
    assert "1 family" in portal.client.get("/?show=overdue").text
    assert "No families" in portal.client.get("/?show=lead").text  # not the lead of either
    partial = portal.client.get(
        "/?show=overdue", headers={"HX-Request": "true", "HX-Target": "caseload"}
    )
    assert partial.status_code == 200 and "<html" not in partial.text
    assert partial.text.lstrip().startswith('<div id="caseload">')
    bogus = portal.client.get("/?show=<script>&sort=drop")
    assert bogus.status_code == 200 and "<script>" not in bogus.text.split('id="caseload"')[1]
    # a TAF member sees the family too; a stranger sees neither
    member = TafMember(family=fresh, user=health_id, name="Samuel Okafor", added_at=now_utc())
    portal.run(member.save().run)
    as_user(portal, "derby.health")
    theirs = portal.client.get("/").text.split('id="caseload"', 1)[1]
    assert "Amelia Brightwater" in theirs and "Oliver Kowalczyk" not in theirs
    assert "Team Around the Family" in theirs
