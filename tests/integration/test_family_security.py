"""Family records under attack and under load, on both databases: every
family route refuses strangers and other areas, output is escaped, extra
form fields are ignored, and concurrent saves neither duplicate nor lose."""

from __future__ import annotations

import asyncio
import re
from datetime import date

import pytest
from litestar.handlers import HTTPRouteHandler

from portal.access.tables import BreakGlassGrant
from portal.audit.seals import seal_now
from portal.audit.tables import AuditEvent
from portal.audit.verify import verify_trail
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.families import service
from portal.families.tables import Family, Person
from portal.kernel.errors import StaleVersion
from tests.support.assessments import REQUIRED_SECTIONS, section_form
from tests.support.families import consent_form, date_fields, new_family_form
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post

# Routes a practitioner without a relationship is meant to reach.
BREAK_GLASS = "/families/{family_id:int}/break-glass"


def family_routes(portal: Portal) -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []
    for route in portal.app.routes:
        if "{family_id:int}" not in route.path or route.path == BREAK_GLASS:
            continue
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                routes.extend((m, route.path) for m in handler.http_methods if m in ("GET", "POST"))
    return routes


def fill(path: str, family_id: int) -> str:
    """A real family id; 1 or a section's name for every other parameter."""
    path = path.replace("{family_id:int}", str(family_id))
    return re.sub(r"\{[a-z_]+:str\}", "strengths", re.sub(r"\{[a-z_]+:int\}", "1", path))


def test_every_family_route_refuses_strangers_and_other_areas(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    routes = family_routes(portal)
    assert len(routes) >= 20
    for username, expected_here in (("derby.health", 403), ("derbyshire.manager", 404)):
        as_user(portal, username)
        area = username.split(".")[0]
        for method, path in routes:
            url = fill(path, family_id)
            # another area's own pages do not exist for this user: 404, never a 403
            other_area = path.startswith("/derby") and not path.startswith(f"/{area}/")
            expected = 404 if other_area else expected_here
            if method == "GET":
                response = portal.client.get(url, follow_redirects=False)
            else:
                response = post(portal, url, {"reason": "x", "given_names": "Changed"})
            assert response.status_code == expected, (username, method, url, response.status_code)
            assert "Smith-Jones" not in response.text and "Elizabeth" not in response.text
    person = portal.run(Person.select(Person.given_names).first().run)
    assert person is not None and person["given_names"] == "Elizabeth"


def test_family_pages_keep_the_house_rules(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    post(portal, f"/families/{family_id}/lead/take", {})
    person = portal.run(Person.select(Person.id).first().run)
    assert person is not None
    post(portal, f"/families/{family_id}/consent", consent_form(person["id"], "record"))
    pages = [
        "/families",
        "/families/find",
        "/families/new",
        f"/families/{family_id}",
        f"/families/{family_id}/household",
        f"/families/{family_id}/people/new",
        f"/families/{family_id}/people/{person['id']}",
        f"/families/{family_id}/relationships/new",
        f"/families/{family_id}/move",
        f"/families/{family_id}/consent/new",
        f"/families/{family_id}/sharing/new",
        f"/families/{family_id}/lead/transfer",
        f"/families/{family_id}/lead/disagreement",
    ]
    for path in pages:
        response = portal.client.get(path)
        assert response.status_code == 200, path
        check_page(response.text, path)
    invalid = post(portal, "/families", {"given_names": ""})
    assert invalid.status_code == 422
    check_page(invalid.text, "/families (errors)")
    # the assessment's pages, including a section with errors and the completed views
    post(portal, f"/families/{family_id}/consent", consent_form(person["id"], "assessment"))
    started = post(
        portal,
        f"/families/{family_id}/assessments",
        {"child": str(person["id"]), **date_fields("started_on", date(2026, 11, 2))},
    )
    base = started.headers["location"]
    for slug in REQUIRED_SECTIONS:
        post(portal, f"{base}/sections/{slug}", {**section_form(slug), "base_version": "1"})
    post(portal, f"{base}/complete", {})
    assessment_pages = [
        f"/families/{family_id}/assessments/new",
        base,
        f"{base}/history",
        f"{base}/versions/1",
        f"{base}/print",
    ]
    assessment_pages += [
        f"{base}/sections/{s}" for s in (*REQUIRED_SECTIONS, "signs_of_safety", "appendices")
    ]
    post(portal, f"{base}/changes", {})
    assessment_pages += [f"{base}/sections/{s}" for s in ("vulnerabilities", "appendices")]
    for path in assessment_pages:
        response = portal.client.get(path)
        assert response.status_code == 200, path
        check_page(response.text, path)
    bad = post(
        portal,
        f"{base}/sections/child_voice",
        {"completed": "yes", "base_version": "2", "wishes_feelings": ""},
    )
    assert bad.status_code == 422
    check_page(bad.text, "section (errors)")
    as_user(portal, "derby.manager")
    for path in (f"/families/{family_id}/access-history", "/access/break-glass"):
        response = portal.client.get(path)
        assert response.status_code == 200, path
        check_page(response.text, path)


XSS = '<script>alert("x")</script>'
INERT = '<a hx-get="/auth/logout" hx-trigger="load">x</a>'


def test_what_people_type_is_escaped_and_inert(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal, given=XSS, address_line_2=INERT, other_names=INERT)
    html = portal.client.get(f"/families/{family_id}").text
    assert XSS not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert INERT not in html and 'hx-get="/auth/logout"' not in html


def test_extra_form_fields_cannot_set_owner_area_or_access(portal: Portal) -> None:
    portal.sign_in("derby.school")
    response = post(
        portal,
        "/families",
        new_family_form(
            confirm_new="yes",
            area="derbyshire",
            created_by="999",
            lead_practitioner="1",
            restricted="true",
            status="closed",
            version="77",
        ),
    )
    assert response.status_code == 303
    family = portal.run(Family.select().first().run)
    assert family is not None
    assert family["area"] == "derby" and family["lead_practitioner"] is None
    assert family["status"] == "open" and not family["restricted"] and family["version"] == 1
    me = portal.run(
        PortalUser.select(PortalUser.id).where(PortalUser.email.like("hannah%")).first().run
    )
    assert me is not None and family["created_by"] == me["id"]


def test_a_family_in_another_area_cannot_be_chosen(portal: Portal) -> None:
    portal.sign_in("derby.school")
    response = post(portal, "/families", new_family_form(place="derbyshire:erewash"))
    assert response.status_code == 422
    assert "Select the locality the family lives in" in response.text
    assert portal.run(Family.count().run) == 0


@pytest.mark.parametrize("copies", [25])
def test_parallel_double_submissions_make_one_family(portal: Portal, copies: int) -> None:
    portal.sign_in("derby.school")
    user_row = portal.run(PortalUser.objects().first().run)
    assert user_row is not None
    user = current_user_from(user_row)

    async def submit_all() -> set[int]:
        household = service.HouseholdDetails("derby", "north", "1 Road", "", "Derby", "DE1 1AA")
        child = service.PersonInput("Amelia", "Brackley", "child")
        ids = await asyncio.gather(
            *(service.create_family(user, household, child, "same-key") for _ in range(copies))
        )
        return set(ids)

    assert len(portal.run(submit_all)) == 1
    assert portal.run(Family.count().run) == 1
    assert portal.run(Person.count().run) == 1


def test_concurrent_saves_of_one_version_keep_exactly_one(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    user_row = portal.run(PortalUser.objects().first().run)
    family = portal.run(Family.objects().first().run)
    person = portal.run(Person.objects().first().run)
    assert user_row is not None and family is not None and person is not None
    user = current_user_from(user_row)

    async def save(other_names: str) -> str:
        data = service.PersonInput("Elizabeth", "Smith-Jones", "child", other_names=other_names)
        try:
            await service.update_person(user, family, person.id, person.version, data)
        except StaleVersion:
            return "stale"
        return other_names

    async def race() -> list[str]:
        return list(await asyncio.gather(*(save(f"name {i}") for i in range(10))))

    outcomes = portal.run(race)
    winners = [o for o in outcomes if o != "stale"]
    assert len(winners) == 1
    saved = portal.run(Person.select(Person.other_names, Person.version).first().run)
    assert saved == {"other_names": winners[0], "version": person.version + 1}
    assert family_id == family.id


def keys_of(html: str) -> list[str]:
    return re.findall(r'name="form_key" value="([^"]+)"', html)


def test_each_create_form_carries_a_fresh_one_use_key(portal: Portal) -> None:
    portal.sign_in("derby.school")
    first, second = (keys_of(portal.client.get("/families/new").text) for _ in range(2))
    assert len(first) == len(second) == 1 and first != second


def test_a_fault_half_way_through_a_save_leaves_nothing_half_written(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal.sign_in("derby.school")

    async def disk_fails(*_: object) -> None:
        raise OSError("injected fault after the family and person rows were written")

    monkeypatch.setattr(service, "save_search_keys", disk_fails)
    response = post(portal, "/families", new_family_form(confirm_new="yes"))
    assert response.status_code == 500
    assert "Nothing you were saving has been half-saved" in response.text
    assert "injected fault" not in response.text
    assert portal.run(Family.count().run) == 0
    assert portal.run(Person.count().run) == 0
    created = AuditEvent.count().where(AuditEvent.action.is_in(["family_created", "person_added"]))
    assert portal.run(created.run) == 0
    portal.run(seal_now)
    assert portal.run(verify_trail).intact


def test_ids_from_another_family_or_area_are_not_found(portal: Portal) -> None:
    portal.sign_in("derby.school")
    mine = create_family(portal)
    other = create_family(
        portal, given="Amelia", family="Brackley", born=date(2019, 5, 5), postcode="DE1 3QT"
    )
    theirs = portal.run(Person.select(Person.id).where(Person.family == other).first().run)
    assert theirs is not None
    assert portal.client.get(f"/families/{mine}/people/{theirs['id']}").status_code == 404
    response = post(portal, f"/families/{mine}/people/{theirs['id']}", {"given_names": "X"})
    assert response.status_code == 404
    as_user(portal, "derby.health")
    post(portal, f"/families/{mine}/break-glass", {"reason": "Urgent welfare check today"})
    grant = portal.run(BreakGlassGrant.select(BreakGlassGrant.id).first().run)
    assert grant is not None
    as_user(portal, "derbyshire.manager")  # a manager, but of another area
    review = post(portal, f"/access/break-glass/{grant['id']}", {"outcome": "justified"})
    assert review.status_code == 404
    still_open = portal.run(BreakGlassGrant.select(BreakGlassGrant.reviewed_at).first().run)
    assert still_open is not None and still_open["reviewed_at"] is None
