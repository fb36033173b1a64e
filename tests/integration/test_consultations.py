"""Consultations with an area's advice line, a core capability both areas use:
recorded from the family's record, significant harm straight to the referral
route, one row per submitted form, refused under emergency access, in the
information request, and the areas' old tables copied in by their migrations."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime
from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.consultations.tables import Consultation
from portal.families.tables import Family, Person
from tests.integration.test_emergency_access import break_glass
from tests.support.families import date_fields
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post

DERBY_LINE = "Children&#39;s Services Professional Consultation Line"
DERBYSHIRE_LINE = "Starting Point Consultation and Advice Service"


def consultation_form(**extra: Any) -> dict[str, Any]:
    return {
        "form_key": "c1",
        "adviser_name": "Duty team manager",
        "question": "Is this a case for the Multi-Agency Team?",
        "advice": "Complete an Early Help Assessment and send it to the VCM",
        "significant_harm": "no",
        **date_fields("consulted_on", date(2026, 11, 2)),
        **extra,
    }


@pytest.mark.parametrize(
    ("username", "place", "postcode", "line", "front_door"),
    [
        ("derby.school", "derby:north", "DE22 1HF", DERBY_LINE, "Initial Response Team"),
        ("derbyshire.school", "derbyshire:erewash", "DE7 5RG", DERBYSHIRE_LINE, "Starting Point"),
    ],
)
def test_each_area_records_calls_to_its_own_line_from_the_record(
    portal: Portal, username: str, place: str, postcode: str, line: str, front_door: str
) -> None:
    as_user(portal, username)
    family_id = create_family(portal, place=place, postcode=postcode)
    record = portal.client.get(f"/families/{family_id}").text
    assert 'id="advice-heading">Advice and consultations' in record and line in record
    assert "No consultation has been recorded." in record
    assert f'href="/families/{family_id}/consultations/new"' in record

    form_page = portal.client.get(f"/families/{family_id}/consultations/new")
    assert form_page.status_code == 200 and line in form_page.text
    assert f"Yes: refer to {front_door}" in form_page.text

    missing = post(
        portal,
        f"/families/{family_id}/consultations",
        consultation_form(advice="", **date_fields("consulted_on", None)),
    )
    assert missing.status_code == 422
    assert "Enter the advice you were given" in missing.text
    assert "Enter the date you called" in missing.text
    assert "Is this a case for the Multi-Agency Team?" in missing.text  # what was typed stays
    check_page(missing.text, "consultation with errors")

    calm = post(portal, f"/families/{family_id}/consultations", consultation_form())
    assert calm.status_code == 303 and calm.headers["location"] == f"/families/{family_id}#advice"
    again = post(portal, f"/families/{family_id}/consultations", consultation_form())
    assert again.status_code == 303  # the same form twice is one consultation
    harm = post(
        portal,
        f"/families/{family_id}/consultations",
        consultation_form(form_key="c2", significant_harm="yes", advice="Refer now"),
    )
    assert harm.status_code == 303
    assert harm.headers["location"] == f"/families/{family_id}/escalate"

    rows = portal.run(Consultation.select().order_by(Consultation.id).run)
    assert [(r["family"], r["significant_harm"]) for r in rows] == [
        (family_id, False),
        (family_id, True),
    ]
    assert rows[0]["line"] == line.replace("&#39;", "'")
    assert rows[0]["consulted_on"] == date(2026, 11, 2)
    record = portal.client.get(f"/families/{family_id}").text
    assert "Complete an Early Help Assessment and send it to the VCM" in record
    assert "Advised to refer" in record
    events = portal.run(
        AuditEvent.select(AuditEvent.family_id)
        .where(AuditEvent.action == "consultation_recorded")
        .run
    )
    assert [e["family_id"] for e in events] == [family_id, family_id]


def test_a_future_date_and_emergency_access_are_refused(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    future = post(
        portal,
        f"/families/{family_id}/consultations",
        consultation_form(**date_fields("consulted_on", date(2099, 1, 1))),
    )
    assert future.status_code == 422
    as_user(portal, "derby.health")
    break_glass(portal, family_id)
    record = portal.client.get(f"/families/{family_id}").text
    assert f'href="/families/{family_id}/consultations/new"' not in record
    assert portal.client.get(f"/families/{family_id}/consultations/new").status_code == 403
    refused = post(portal, f"/families/{family_id}/consultations", consultation_form())
    assert refused.status_code == 403
    assert portal.run(Consultation.count().run) == 0


def test_an_information_request_includes_the_consultations(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    post(portal, f"/families/{family_id}/consultations", consultation_form())
    child = portal.run(Person.select(Person.id).where(Person.family == family_id).first().run)
    assert child is not None
    as_user(portal, "derby.manager")
    review = portal.client.get(f"/information-requests/people/{child['id']}")
    assert review.status_code == 200
    assert "Consultations with the advice line" in review.text
    assert "Complete an Early Help Assessment and send it to the VCM" in review.text


OLD_TABLES = {
    "derby": """CREATE TABLE derby_consultation (
        id serial PRIMARY KEY, family integer NOT NULL REFERENCES family(id),
        consulted_on date, spoke_to varchar(200) DEFAULT '', question text DEFAULT '',
        advice text DEFAULT '', significant_harm boolean DEFAULT false,
        recorded_by integer REFERENCES portal_user(id), recorded_at timestamptz,
        idempotency_key varchar(64) UNIQUE)""",
    "derbyshire": """CREATE TABLE derbyshire_consultation (
        id serial PRIMARY KEY, family integer NOT NULL REFERENCES family(id),
        recorded_by integer NOT NULL REFERENCES portal_user(id), consulted_on timestamptz,
        adviser_name varchar(200) DEFAULT '', question text, advice text,
        significant_harm boolean DEFAULT false, recorded_at timestamptz,
        idempotency_key varchar(64) UNIQUE)""",
}


def test_the_areas_migrations_copy_their_old_consultations_into_the_core(portal: Portal) -> None:
    """What an existing database held in each area's own table survives the move."""
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    user = portal.run(Family.select(Family.created_by).where(Family.id == family_id).first().run)
    assert user is not None
    recorder = user["created_by"]
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 1 July in the UK
    inserts = {
        "derby": (
            "INSERT INTO derby_consultation (family, consulted_on, spoke_to, question, advice,"
            " significant_harm, recorded_by, recorded_at) VALUES"
            " ({}, '2026-07-01', 'Duty manager', 'Q1', 'A1', true, {}, {})"
        ),
        "derbyshire": (
            "INSERT INTO derbyshire_consultation (family, recorded_by, consulted_on,"
            " adviser_name, question, advice, significant_harm, recorded_at) VALUES"
            " ({}, {}, {}, 'Adviser', 'Q2', 'A2', false, {})"
        ),
    }

    async def migrate_old_rows() -> None:
        db = Consultation._meta.db
        for area, create in OLD_TABLES.items():
            await db.run_ddl(f"DROP TABLE IF EXISTS {area}_consultation")
            await db.run_ddl(create)
            if area == "derby":
                await db.run_ddl(inserts[area].format(family_id, recorder, "now()"))
            else:
                stamp = f"'{moment.isoformat()}'"
                await db.run_ddl(inserts[area].format(family_id, recorder, stamp, stamp))
            module = importlib.import_module(
                f"portal_{area}.migrations.{area}_0002_consultations_to_core"
            )
            await db.run_ddl(module.COPY)  # the migration's own statement
            await db.run_ddl(f"DROP TABLE {area}_consultation")

    portal.run(migrate_old_rows)
    rows = portal.run(Consultation.select().order_by(Consultation.id).run)
    assert [(r["question"], r["adviser_name"], r["significant_harm"]) for r in rows] == [
        ("Q1", "Duty manager", True),
        ("Q2", "Adviser", False),
    ]
    assert rows[0]["line"] == "Children's Services Professional Consultation Line"
    assert rows[1]["line"] == "Starting Point Consultation and Advice Service"
    assert [r["consulted_on"] for r in rows] == [date(2026, 7, 1), date(2026, 7, 1)]
    assert all(r["family"] == family_id and r["recorded_by"] == recorder for r in rows)
