"""Area inboxes and teams on both databases, with the Testshire area plugin:
a queue entry opens the family's record to the people who work it (a role,
within a team if it names one, or the person it is assigned to) only while it
is open and never across areas; teams never cross areas; and the area's
managers staff its teams on the Teams pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.teams import service as teams
from portal.teams.tables import TeamMember
from tests.integration.conftest import clean_tables
from tests.integration.test_meetings import MANAGER, ROLE_MAP
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post, user_id

CLERK = "derby.spa"  # Grace Whitfield, testshire.spa_clerk
OTHER_CLERK = "derby.lighthouse"  # Ellis Marsh, testshire.spa_clerk too
TEAM_PAGE = "/teams/testshire/members?team=team:upper"


@pytest.fixture
def area(portal_factory: Callable[..., Portal], with_testshire: Any) -> Portal:
    portal = portal_factory(
        plugins=with_testshire, PORTAL_AREAS="derbyshire,testshire", PORTAL_ROLE_MAP=ROLE_MAP
    )
    portal.run(clean_tables)
    return portal


def signed_up(portal: Portal, *usernames: str) -> None:
    """Sign each in once, so each has an account (and a user id)."""
    for username in usernames:
        as_user(portal, username)


def family_in_testshire(portal: Portal) -> int:
    as_user(portal, "derby.school")
    return create_family(portal, place="testshire:upper")


def place(portal: Portal, family_id: int, **kwargs: Any) -> int:
    async def run() -> int:
        return await teams.place(
            family_id, "testshire", "spa:upper", kind="testshire_request", record_id=1, **kwargs
        )

    return portal.run(run)


def status(portal: Portal, username: str, family_id: int) -> int:
    as_user(portal, username)
    return int(portal.client.get(f"/families/{family_id}").status_code)


def add_member(portal: Portal, team: str, uid: int, role: str = "") -> int:
    async def run() -> int:
        return await teams.add_team_member(None, "testshire", team, uid, role)

    return portal.run(run)


def test_an_entry_for_a_role_in_a_team_opens_the_record_to_that_team_while_open(
    area: Portal,
) -> None:
    signed_up(area, CLERK, OTHER_CLERK)
    family_id = family_in_testshire(area)
    entry = place(area, family_id, roles=("testshire.spa_clerk",), team="spa:upper")
    assert status(area, CLERK, family_id) == 403  # the role, but not posted to the team
    add_member(area, "spa:upper", user_id(area, "grace.whitfield"))
    assert status(area, CLERK, family_id) == 200
    assert status(area, OTHER_CLERK, family_id) == 403  # same role, another team
    assert status(area, "derby.health", family_id) == 403  # neither role nor team
    area.run(teams.close, entry)
    area.run(teams.close, entry)  # closing twice is harmless
    assert status(area, CLERK, family_id) == 403
    closed = area.run(AuditEvent.count().where(AuditEvent.action == "queue_closed").run)
    assert closed == 1


def test_an_entry_for_a_role_alone_opens_the_record_to_every_holder(area: Portal) -> None:
    family_id = family_in_testshire(area)
    place(area, family_id, roles=("testshire.spa_clerk",))
    assert status(area, CLERK, family_id) == 200
    assert status(area, OTHER_CLERK, family_id) == 200
    assert status(area, "derbyshire.vcm", family_id) == 404  # roles never cross areas


def test_an_entry_assigned_to_one_person_opens_the_record_to_them_only(area: Portal) -> None:
    signed_up(area, "derby.health", "derbyshire.manager")
    family_id = family_in_testshire(area)
    entry = place(area, family_id, assigned_to=user_id(area, "samuel.okafor"))
    assert status(area, "derby.health", family_id) == 200
    assert status(area, CLERK, family_id) == 403
    area.run(teams.close, entry)
    assert status(area, "derby.health", family_id) == 403
    # assigned to someone in another area: the family still does not exist for them
    place(area, family_id, assigned_to=user_id(area, "daniel.hartwell"))
    assert status(area, "derbyshire.manager", family_id) == 404


def test_an_entry_needs_someone_to_work_it(area: Portal) -> None:
    family_id = family_in_testshire(area)
    with pytest.raises(ValueError):
        place(area, family_id)


def test_teams_never_cross_areas(area: Portal) -> None:
    signed_up(area, "derbyshire.eht", CLERK)
    with pytest.raises(ValueError):
        add_member(area, "team:upper", user_id(area, "rachel.oduya"))
    first = add_member(area, "team:upper", user_id(area, "grace.whitfield"))
    assert add_member(area, "team:upper", user_id(area, "grace.whitfield")) == first
    assert area.run(TeamMember.count().run) == 1

    grace = user_id(area, "grace.whitfield")
    assert area.run(teams.teams_of, grace, "testshire") == {"team:upper"}
    assert area.run(teams.teams_of, grace, "derbyshire") == set()


# The Teams pages ------------------------------------------------------------------


def test_the_areas_manager_adds_and_removes_team_members(area: Portal) -> None:
    signed_up(area, "derby.mat", "derbyshire.eht")
    priya = user_id(area, "priya.chandran")
    as_user(area, MANAGER)
    home = area.client.get("/").text
    assert 'href="/teams"' in home
    listing = area.client.get("/teams")
    assert listing.status_code == 200
    check_page(listing.text, "/teams")
    assert "Upper Testing Team" in listing.text and "Upper Testing inbox" in listing.text
    assert 'href="/teams/testshire/members?team=team%3Aupper"' in listing.text
    page = area.client.get(TEAM_PAGE)
    assert page.status_code == 200
    check_page(page.text, "team")
    found = area.client.get(TEAM_PAGE + "&q=chandran")
    check_page(found.text, "team search")
    assert f'value="{priya}"' in found.text and "Youth worker" in found.text
    assert "Rachel" not in area.client.get(TEAM_PAGE + "&q=oduya").text  # another area's
    url = "/teams/testshire/members"
    bad = post(
        area, url, {"team": "team:upper", "q": "chandran", "user": str(priya), "role": "Chef"}
    )
    assert bad.status_code == 422
    check_page(bad.text, "team (errors)")
    assert "Select what they do in the team" in bad.text
    data = {"team": "team:upper", "q": "chandran", "user": str(priya), "role": "Youth worker"}
    added = post(area, url, data)
    assert added.status_code == 303
    assert added.headers["location"] == "/teams/testshire/members?team=team:upper#members"
    assert post(area, url, data).status_code == 303  # a double click adds once
    [member] = area.run(TeamMember.select().run)
    assert (member["user"], member["team"], member["role"]) == (priya, "team:upper", "Youth worker")
    members = area.client.get(TEAM_PAGE).text
    assert "Priya Chandran" in members and "Youth worker" in members
    # a team without set roles takes free text
    inbox = {"team": "spa:upper", "q": "chandran", "user": str(priya), "role": "Cover clerk"}
    assert post(area, url, inbox).status_code == 303
    removed = post(area, f"{url}/{member['id']}/remove", {"team": "team:upper"})
    assert removed.status_code == 303
    rows = area.run(TeamMember.select().where(TeamMember.id == member["id"]).run)
    assert rows[0]["removed_at"] is not None
    for action in ("team_member_added", "team_member_removed", "team_viewed"):
        assert area.run(AuditEvent.count().where(AuditEvent.action == action).run) >= 1, action


def test_only_the_areas_managers_staff_its_teams(area: Portal) -> None:
    signed_up(area, "derby.mat")
    priya = user_id(area, "priya.chandran")
    member = add_member(area, "team:upper", priya, "Youth worker")
    add = {"team": "team:upper", "q": "chandran", "user": str(priya), "role": "Youth worker"}
    remove = f"/teams/testshire/members/{member}/remove"
    as_user(area, "derby.vcm")  # a chair in the area, not a manager
    assert 'href="/teams"' not in area.client.get("/").text
    assert area.client.get("/teams").status_code == 403
    assert area.client.get(TEAM_PAGE).status_code == 403
    assert post(area, "/teams/testshire/members", add).status_code == 403
    assert post(area, remove, {"team": "team:upper"}).status_code == 403
    as_user(area, "derbyshire.manager")  # manages another area
    assert "Upper Testing" not in area.client.get("/teams").text
    assert area.client.get(TEAM_PAGE).status_code == 404
    assert post(area, remove, {"team": "team:upper"}).status_code == 404
    as_user(area, MANAGER)
    assert area.client.get("/teams/testshire/members?team=no:such").status_code == 404
    assert area.client.get("/teams/derbyshire/members?team=team:upper").status_code == 404
    rows = area.run(TeamMember.select().run)
    assert len(rows) == 1 and rows[0]["removed_at"] is None
