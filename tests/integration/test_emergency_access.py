"""Emergency access (break-glass) stays emergency access: it reads, it never
changes the record, it never turns into lead access, and asking twice makes
one grant (issue 22, findings 1, 2 and 8)."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.handlers import HTTPRouteHandler

from portal.access import service as access
from portal.access.tables import BreakGlassGrant
from portal.audit.tables import AuditEvent
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.families.tables import Family
from portal.lead.tables import LeadTransfer
from portal.tables import CORE_TABLES
from tests.integration.test_family_security import BREAK_GLASS, fill
from tests.support.portal import Portal, as_user, create_family, post


def break_glass(portal: Portal, family_id: int) -> None:
    response = post(
        portal, f"/families/{family_id}/break-glass", {"reason": "Duty cover: urgent call"}
    )
    assert response.status_code == 303, response.text


def lead_of(portal: Portal, family_id: int) -> Any:
    row = portal.run(
        Family.select(Family.lead_practitioner).where(Family.id == family_id).first().run
    )
    assert row is not None
    return row["lead_practitioner"]


def test_emergency_access_cannot_take_the_lead_and_ends_with_its_review(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    assert lead_of(portal, family_id) is None
    for username in ("derby.health", "derby.auditor", "derby.spa", "derby.mat"):
        as_user(portal, username)
        if portal.client.get(f"/families/{family_id}").status_code != 403:
            continue  # an area role with its own reason (none of these here)
        break_glass(portal, family_id)
        record = portal.client.get(f"/families/{family_id}")
        assert record.status_code == 200 and "read-only" in record.text
        # the record offers no change it would refuse
        for change in (
            "/lead/take",
            "/household",
            "/people/new",
            "/consent/new",
            "/move",
            "/consultations/new",
            "/vcm/new",  # the area's card offers no change either
        ):
            assert f'/families/{family_id}{change}"' not in record.text, change
        taken = post(portal, f"/families/{family_id}/lead/take", {})
        assert taken.status_code == 403, (username, taken.status_code)
        assert "Emergency access does not allow changes" in taken.text
        assert lead_of(portal, family_id) is None, username
    as_user(portal, "derby.manager")
    for grant in portal.run(BreakGlassGrant.select(BreakGlassGrant.id).run):
        post(
            portal,
            f"/access/break-glass/{grant['id']}",
            {"outcome": "not_justified", "note": "Not an emergency"},
        )
    as_user(portal, "derby.health")
    assert portal.client.get(f"/families/{family_id}").status_code == 403
    refusals = portal.run(
        AuditEvent.select(AuditEvent.id)
        .where((AuditEvent.action == "family_changed") & (AuditEvent.outcome == "refused"))
        .run
    )
    assert len(refusals) >= 1


def test_emergency_access_cannot_propose_a_lead(portal: Portal) -> None:
    portal.sign_in("derby.mat")  # known to the portal, so they could be proposed
    as_user(portal, "derby.school")
    family_id = create_family(portal)
    as_user(portal, "derby.lighthouse")
    break_glass(portal, family_id)
    assert portal.client.get(f"/families/{family_id}/lead/transfer").status_code == 403
    proposed = post(
        portal,
        f"/families/{family_id}/lead/transfer",
        {"email": "priya.chandran@derby-city-demo.example", "reason": "She knows the family"},
    )
    assert proposed.status_code == 403
    assert portal.run(LeadTransfer.count().run) == 0


def change_routes(portal: Portal) -> list[str]:
    """Every unsafe route of a family's record, core and area plugins alike."""
    paths: list[str] = []
    for route in portal.app.routes:
        if "{family_id:int}" not in route.path or route.path == BREAK_GLASS:
            continue
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler) and handler.http_methods - {
                "GET",
                "HEAD",
                "OPTIONS",
            }:
                paths.append(route.path)
    return sorted(set(paths))


async def row_counts() -> dict[str, int]:
    return {t._meta.tablename: await t.count() for t in CORE_TABLES if t is not AuditEvent}


def test_every_change_route_refuses_emergency_access(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    as_user(portal, "derby.health")
    break_glass(portal, family_id)
    before = portal.run(row_counts)
    family_before = portal.run(Family.select().where(Family.id == family_id).first().run)
    routes = change_routes(portal)
    assert len(routes) >= 30, routes
    assert any(path.startswith("/derby/") for path in routes)
    data = {"reason": "x", "given_names": "Changed", "answer": "accept", "form_key": "k1"}
    for path in routes:
        response = post(portal, fill(path, family_id), data)
        # Derbyshire's own pages do not exist for a Derby family
        expected = 404 if path.startswith("/derbyshire/") else 403
        assert response.status_code == expected, (path, response.status_code)
    assert portal.run(row_counts) == before
    assert portal.run(Family.select().where(Family.id == family_id).first().run) == family_before


def test_parallel_emergency_access_requests_make_one_grant(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    as_user(portal, "derby.health")
    row = portal.run(PortalUser.objects().get(PortalUser.email.like("samuel.okafor%")).run)
    assert row is not None
    user = current_user_from(row)

    async def ask_twenty_times() -> set[int]:
        grants = await asyncio.gather(
            *(access.break_glass(user, family_id, "Duty cover: urgent call") for _ in range(20))
        )
        return {grant.id for grant in grants}

    assert len(portal.run(ask_twenty_times)) == 1
    assert portal.run(BreakGlassGrant.count().run) == 1
