"""Portal administrators can sign a user out everywhere and disable an account
(SECURITY 12); nobody else can."""

from __future__ import annotations

from portal.audit.tables import AuditEvent
from portal.auth.tables import PortalUser
from tests.support.portal import Portal, as_user, post, user_id
from tests.support.signin import complete_at_idp


def test_only_administrators_reach_the_users_page(portal: Portal) -> None:
    portal.sign_in("derby.manager")
    assert portal.client.get("/admin/users").status_code == 403
    assert post(portal, "/admin/users/1", {"action": "disable"}).status_code == 403
    assert portal.run(PortalUser.count().where(PortalUser.disabled == True).run) == 0  # noqa: E712


def test_an_administrator_signs_a_user_out_and_disables_then_enables_them(
    portal: Portal,
) -> None:
    portal.sign_in("derby.school")
    school_cookies = dict(portal.client.cookies)
    school = user_id(portal, "hannah.ashworth")
    as_user(portal, "portal.admin")
    page = portal.client.get("/admin/users", params={"who": "ashworth"})
    assert page.status_code == 200 and "Hannah Ashworth" in page.text and "Signed in" in page.text
    assert "Samuel Okafor" not in page.text
    assert post(portal, f"/admin/users/{school}", {"action": "sign_out"}).status_code == 303
    admin_cookies = dict(portal.client.cookies)
    portal.client.cookies.clear()
    portal.client.cookies.update(school_cookies)
    assert portal.client.get("/", follow_redirects=False).status_code == 303  # signed out
    portal.client.cookies.clear()
    portal.client.cookies.update(admin_cookies)
    post(portal, f"/admin/users/{school}", {"action": "disable"})
    portal.client.cookies.clear()
    refused = portal.finish_sign_in(complete_at_idp(portal.start_sign_in(), "derby.school"))
    assert refused.status_code == 403
    portal.client.cookies.update(admin_cookies)
    post(portal, f"/admin/users/{school}", {"action": "enable"})
    actions = [e["action"] for e in portal.run(AuditEvent.select(AuditEvent.action).run)]
    assert {"sessions_ended", "user_disable", "user_enable"} <= set(actions)
    as_user(portal, "derby.school")  # can sign in again
