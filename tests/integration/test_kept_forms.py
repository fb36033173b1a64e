"""Issue 20, item 1, on the database: a form that arrives after its sender's
session has ended is kept for them (every form, not only the assessment's
sections), shown after they sign in again, and sent on or discarded by them
alone. Without a genuine keep token, nothing is kept."""

from __future__ import annotations

import html
import re
from typing import Any

from portal.audit.tables import AuditEvent
from portal.auth.tables import PortalSession, PortalUser
from portal.families.tables import Family
from portal.kept.service import MOST_KEPT
from portal.kept.tables import KeptForm
from tests.integration.test_closure import close_form, closures
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, user_id

SUMMARY = "Attendance is back above 95%.\nMum says the mornings are calm now & she feels heard."


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name}"
    return html.unescape(match.group(1))


def kept_rows(portal: Portal) -> list[dict[str, Any]]:
    return portal.run(KeptForm.select().order_by(KeptForm.id).run)


def close_page_tokens(portal: Portal, family_id: int) -> dict[str, str]:
    page = portal.client.get(f"/families/{family_id}/close")
    assert page.status_code == 200
    return {
        "_csrf_token": hidden(page.text, "_csrf_token"),
        "_keep_token": hidden(page.text, "_keep_token"),
    }


def time_out(portal: Portal) -> None:
    portal.run(PortalSession.delete(force=True).run)


def test_a_closing_summary_sent_after_a_time_out_is_kept_and_sent_again(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    tokens = close_page_tokens(portal, family_id)
    time_out(portal)
    late = portal.client.post(
        f"/families/{family_id}/close",
        data={**close_form(portal, family_id, summary=SUMMARY), **tokens},
        headers={"referer": f"http://127.0.0.1:8000/families/{family_id}/close"},
        follow_redirects=False,
    )
    [kept] = kept_rows(portal)
    assert late.status_code == 303
    assert late.headers["location"] == f"/login?next=/kept/{kept['id']}"
    assert closures(portal) == []  # nothing acted on for a signed-out request
    assert kept["author"] == user_id(portal, "hannah.ashworth")
    assert kept["action"] == f"/families/{family_id}/close"
    assert "_csrf_token" not in kept["fields"] and "_keep_token" not in kept["fields"]
    [event] = portal.run(AuditEvent.select().where(AuditEvent.action == "form_kept").run)
    assert event["family_id"] == family_id and SUMMARY[:20] not in event["detail"]

    # Signed in again, she reads what she typed and sends it on.
    portal.sign_in("derby.school")
    page = portal.client.get(f"/kept/{kept['id']}")
    assert page.status_code == 200
    check_page(page.text, "kept form")
    assert "You were signed out before your form was sent" in page.text
    assert html.escape(SUMMARY, quote=False) in page.text  # in a textarea, to check
    assert "Needs met" in page.text or "needs_met" in page.text  # the short answer, to read
    assert f'href="/families/{family_id}/close"' in page.text  # the page it was on
    form = re.search(
        r'<form method="post" action="(/families[^"]+)" novalidate>(.*?)</form>', page.text, re.S
    )
    assert form, "no form sending it on"
    action = html.unescape(form[1])
    assert action == f"/families/{family_id}/close?kept_form={kept['id']}"
    hidden_fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[2])
    data: dict[str, list[str]] = {}
    for name, value in hidden_fields:
        data.setdefault(html.unescape(name), []).append(html.unescape(value))
    [typed] = re.findall(r'<textarea [^>]*name="summary"[^>]*>(.*?)</textarea>', form[2], re.S)
    assert html.unescape(typed) == SUMMARY
    data["summary"] = [SUMMARY]
    assert set(data) == {"_csrf_token", "_keep_token", "form_key", "reason", "version", "summary"}
    sent = portal.client.post(action, data=data, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    [closure] = closures(portal)
    assert closure["summary"] == SUMMARY
    assert portal.run(Family.select(Family.status).where(Family.id == family_id).first().run) == {
        "status": "closed"
    }
    assert kept_rows(portal)[0]["closed_at"] is not None
    again = portal.client.get(f"/kept/{kept['id']}")
    assert "This form has been dealt with" in again.text and SUMMARY[:20] not in again.text


def test_without_a_genuine_token_nothing_is_kept(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    tokens = close_page_tokens(portal, family_id)
    time_out(portal)
    url = f"/families/{family_id}/close"
    form = close_form(portal, family_id)
    for data, headers in (
        ({**form, "_csrf_token": tokens["_csrf_token"]}, {}),  # no keep token
        ({**form, "_keep_token": tokens["_keep_token"][:-2] + "00"}, {}),  # forged
        ({**form, **tokens}, {"origin": "https://evil.example"}),  # another site
        ({**form, **tokens}, {"sec-fetch-site": "cross-site"}),
    ):
        refused = portal.client.post(url, data=data, headers=headers, follow_redirects=False)
        assert refused.status_code == 401, refused.status_code
        assert "/kept/" not in refused.headers.get("location", "")
    assert kept_rows(portal) == []

    # a disabled account's forms are not kept either
    portal.run(PortalUser.update({PortalUser.disabled: True}).where(PortalUser.id > 0).run)
    refused = portal.client.post(url, data={**form, **tokens}, follow_redirects=False)
    assert refused.status_code == 401 and kept_rows(portal) == []


def test_a_kept_form_is_its_authors_alone_and_can_be_discarded(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    tokens = close_page_tokens(portal, family_id)
    time_out(portal)
    late = portal.client.post(
        f"/families/{family_id}/close",
        data={**close_form(portal, family_id, summary=SUMMARY), **tokens},
        headers={"hx-request": "true"},
        follow_redirects=False,
    )
    [kept] = kept_rows(portal)
    assert late.status_code == 401  # htmx: the browser is sent to sign in, then to it
    assert late.headers["hx-redirect"] == f"/login?next=/kept/{kept['id']}"

    as_user(portal, "derby.health")  # anyone else: as if it did not exist
    assert portal.client.get(f"/kept/{kept['id']}").status_code == 404
    other = portal.client.post(
        f"/kept/{kept['id']}/discard", data={"_csrf_token": portal.csrf_token()}
    )
    assert other.status_code == 404 and kept_rows(portal)[0]["closed_at"] is None

    as_user(portal, "derby.school")
    discarded = portal.client.post(
        f"/kept/{kept['id']}/discard",
        data={"_csrf_token": portal.csrf_token()},
        follow_redirects=False,
    )
    assert discarded.status_code == 303
    assert kept_rows(portal)[0]["closed_at"] is not None
    assert closures(portal) == []
    page = portal.client.get(f"/kept/{kept['id']}")
    assert "This form has been dealt with" in page.text
    assert portal.run(AuditEvent.exists().where(AuditEvent.action == "kept_form_discarded").run)


def test_attached_files_are_named_not_kept_and_a_user_has_at_most_a_few(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    tokens = close_page_tokens(portal, family_id)
    time_out(portal)
    late = portal.client.post(
        f"/families/{family_id}/close",
        data={**close_form(portal, family_id, summary=SUMMARY), **tokens},
        files={"letter": ("letter-to-school.pdf", b"%PDF-1.4 fake", "application/pdf")},
        follow_redirects=False,
    )
    assert late.status_code == 303
    [kept] = kept_rows(portal)
    assert kept["files_left_out"] == "letter-to-school.pdf"
    assert "%PDF" not in kept["fields"]
    for _ in range(MOST_KEPT - 1):
        portal.client.post(
            f"/families/{family_id}/close", data={**tokens, "summary": "x"}, follow_redirects=False
        )
    assert len(kept_rows(portal)) == MOST_KEPT
    over = portal.client.post(
        f"/families/{family_id}/close", data={**tokens, "summary": "x"}, follow_redirects=False
    )
    assert over.status_code == 401 and len(kept_rows(portal)) == MOST_KEPT
    portal.sign_in("derby.school")
    page = portal.client.get(f"/kept/{kept['id']}")
    assert "Attached files are not kept (letter-to-school.pdf)" in page.text
