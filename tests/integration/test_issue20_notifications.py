"""Issue 20, items 6 and 7, on the database: in-portal notifications name the
family (its children's first names and family name) and what was decided, only
to a recipient who may open the family, while the emails stay free of both and
link to the notification; notifications made before keep rendering; a family's
disposal and information requests include its notifications. The referrer of a
Starting Point referral gets a confirmation panel and then sees its 24-hour
clock; the Multi-Agency Team's support-request page names the child."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from portal.families.names import household_name
from portal.families.tables import Family, Person
from portal.info_requests import records
from portal.kernel.clock import now_utc
from portal.notify.service import notify
from portal.notify.tables import Notification, OutboxEmail
from tests.integration.test_assessments import child_of, give_consent, save, start_form
from tests.integration.test_derby_pre_assessment import create_pre
from tests.integration.test_derby_vcm import (
    decide,
    derby,  # noqa: F401 - the fixture
    place,
    post_staff,
    submit,
)
from tests.integration.test_derbyshire_starting_point import (
    T0,
    Clock,
    clean_derbyshire,
    referral,
    triage,
)
from tests.integration.test_retention import AS_OF, a_user, born_25_years_before, cli, family
from tests.integration.test_taf import add_practitioner
from tests.support.assessments import REQUIRED_SECTIONS
from tests.support.portal import Portal, as_user, create_family, post, user_id
from tests.support.query_counter import QueryLog, counting_queries

DECIDED = "The Vulnerable Children&#39;s Meeting has decided a request you submitted"


@pytest.fixture
def clock(portal: Portal) -> Clock:
    the_clock = Clock(T0)
    portal.app.state.derbyshire_clock = the_clock
    portal.run(clean_derbyshire)
    return the_clock


def rows_for(portal: Portal, recipient: int) -> list[dict[str, Any]]:
    return portal.run(
        Notification.select()
        .where(Notification.recipient == recipient)
        .order_by(Notification.id)
        .run
    )


def emails_to(portal: Portal, recipient: int) -> list[dict[str, Any]]:
    return portal.run(
        OutboxEmail.select().where(OutboxEmail.notification.recipient == recipient).run
    )


def assessed_family(portal: Portal, given: str, surname: str) -> tuple[int, int]:
    """As derby.school: a North family with a completed assessment; (family, assessment)."""
    as_user(portal, "derby.school")
    family_id = create_family(portal, given=given, family=surname)
    child_id = child_of(portal, family_id)
    give_consent(portal, family_id, child_id)
    started = post(
        portal, f"/families/{family_id}/assessments", start_form(child_id, key=f"s-{family_id}")
    )
    assert started.status_code == 303, started.text
    assessment_id = int(started.headers["location"].rsplit("/", 1)[1])
    for slug in REQUIRED_SECTIONS:
        assert save(portal, family_id, assessment_id, slug).status_code == 303
    done = post(portal, f"/families/{family_id}/assessments/{assessment_id}/complete", {})
    assert done.status_code == 303, done.text
    return family_id, assessment_id


def cell_of(page: str, notification_id: int) -> str:
    match = re.search(rf'id="notification-{notification_id}">(.*?)</td>', page, re.S)
    assert match, f"notification {notification_id} is not listed"
    return match.group(1)


# Item 6: notifications name the family and the outcome ---------------------------------------


def test_household_names_are_the_childrens_first_names_and_family_name() -> None:
    def person(given: str, surname: str, role: str = "child") -> dict[str, str]:
        return {"given_names": given, "family_name": surname, "role": role}

    assert household_name([person("Amy", "Smith")]) == "Amy Smith"
    assert household_name([person("Sarah", "Smith", "parent_carer"), person("Amy", "Smith"),
                           person("Ben", "Smith")]) == "Amy and Ben Smith"  # fmt: skip
    three = [person("Amy", "Smith"), person("Ben", "Jones"), person("Cara Rose", "Smith")]
    assert household_name(three) == "Amy and Cara Rose Smith and Ben Jones"
    assert household_name([person("Sarah", "Smith", "parent_carer")]) == "The Smith family"
    assert household_name([]) == "Family with no children recorded"


def test_two_vcm_decisions_name_each_family_and_outcome_in_the_portal_only(
    derby: Portal,  # noqa: F811
) -> None:
    ids = post_staff(derby)
    hannah = ids["hannah.ashworth"]
    first, first_eha = assessed_family(derby, "Araminta", "Quillfeather")
    second, second_eha = assessed_family(derby, "Barnaby", "Thistlewood")
    first_id = submit(derby, first, first_eha)
    second_id = submit(derby, second, second_eha)
    as_user(derby, "derby.spa")
    place(derby, first_id)
    place(derby, second_id)
    as_user(derby, "derby.vcm")
    allocated = {"allocated_to-allocate": str(ids["priya.chandran"])}
    assert decide(derby, first_id, "allocate", "Youth work", **allocated).status_code == 303
    assert decide(derby, second_id, "no_action", "Needs are met by school").status_code == 303

    decided = [n for n in rows_for(derby, hannah) if n["kind"] == "derby_vcm_decided"]
    assert [(n["family_id"], n["detail"]) for n in decided] == [
        (first, "Decision: Allocate to a practitioner or service"),
        (second, "Decision: No action needed at this time"),
    ]
    as_user(derby, "derby.school")
    page = derby.client.get("/notifications").text
    one, other = (cell_of(page, n["id"]) for n in decided)
    assert DECIDED in one and DECIDED in other  # the same message, as emailed ...
    assert "Family: Araminta Quillfeather" in one and "Allocate to a practitioner" in one
    assert "Family: Barnaby Thistlewood" in other and "No action needed" in other
    assert "Quillfeather" not in other and "Thistlewood" not in one  # ... each row its own
    # The buttons say which, for screen readers.
    assert 'Open<span class="govuk-visually-hidden">: ' + DECIDED + ", Araminta" in page

    # The email names no one and says nothing of the outcome: it links to the notification.
    for email in emails_to(derby, hannah):
        for said in ("Araminta", "Quillfeather", "Barnaby", "Thistlewood", "Decision", "Allocate"):
            assert said not in email["subject"] + email["body"], said

    # The notification's own page (where an email links) names both; reading changes nothing.
    shown = derby.client.get(f"/notifications/{decided[0]['id']}")
    assert shown.status_code == 200
    assert "Araminta Quillfeather" in shown.text
    assert "Decision: Allocate to a practitioner or service" in shown.text
    assert rows_for(derby, hannah)[0]["read_at"] is None
    assert derby.client.get("/notifications/999999").status_code == 404
    as_user(derby, "derby.mat")  # Priya's own notification says the same, to her
    mine = [n for n in rows_for(derby, ids["priya.chandran"]) if n["family_id"] == first]
    assert "Araminta Quillfeather" in derby.client.get(f"/notifications/{mine[0]['id']}").text
    # Someone else's notification is not found, whatever it is about.
    assert derby.client.get(f"/notifications/{decided[0]['id']}").status_code == 404


def test_a_family_the_recipient_may_not_open_is_not_named(portal: Portal) -> None:
    as_user(portal, "derby.school")
    theirs = create_family(portal, given="Cressida", family="Ormerod")
    as_user(portal, "derbyshire.school")
    other_area = create_family(
        portal, place="derbyshire:erewash", postcode="DE7 5RG", given="Dorian", family="Pendle"
    )
    as_user(portal, "derby.health")
    samuel = user_id(portal, "samuel.okafor")
    for key, family_id in (("no-relationship", theirs), ("another-area", other_area)):
        made = portal.run(
            lambda f=family_id, k=key: notify(
                samuel, "test", f"A message {k}", "/notifications", k, family_id=f, detail="Said"
            )
        )
        assert made
    page = portal.client.get("/notifications")
    assert page.status_code == 200
    assert "A message no-relationship" in page.text and "A message another-area" in page.text
    for hidden in ("Cressida", "Ormerod", "Dorian", "Pendle", "Said"):
        assert hidden not in page.text, hidden
    [first, _] = rows_for(portal, samuel)
    single = portal.client.get(f"/notifications/{first['id']}").text
    assert "Cressida" not in single and "Said" not in single

    # Once Samuel is in the family's team, he may open it: the name shows.
    as_user(portal, "derby.school")
    assert post(portal, f"/families/{theirs}/lead/take", {}).status_code == 303
    added = add_practitioner(portal, theirs, samuel, "okafor", "Health visitor")
    assert added.status_code == 303, added.text
    as_user(portal, "derby.health")
    page = portal.client.get("/notifications")
    assert "Family: Cressida Ormerod" in cell_of(page.text, first["id"])
    assert "Dorian" not in page.text


def test_notifications_made_before_the_change_still_render(portal: Portal) -> None:
    as_user(portal, "derby.school")
    me = user_id(portal, "hannah.ashworth")

    async def old_rows() -> None:
        for n, family_id in enumerate((None, 987654)):  # no family; a family since removed
            await Notification.insert(
                Notification(
                    recipient=me,
                    kind="added_to_taf",
                    message=f"An old notification {n}",
                    link="/families",
                    created_at=now_utc(),
                    dedupe_key=f"old:{n}",
                    family_id=family_id,
                )
            )

    portal.run(old_rows)
    page = portal.client.get("/notifications")
    assert page.status_code == 200
    assert "An old notification 0" in page.text and "An old notification 1" in page.text
    assert "Family:" not in page.text
    for row in rows_for(portal, me):
        assert portal.client.get(f"/notifications/{row['id']}").status_code == 200


def test_disposing_of_a_family_takes_its_notifications_and_their_emails(portal: Portal) -> None:
    async def seed() -> tuple[int, int]:
        user = await a_user()
        rows = await family(user, "Abbott", [born_25_years_before(1)])
        fid = rows[Family][0]
        # About the family, linking to an area's page (no /families/<id> in the link).
        note = Notification(
            recipient=user,
            kind="derby_vcm_decided",
            message="The Vulnerable Children's Meeting has decided a request you submitted",
            link="/derby/submissions/41",
            created_at=datetime.now(UTC),
            dedupe_key=f"about:{fid}",
            family_id=fid,
            detail="Decision: No action needed at this time",
        )
        await note.save()
        await OutboxEmail(
            notification=note.id,
            to_address="pat@example.org",
            subject="Decided",
            body="Decided",
            next_attempt_at=datetime.now(UTC),
            message_id=f"about-{fid}@t",
        ).save()
        return fid, int(note.id)

    family_id, note_id = portal.run(seed)
    assert AS_OF  # the retention command runs as of this date
    cli(portal, "--apply")
    assert portal.run(Family.count().where(Family.id == family_id).run) == 0
    assert portal.run(Notification.count().where(Notification.id == note_id).run) == 0
    assert portal.run(OutboxEmail.count().where(OutboxEmail.notification == note_id).run) == 0


def test_an_information_request_lists_the_notifications_about_the_family(portal: Portal) -> None:
    as_user(portal, "derby.school")
    family_id = create_family(portal, given="Elowen", family="Marchbank")
    me = user_id(portal, "hannah.ashworth")
    portal.run(
        lambda: notify(
            me,
            "derby_vcm_returned",
            "A request you sent to the Vulnerable Children's Meeting was returned to you",
            "/derby/submissions/7",
            "returned-7",
            family_id=family_id,
            detail="Why it was returned: say since when",
        )
    )
    section = portal.run(records.notifications, family_id)
    [item] = section.items
    assert item.heading.startswith("A request you sent")
    assert ("What happened", "Why it was returned: say since when") in item.fields


def test_a_starting_point_outcome_names_the_family_and_what_was_said(
    portal: Portal, clock: Clock
) -> None:
    as_user(portal, "derbyshire.school")
    family_id = create_family(
        portal, place="derbyshire:erewash", postcode="DE7 5RG", given="Ruby", family="Hollins"
    )
    child = portal.run(Person.select(Person.id).where(Person.family == family_id).first().run)
    assert child is not None
    data = referral(
        int(child["id"]), consent_basis="not_sought", consent_detail="Asking puts her at risk."
    )
    sent = post(portal, f"/derbyshire/families/{family_id}/referral", data)
    request_id = int(sent.headers["location"].split("?")[0].rsplit("/", 1)[1])
    tom = user_id(portal, "tom.ridgeway")
    as_user(portal, "derbyshire.sp")
    assert triage(portal, request_id, "advice", detail="Try the course.").status_code == 303

    [note] = rows_for(portal, tom)
    assert note["family_id"] == family_id
    assert note["detail"] == "Outcome: Starting Point gave information and advice: Try the course."
    [email] = emails_to(portal, tom)
    assert "Ruby" not in email["body"] and "Try the course" not in email["body"]
    as_user(portal, "derbyshire.school")
    cell = cell_of(portal.client.get("/notifications").text, note["id"])
    assert "A request you sent to Starting Point has an outcome" in cell
    assert "Family: Ruby Hollins" in cell
    assert "Starting Point gave information and advice: Try the course." in cell


# Item 7: the referrer's confirmation panel and clock; the MAT page names the child ------------


def test_the_referrer_sees_a_confirmation_panel_then_the_24_hour_clock(
    portal: Portal, clock: Clock
) -> None:
    as_user(portal, "derbyshire.school")
    family_id = create_family(
        portal, place="derbyshire:erewash", postcode="DE7 5RG", given="Ruby", family="Hollins"
    )
    child = portal.run(Person.select(Person.id).where(Person.family == family_id).first().run)
    assert child is not None
    data = referral(int(child["id"]), consent_basis="not_sought", consent_detail="At risk.")
    sent = post(portal, f"/derbyshire/families/{family_id}/referral", data)
    assert sent.status_code == 303
    location = sent.headers["location"]
    request_id = int(re.fullmatch(r"/derbyshire/requests/(\d+)\?sent=1", location)[1])  # type: ignore[index]

    panel = portal.client.get(location).text
    assert 'class="govuk-panel govuk-panel--confirmation" id="referral-sent"' in panel
    assert "Referral sent to Starting Point" in panel and f"Request {request_id}" in panel
    assert "What happens next" in panel
    assert "by <strong>17 November 2026 at 9am</strong>" in panel  # T0 + 24 hours
    # Only just after sending, and only for the referrer.
    assert "Referral sent to Starting Point" not in portal.client.get(location.split("?")[0]).text
    mine = portal.client.get("/derbyshire/requests").text
    assert "Not yet: due by 17 November 2026 at 9am" in mine
    as_user(portal, "derbyshire.sp")
    assert "Referral sent to Starting Point" not in portal.client.get(location).text

    # Starting Point makes an Initial Contact an hour later: the clock starts.
    clock.advance(hours=1)
    assert triage(portal, request_id, "initial_contact").status_code == 303
    clock.advance(hours=3)
    as_user(portal, "derbyshire.school")
    mine = portal.client.get("/derbyshire/requests").text
    assert "Screening decision due 17 November 2026 at 10am" in mine
    assert "On time" in mine and "21 hours left" in mine
    assert '<script type="module" src="/derbyshire/static/clock.js">' in mine
    record = portal.client.get(f"/families/{family_id}").text  # Derbyshire's card
    assert (
        f"Request {request_id}: Initial Contact: screening</a>. "
        "Screening decision due 17 November 2026 at 10am"
    ) in record
    area_page = portal.client.get(f"/derbyshire/families/{family_id}").text
    assert "Screening decision due 17 November 2026 at 10am" in area_page
    again = portal.client.get(location).text  # the panel, revisited: what is due now
    assert "A Senior Practitioner will decide what the child needs by" in again


def test_the_mat_support_request_page_names_the_child(derby: Portal) -> None:  # noqa: F811
    post_staff(derby)
    as_user(derby, "derby.school")
    family_id = create_family(derby, given="Rosalind", family="Featherstonehaugh")
    url = create_pre(derby, family_id, child_of(derby, family_id))
    asked = post(
        derby,
        url + "/support",
        {
            "support_consent": "yes",
            "support_consent_by": "Sarah, mother",
            "support_request": "A morning routine group",
        },
    )
    assert asked.status_code == 303
    pre_id = int(url.rsplit("/", 1)[1])
    as_user(derby, "derby.mat")
    page = derby.client.get(f"/derby/support-requests/{pre_id}").text
    assert re.search(r'id="support-child">\s*Rosalind Featherstonehaugh\s*<', page)


def test_naming_families_takes_the_same_few_statements_however_many(portal: Portal) -> None:
    """No statement per notification or family (and none for a list without families)."""
    as_user(portal, "derby.school")
    me = user_id(portal, "hannah.ashworth")

    def tell(key: str, family_id: int | None) -> None:
        made = portal.run(
            lambda: notify(me, "test", f"About {key}", "/notifications", key, family_id=family_id)
        )
        assert made

    def statements() -> QueryLog:
        portal.client.get("/notifications")  # the session's last-seen time, not counted
        with counting_queries(portal.app.state.engine) as log:
            assert portal.client.get("/notifications").status_code == 200
        return log

    tell("plain", None)
    plain = statements()
    assert not any("person" in s for s in plain.statements), str(plain)
    tell("first", create_family(portal, given="Aldous", family="Brackenbury"))
    one = statements()
    assert one.count == plain.count + 2, str(one)  # the families (and why), their people
    for n, given in enumerate(("Beatrix", "Cuthbert", "Delphine")):
        tell(f"more-{n}", create_family(portal, given=given, family="Brackenbury"))
    many = statements()
    assert many.count == one.count, str(many)
    assert "Delphine Brackenbury" in portal.client.get("/notifications").text
