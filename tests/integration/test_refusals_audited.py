"""Every refusal is audited, 404s included, through one core mechanism that
plugin routes get for free; a burst of refusals shows on the area manager's
emergency-access page (issue 22, finding 6)."""

from __future__ import annotations

from portal.audit.tables import AuditEvent
from tests.support.portal import Portal, as_user, create_family


def refusals(portal: Portal, action: str) -> list[dict[str, object]]:
    return portal.run(
        AuditEvent.select(AuditEvent.page, AuditEvent.detail, AuditEvent.actor_label)
        .where((AuditEvent.action == action) & (AuditEvent.outcome == "refused"))
        .run
    )


def test_404s_are_audited_once_on_core_and_plugin_routes(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    as_user(portal, "derbyshire.school")
    for path in (
        f"/derby/families/{family_id}",  # another area's plugin page
        "/information-requests/people/23",
        f"/families/{family_id}/break-glass",
    ):
        assert portal.client.get(path).status_code == 404, path
    paths = {str(r["detail"]) for r in refusals(portal, "not_found")}
    assert len(paths) == 3 and all("path" in p for p in paths)
    # a family of another area: audited by the access check, with its reason, once
    assert portal.client.get(f"/families/{family_id}").status_code == 404
    assert len(refusals(portal, "not_found")) == 3
    assert len(refusals(portal, "family_viewed")) == 1


def test_a_burst_of_refusals_shows_on_the_managers_page(portal: Portal) -> None:
    portal.sign_in("derby.school")
    for family_id in range(100, 121):  # walking ids
        assert portal.client.get(f"/families/{family_id}").status_code == 404
    as_user(portal, "derby.manager")
    page = portal.client.get("/access/break-glass")
    assert page.status_code == 200
    section = page.text[page.text.index('id="refusals"') :]
    assert "Hannah Ashworth" in section and ">21<" in section
    as_user(portal, "derbyshire.manager")  # another area's manager is not shown her
    section = portal.client.get("/access/break-glass").text
    assert "Hannah Ashworth" not in section[section.index('id="refusals"') :]
