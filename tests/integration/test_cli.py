"""The `portal` command, run as operators run it."""

from __future__ import annotations

import os
import subprocess
import sys

from portal.audit.tables import AuditEvent
from portal.auth.tables import PortalUser
from tests.support.portal import Portal
from tests.support.processes import ROOT, portal_env


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_end_sessions_signs_a_user_out_everywhere(portal: Portal) -> None:
    portal.sign_in("derby.school")
    user = portal.run(PortalUser.select(PortalUser.id).first().run)
    assert user is not None
    user_id = user["id"]
    env = portal_env(
        portal.settings.database_url, portal.settings.oidc_issuer, portal.settings.base_url
    )
    result = run_cli("end-sessions", str(user_id), env=env)
    assert result.returncode == 0, result.stderr
    assert "Ended 1 session(s)." in result.stdout
    assert portal.client.get("/", follow_redirects=False).status_code == 303
    actions = portal.run(AuditEvent.select(AuditEvent.action).run)
    assert {"action": "sessions_ended"} in actions


def test_check_config_names_the_bad_variable(database_url: str, idp_issuer: str) -> None:
    env = portal_env(
        database_url, idp_issuer, "http://127.0.0.1:8000", PORTAL_SESSION_SECRET="too-short"
    )
    result = run_cli("check-config", env=env)
    assert result.returncode == 2
    assert "PORTAL_SESSION_SECRET must be at least 32 characters" in result.stderr


def test_check_config_reports_areas_and_database(database_url: str, idp_issuer: str) -> None:
    env = portal_env(database_url, idp_issuer, "http://127.0.0.1:8000", PORTAL_AREAS="derby")
    result = run_cli("check-config", env=env)
    assert result.returncode == 0, result.stderr
    assert "areas:      Derby City" in result.stdout
    assert "database reachable: yes" in result.stdout
    assert "secret" not in result.stdout.lower()


def test_migrate_is_idempotent(database_url: str) -> None:
    result = run_cli("migrate", env={"PORTAL_DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    assert "No migrations need to be run" in result.stdout


def test_demo_data_covers_every_locality_and_its_near_duplicates_are_found(
    portal: Portal,
) -> None:
    from datetime import date

    from portal.families import matching
    from portal.families.search import find_candidates
    from portal.families.tables import Family
    from portal.plugins import build_plugin_manager, enabled_areas

    env = portal_env(
        portal.settings.database_url, portal.settings.oidc_issuer, portal.settings.base_url
    )
    accounts = str(ROOT / "devidp" / "accounts.json")
    args = ("demo-data", "--accounts", accounts, "--issuer", portal.settings.oidc_issuer)
    first = run_cli(*args, env=env)
    assert first.returncode == 0, first.stderr
    assert "fictional demo families" in first.stdout
    assert "already loaded" in run_cli(*args, env=env).stdout  # a second run adds nothing
    places = {(f["area"], f["locality"]) for f in portal.run(Family.select().run)}
    for area in enabled_areas(build_plugin_manager(("derby", "derbyshire"))):
        assert {(area.slug, loc.slug) for loc in area.localities} <= places
    # A nickname, part of a double-barrelled surname and a swapped day and month:
    query = matching.PersonDetails("Liz", "Jones", date_of_birth=date(2016, 4, 3))
    found = portal.run(find_candidates, query)
    assert [p["given_names"] for p, _, _ in found][:1] == ["Elizabeth"]
    twins = matching.PersonDetails("Jake", "Kowalski", date_of_birth=date(2018, 9, 12))
    assert [p["given_names"] for p, _, _ in portal.run(find_candidates, twins)] == ["Jake"]
    # assessments in several states, so a demo caseload has something due and overdue
    from portal.assessments.tables import Assessment

    states = {
        (a["status"], a["due_on"] < date.today()) for a in portal.run(Assessment.select().run)
    }
    assert {("completed", True), ("in_progress", True), ("in_progress", False)} <= states


def test_rebuild_search_keys_restores_find_before_create(portal: Portal) -> None:
    from datetime import date

    from portal.families import matching
    from portal.families.search import find_candidates
    from portal.families.tables import PersonSearchKey
    from tests.support.portal import create_family

    portal.sign_in("derby.school")
    create_family(portal)
    query = matching.PersonDetails("Beth", "Smith-Jones", date_of_birth=date(2016, 3, 4))
    assert len(portal.run(find_candidates, query)) == 1
    portal.run(PersonSearchKey.delete(force=True).run)
    assert portal.run(find_candidates, query) == []
    env = portal_env(
        portal.settings.database_url, portal.settings.oidc_issuer, portal.settings.base_url
    )
    result = run_cli("rebuild-search-keys", env=env)
    assert result.returncode == 0, result.stderr
    assert "Rebuilt the search keys of 1 people." in result.stdout
    assert len(portal.run(find_candidates, query)) == 1
