"""A third area without a core change: Testshire (tests/support/testshire.py),
a test-only area plugin that implements every hook, has its own table made by
its own migration, and runs the whole portal with no other area enabled: the
record page, reports, an information request and the demo data.

Testshire's people here hold Testshire's own role values (its
``role_claims``), not a PORTAL_ROLE_MAP borrowed from Derby's accounts."""

from __future__ import annotations

import csv
import inspect
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from portal import demo_hookspecs, hookspecs
from portal.audit.tables import AuditEvent
from portal.families.tables import Family, Person
from portal.plugin_api import CurrentUser, FamilyRecord, hookimpl
from portal.plugins import build_demo_manager, build_plugin_manager, installed_area_plugins
from portal.record.cards import CORE_CARDS
from tests.conftest import fresh_postgres_database, in_fresh_loop
from tests.integration.conftest import clean_tables
from tests.support import testshire, testshire_demo
from tests.support.families import date_fields
from tests.support.page_rules import check_page
from tests.support.portal import DEMO_ACCOUNTS, Portal, as_user, create_family, post
from tests.support.processes import portal_env
from tests.support.testshire_app import piccolo_app as testshire_app
from tests.support.testshire_app.migrations import testshire_0001_visits as first_migration
from tests.support.testshire_app.tables import TestshireVisit
from tests.support.testshire_install import install, migrate_with_testshire, portal_command

ONLY_TESTSHIRE = {"testshire": testshire}
TAMSIN = "testshire.worker"  # Tamsin Trial, a Testshire practitioner
MORGAN = "testshire.manager"  # Morgan Probe, Testshire's area manager


def account(username: str, sub: str, given: str, family: str, role: str) -> dict[str, Any]:
    """A fictional Testshire person, as the identity provider describes them."""
    return {
        "username": username,
        "sub": sub,
        "given_name": given,
        "family_name": family,
        "name": f"{given} {family}",
        "email": f"{given.lower()}.{family.lower()}@testshire.example",
        "organisation": "Testshire County Council (fictional)",
        "job_title": "Early help practitioner" if role.endswith("Practitioner") else "Manager",
        "roles": [role],
    }


ACCOUNTS = {
    TAMSIN: account(TAMSIN, "testshire-0001", "Tamsin", "Trial", "Testshire.Practitioner"),
    MORGAN: account(MORGAN, "testshire-0002", "Morgan", "Probe", "Testshire.AreaManager"),
}
VISIT_NOTE = "Saw the family at home: mornings are calmer since the new routine"


@pytest.fixture(autouse=True)
def no_card_requests_yet() -> Iterator[None]:
    testshire.CARD_REQUESTS.clear()
    yield
    testshire.CARD_REQUESTS.clear()


@pytest.fixture
def testshire_people(monkeypatch: pytest.MonkeyPatch) -> None:
    """Testshire's people sign in as the demo accounts do (their claims, as
    the provider would vouch for them)."""
    for username, claims in ACCOUNTS.items():
        monkeypatch.setitem(DEMO_ACCOUNTS, username, claims)


@pytest.fixture
def only_testshire(
    portal_factory: Callable[..., Portal], testshire_migrated: None, testshire_people: None
) -> Portal:
    """The portal with Testshire as its only area, and no role map set."""
    portal = portal_factory(plugins=ONLY_TESTSHIRE, PORTAL_AREAS="testshire")
    portal.run(clean_tables)
    return portal


def visit_form(visited_on: date, note: str, form_key: str = "visit-1") -> dict[str, str]:
    return {**date_fields("visited_on", visited_on), "note": note, "form_key": form_key}


def family_with_a_visit(portal: Portal, visited_on: date) -> int:
    """As Testshire's practitioner: a family in Upper Testing, and a visit
    recorded on Testshire's own page. She stays signed in."""
    portal.sign_in(TAMSIN)
    family_id = create_family(portal, place="testshire:upper", postcode="TE1 1AA")
    form = portal.client.get(f"/testshire/families/{family_id}/visits/new")
    assert form.status_code == 200 and 'name="form_key"' in form.text
    saved = post(
        portal, f"/testshire/families/{family_id}/visits", visit_form(visited_on, VISIT_NOTE)
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/families/{family_id}#visits"
    return family_id


def section_ids(page: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', page)


def spec_names(module: ModuleType) -> set[str]:
    return {
        name
        for name, _ in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("portal_")
    }


def test_testshire_implements_every_hook_of_both_contracts() -> None:
    production = build_plugin_manager(("testshire",), ONLY_TESTSHIRE)
    demo = build_demo_manager(("testshire",), {"testshire": testshire_demo})
    for manager, specs in ((production, hookspecs), (demo, demo_hookspecs)):
        names = spec_names(specs)
        assert names, specs
        for name in names:
            implementations = getattr(manager.hook, name).get_hookimpls()
            assert [i.plugin_name for i in implementations] == ["testshire"], name


# Its table and migration -------------------------------------------------------


def test_testshires_migration_makes_exactly_the_table_it_declares() -> None:
    """Piccolo finds nothing to add: the hand-written migration and the table agree."""
    statements = in_fresh_loop(
        AutoMigrationManager().get_alter_statements(app_config=testshire_app.APP_CONFIG)
    )
    assert [s for each in statements for s in each.statements] == []
    assert testshire.portal_database_app() == "tests.support.testshire_app.piccolo_app"
    assert testshire_app.APP_CONFIG.migration_dependencies == ["portal.piccolo_app"]
    assert TestshireVisit._meta.tablename.startswith("testshire_")


def test_portal_migrate_runs_testshires_migration_once_installed(tmp_path: Path) -> None:
    """On a fresh database migrated without it, `portal migrate` with Testshire
    installed (entry points only, no core change) makes its table by its own
    migration, records it, and has nothing to do the second time."""

    async def table_facts(url: str) -> tuple[list[str], list[str], str | None]:
        connection = await asyncpg.connect(url, timeout=5)
        try:
            columns = await connection.fetch(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = 'testshire_visit' ORDER BY ordinal_position"
            )
            ran = await connection.fetch(
                "SELECT name FROM migration WHERE app_name = 'testshire' ORDER BY id"
            )
            on_delete = await connection.fetchval(
                "SELECT c.confdeltype::text FROM pg_constraint c"
                " JOIN pg_class t ON t.oid = c.conrelid AND t.relname = 'testshire_visit'"
                " JOIN pg_class f ON f.oid = c.confrelid AND f.relname = 'family'"
            )
        finally:
            await connection.close()
        return [c["column_name"] for c in columns], [r["name"] for r in ran], on_delete

    with fresh_postgres_database("portal_testshire") as url:
        assert in_fresh_loop(table_facts(url)) == ([], [], None)  # not installed: no table
        first = migrate_with_testshire(url, tmp_path)
        assert first.returncode == 0, first.stdout + first.stderr
        columns, ran, on_delete = in_fresh_loop(table_facts(url))
        assert columns == [
            "id",
            "family",
            "visited_on",
            "note",
            "recorded_by",
            "recorded_at",
            "idempotency_key",
        ]
        assert ran == [first_migration.ID]
        assert on_delete == "c"  # a family's visits go with it (retention disposes of both)
        again = migrate_with_testshire(url, tmp_path)
        assert again.returncode == 0 and "No migrations need to be run" in again.stdout


# The record page ----------------------------------------------------------------


def test_a_testshire_family_shows_the_core_cards_and_testshires_own(only_testshire: Portal) -> None:
    portal = only_testshire
    family_id = family_with_a_visit(portal, date.today() - timedelta(days=3))
    home = portal.client.get("/").text
    assert 'href="/testshire/"' in home and "Testshire Front Door" in home
    assert 'href="/derby/"' not in home and "Derby City" not in home  # the only area enabled

    page = portal.client.get(f"/families/{family_id}")
    assert page.status_code == 200
    text = page.text
    # the core's cards answer for a Testshire family as for any other ...
    assert "Worried about significant harm?" in text  # the escalation banner
    for title in ("Advice and consultations", "Early Help Assessment", "Team Around the Family"):
        assert f">{title}</h2>" in text, title
    assert "Testshire Advice Line" in text  # the consultations card reads the area's line
    # ... and Testshire's, from its own table, in the place its order gives it
    assert '<h2 class="govuk-heading-m" id="visits-heading">Visits in Testshire</h2>' in text
    assert VISIT_NOTE in text and "Tamsin Trial" in text
    visited = date.today() - timedelta(days=3)
    assert f"{visited.day} {visited:%B %Y}" in text
    assert "1 visit recorded" in text
    assert f'href="/testshire/families/{family_id}/visits/new"' in text
    ids = section_ids(text)
    assert ids.index("visits") < ids.index("advice") < ids.index("assessment") < ids.index("taf")
    assert [family_id] == testshire.CARD_REQUESTS

    # Testshire's own page keeps the core's form rules: errors shown, one row per form
    bad = post(portal, f"/testshire/families/{family_id}/visits", visit_form(date.today(), ""))
    assert bad.status_code == 422 and "Enter what happened at the visit" in bad.text
    check_page(bad.text, "POST testshire visit (422)")
    again = post(
        portal,
        f"/testshire/families/{family_id}/visits",
        visit_form(date.today() - timedelta(days=3), VISIT_NOTE),
    )
    assert again.status_code == 303  # the same form sent twice
    rows = portal.run(TestshireVisit.select().run)
    assert [(r["family"], r["note"]) for r in rows] == [(family_id, VISIT_NOTE)]
    events = portal.run(
        AuditEvent.select(AuditEvent.family_id, AuditEvent.record_id)
        .where(AuditEvent.action == testshire.VISIT_RECORDED)
        .run
    )
    assert events == [{"family_id": family_id, "record_id": str(rows[0]["id"])}]


class CardTracer:
    """A hook wrapper, as a monitoring plugin would add: it sees each card call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []  # area, family, how many cards answered

    @hookimpl(wrapper=True)
    def portal_family_card(self, family: FamilyRecord, user: CurrentUser) -> Any:
        answers: list[Any] = yield
        self.calls.append((str(family.area), int(family.id), len(answers)))
        return answers


def test_testshires_card_is_only_for_its_own_families(
    portal_factory: Callable[..., Portal], testshire_migrated: None, testshire_people: None
) -> None:
    portal = portal_factory(
        plugins={**installed_area_plugins(), **ONLY_TESTSHIRE}, PORTAL_AREAS="derby,testshire"
    )
    portal.run(clean_tables)
    tracer = CardTracer()
    portal.app.state.plugin_manager.register(tracer, name="tracer")
    portal.sign_in("derby.school")  # a Derby practitioner, by Derby's own role values
    derby_family = create_family(portal)
    derby_page = portal.client.get(f"/families/{derby_family}").text
    assert "Early help in Derby" in derby_page
    assert "Visits in Testshire" not in derby_page and 'id="visits"' not in derby_page
    assert testshire.CARD_REQUESTS == []  # Testshire was never asked about a Derby family

    as_user(portal, TAMSIN)
    testshire_family = family_with_a_visit(portal, date.today())
    page = portal.client.get(f"/families/{testshire_family}").text
    assert "Visits in Testshire" in page and VISIT_NOTE in page
    assert "Early help in Derby" not in page
    assert [testshire_family] == testshire.CARD_REQUESTS
    one_area = len(CORE_CARDS) + 1  # the core's cards, and the family's own area's
    assert tracer.calls == [
        ("derby", derby_family, one_area),
        ("testshire", testshire_family, one_area),
    ]


# Reports ---------------------------------------------------------------------------


def report_query(start: date, end: date, locality: str = "") -> str:
    fields = {
        "area": "testshire",
        "locality": locality,
        **date_fields("start", start),
        **date_fields("end", end),
    }
    return "&".join(f"{key}={value}" for key, value in fields.items())


def measure_rows(portal: Portal, query: str) -> dict[str, str]:
    response = portal.client.get(f"/reports/testshire-visits.csv?{query}")
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["Measure"] for r in rows} == {"Visits to families in Testshire"}
    return {r["Row"]: r["Value"] for r in rows}


def test_a_testshire_manager_sees_testshires_own_measure(only_testshire: Portal) -> None:
    portal = only_testshire
    visited = date.today() - timedelta(days=10)
    family_with_a_visit(portal, visited)
    assert portal.client.get("/reports").status_code == 403  # a practitioner has no report
    as_user(portal, MORGAN)

    page = portal.client.get("/reports")  # the last 3 months, Testshire the only area
    assert page.status_code == 200
    assert "Visits to families in Testshire" in page.text
    assert "Visits made in the period, by the family&#39;s locality." in page.text
    assert "Open episodes by locality" in page.text  # the core's figures, for Testshire too

    # counted by the visit's date, per query period and locality
    around = report_query(visited - timedelta(days=1), date.today())
    assert measure_rows(portal, around) == {"Upper Testing": "1", "Lower Testing": "0"}
    before = report_query(visited - timedelta(days=30), visited - timedelta(days=1))
    assert measure_rows(portal, before) == {"Upper Testing": "0", "Lower Testing": "0"}
    on_the_day = report_query(visited, visited)
    assert measure_rows(portal, on_the_day) == {"Upper Testing": "1", "Lower Testing": "0"}
    assert measure_rows(portal, report_query(visited, visited, "lower")) == {"Lower Testing": "0"}
    assert portal.client.get("/reports?area=derby").status_code == 404  # not enabled


# Information requests ----------------------------------------------------------------


def test_an_information_request_includes_testshires_visits(only_testshire: Portal) -> None:
    portal = only_testshire
    visited = date.today() - timedelta(days=5)
    family_id = family_with_a_visit(portal, visited)
    as_user(portal, MORGAN)
    child = portal.run(Person.select(Person.id).where(Person.family == family_id).first().run)
    assert child is not None
    person = int(child["id"])

    people = portal.client.get(f"/information-requests/families/{family_id}")
    assert f'href="/information-requests/people/{person}"' in people.text
    review = portal.client.get(f"/information-requests/people/{person}")
    assert review.status_code == 200
    assert "Testshire visits" in review.text and VISIT_NOTE in review.text

    exported = portal.client.get(f"/information-requests/people/{person}/export.json")
    assert exported.status_code == 200
    data = json.loads(exported.content)
    assert data["subject"]["area"] == "testshire"
    titles = [s["title"] for s in data["sections"]]
    assert "Consent" in titles and titles[-1] == "Who accessed the family's record"
    assert titles.index("Testshire visits") == len(titles) - 2  # the area's, after the core's
    [visits] = [s for s in data["sections"] if s["title"] == "Testshire visits"]
    [item] = visits["items"]
    assert item["heading"] == f"Visit on {visited.day} {visited:%B %Y}"
    assert {"label": "Note", "value": VISIT_NOTE} in item["fields"]
    assert item["recorded"].startswith("Recorded by Tamsin Trial on ")
    pdf = portal.client.get(f"/information-requests/people/{person}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


# Demo data -------------------------------------------------------------------------------


def test_demo_data_loads_with_only_testshire_enabled(
    only_testshire: Portal, tmp_path: Path
) -> None:
    portal = only_testshire
    accounts = tmp_path / "accounts.json"
    accounts.write_text(json.dumps(list(ACCOUNTS.values())))
    env = {
        **portal_env(
            portal.settings.database_url,
            portal.settings.oidc_issuer,
            portal.settings.base_url,
            PORTAL_AREAS="testshire",
        ),
        **install(tmp_path / "installed"),
    }
    args = ("demo-data", "--accounts", str(accounts), "--issuer", portal.settings.oidc_issuer)

    first = portal_command(*args, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    families = portal.run(Family.select().run)
    made = re.search(r"Loaded (\d+) fictional demo families\.", first.stdout)
    assert made and int(made.group(1)) == len(families) > 0
    assert {f["area"] for f in families} == {"testshire"}
    assert {f["locality"] for f in families} == {"upper", "lower"}  # every locality
    assert {f["town"] for f in families} == {testshire_demo.DEMO_TOWN}
    assert {f["postcode"] for f in families} <= set(testshire_demo.DEMO_POSTCODES)
    assert f"Loaded {len(families)} testshire demo record(s)." in first.stdout
    visits = portal.run(TestshireVisit.select().run)
    assert sorted(v["family"] for v in visits) == sorted(f["id"] for f in families)

    second = portal_command(*args, env=env)
    assert second.returncode == 0, second.stderr
    assert "Demo families already loaded." in second.stdout
    assert "Loaded 0 testshire demo record(s)." in second.stdout  # a second run adds nothing

    as_user(portal, MORGAN)  # the demo's own manager, by Testshire's role values
    page = portal.client.get(f"/families/{families[0]['id']}")
    assert page.status_code == 200 and testshire_demo.DEMO_NOTE in page.text
