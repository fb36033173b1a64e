"""Closing a family's early help and reopening it, on both databases: the
reasons and their checks, who may close, history, double submission, two
people closing at once, and withdrawing consent to keep the record."""

from __future__ import annotations

import re
from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.closure import service
from portal.closure.tables import Closure
from portal.consent.tables import ConsentRecord
from portal.families.tables import Family, Person
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed
from portal.kernel.users import CurrentUser
from portal.taf.tables import TafMember
from tests.support.families import consent_form, date_fields
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post, user_id

XSS = '<script>alert("x")</script>'
INERT = '<a hx-get="/auth/logout" hx-trigger="load">x</a>'


def version(portal: Portal, family_id: int) -> int:
    row = portal.run(Family.select(Family.version).where(Family.id == family_id).first().run)
    assert row is not None
    return int(row["version"])


def family_row(portal: Portal, family_id: int) -> dict[str, Any]:
    row = portal.run(Family.select().where(Family.id == family_id).first().run)
    assert row is not None
    return row


def close_form(portal: Portal, family_id: int, **extra: str) -> dict[str, str]:
    return {
        "reason": "needs_met",
        "summary": "Attendance is back above 95% and the family no longer needs a plan.",
        "version": str(version(portal, family_id)),
        "form_key": "close-key-0001",
        **extra,
    }


def closures(portal: Portal) -> list[dict[str, Any]]:
    return portal.run(Closure.select().order_by(Closure.id).run)


def audit_actions(portal: Portal) -> list[str]:
    return [e["action"] for e in portal.run(AuditEvent.select(AuditEvent.action).run)]


def add_taf_member(portal: Portal, family_id: int, username: str) -> None:
    member = TafMember(
        family=family_id,
        kind="practitioner",
        user=user_id(portal, EMAILS[username]),
        name=username,
        added_at=now_utc(),
    )
    portal.run(member.save().run)


EMAILS = {"derby.health": "samuel.okafor", "derby.school": "hannah.ashworth"}


def test_closing_needs_a_reason_and_a_closing_summary(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)  # the creator may close while there is no lead
    page = portal.client.get(f"/families/{family_id}/close")
    assert page.status_code == 200
    check_page(page.text, "close")
    empty = post(portal, f"/families/{family_id}/close", {"version": "1", "form_key": "k1"})
    assert empty.status_code == 422
    assert "Select why the family&#39;s early help is closing" in empty.text
    assert "Enter a closing summary" in empty.text
    assert "<title>Error: " in empty.text
    check_page(empty.text, "close (errors)")
    other = post(
        portal,
        f"/families/{family_id}/close",
        {"reason": "other", "summary": "Kept this summary", "version": "1", "form_key": "k1"},
    )
    assert other.status_code == 422
    assert "Enter why the family&#39;s early help is closing" in other.text
    assert "Kept this summary" in other.text  # what was typed is kept
    assert closures(portal) == []
    assert family_row(portal, family_id)["status"] == "open"


def test_close_and_reopen_are_recorded_with_history(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    post(portal, f"/families/{family_id}/lead/take", {})
    record = portal.client.get(f"/families/{family_id}").text
    assert f'href="/families/{family_id}/close"' in record
    closed = post(
        portal,
        f"/families/{family_id}/close",
        close_form(portal, family_id, reason="other", detail="The family moved abroad"),
    )
    assert closed.status_code == 303 and closed.headers["location"].endswith("#closure")
    family = family_row(portal, family_id)
    assert family["status"] == "closed" and family["closed_at"] is not None
    assert family["closure_reason"] == "other: The family moved abroad"
    [row] = closures(portal)
    assert row["reason"] == "other" and row["detail"] == "The family moved abroad"
    assert row["closed_by"] == user_id(portal, "hannah.ashworth")
    assert "family_closed" in audit_actions(portal)
    page = portal.client.get(f"/families/{family_id}")
    check_page(page.text, "closed record")
    assert "Closed" in page.text and "Attendance is back above 95%" in page.text
    assert "Hannah Ashworth" in page.text
    assert f'href="/families/{family_id}/reopen"' in page.text
    assert f'href="/families/{family_id}/close"' not in page.text
    # closing again from a stale tab says so rather than closing twice
    again = post(
        portal, f"/families/{family_id}/close", close_form(portal, family_id, form_key="k2")
    )
    assert again.status_code == 409 and "Someone else closed" in again.text
    assert len(closures(portal)) == 1

    form = portal.client.get(f"/families/{family_id}/reopen")
    assert form.status_code == 200
    check_page(form.text, "reopen")
    reopen_version = str(version(portal, family_id))
    missing = post(portal, f"/families/{family_id}/reopen", {"version": reopen_version})
    assert missing.status_code == 422
    assert "Enter why the family&#39;s early help is reopening" in missing.text
    reopened = post(
        portal,
        f"/families/{family_id}/reopen",
        {"version": reopen_version, "reason": "New worries about attendance"},
    )
    assert reopened.status_code == 303
    family = family_row(portal, family_id)
    assert family["status"] == "open" and family["closed_at"] is None
    [row] = closures(portal)
    assert row["reopened_by"] == user_id(portal, "hannah.ashworth")
    assert row["reopened_at"] is not None and row["reopen_reason"] == "New worries about attendance"
    assert "family_reopened" in audit_actions(portal)
    twice = post(  # a second click changes nothing
        portal,
        f"/families/{family_id}/reopen",
        {"version": reopen_version, "reason": "New worries about attendance"},
    )
    assert twice.status_code == 303
    assert audit_actions(portal).count("family_reopened") == 1

    post(portal, f"/families/{family_id}/close", close_form(portal, family_id, form_key="k3"))
    history = portal.client.get(f"/families/{family_id}").text
    assert "Closures and reopenings" in history
    assert "Reopened" in history and "New worries about attendance" in history
    assert len(closures(portal)) == 2


def test_only_the_lead_the_creator_without_a_lead_or_a_manager_may_close(portal: Portal) -> None:
    portal.sign_in("derby.health")  # so their user row exists
    as_user(portal, "derby.school")
    family_id = create_family(portal)
    add_taf_member(portal, family_id, "derby.health")
    as_user(portal, "derby.health")  # in the TAF: may see the record, not close it
    page = portal.client.get(f"/families/{family_id}")
    assert page.status_code == 200
    assert f'href="/families/{family_id}/close"' not in page.text
    assert portal.client.get(f"/families/{family_id}/close").status_code == 403
    refused = post(portal, f"/families/{family_id}/close", close_form(portal, family_id))
    assert refused.status_code == 403
    assert family_row(portal, family_id)["status"] == "open" and closures(portal) == []

    # the rule lives in the service, whatever calls it
    health = CurrentUser(
        id=user_id(portal, "samuel.okafor"),
        display_name="Samuel Okafor",
        email="samuel.okafor@derwent-vale-health.example",
        organisation="",
        roles=frozenset({"derby.practitioner"}),
    )
    family = portal.run(Family.objects().get(Family.id == family_id).run)
    assert family is not None
    with pytest.raises(NotAllowed):
        portal.run(
            service.close_family,
            health,
            family,
            family.version,
            service.NewClosure(reason="needs_met", summary="x"),
            "k-service",
        )
    # once someone else leads, the creator may no longer close
    portal.run(
        Family.update({Family.lead_practitioner: health.id}).where(Family.id == family_id).run
    )
    as_user(portal, "derby.school")
    assert portal.client.get(f"/families/{family_id}/close").status_code == 403
    as_user(portal, "derby.manager")  # an area manager may
    closed = post(portal, f"/families/{family_id}/close", close_form(portal, family_id))
    assert closed.status_code == 303
    assert family_row(portal, family_id)["status"] == "closed"
    as_user(portal, "derby.health")  # the lead may reopen
    assert portal.client.get(f"/families/{family_id}/reopen").status_code == 200


def test_closure_routes_refuse_strangers_and_other_areas(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    routes = [f"/families/{family_id}/close", f"/families/{family_id}/reopen"]
    for username, expected in (("derby.health", 403), ("derbyshire.manager", 404)):
        as_user(portal, username)
        for path in routes:
            got = portal.client.get(path, follow_redirects=False)
            assert got.status_code == expected, (username, "GET", path)
            sent = post(portal, path, {"reason": "needs_met", "summary": "x", "version": "1"})
            assert sent.status_code == expected, (username, "POST", path)
            assert "Smith-Jones" not in got.text + sent.text
    assert family_row(portal, family_id)["status"] == "open" and closures(portal) == []


def test_a_double_submitted_closure_is_one_closure(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    form = close_form(portal, family_id)
    first = post(portal, f"/families/{family_id}/close", form)
    second = post(portal, f"/families/{family_id}/close", form)
    assert first.status_code == second.status_code == 303
    assert len(closures(portal)) == 1
    assert audit_actions(portal).count("family_closed") == 1


def test_two_people_closing_at_once_cannot_both_win(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    opened_at = version(portal, family_id)
    as_user(portal, "derby.manager")
    mine = close_form(portal, family_id, form_key="manager-key", summary="The manager's summary")
    as_user(portal, "derby.school")
    first = post(portal, f"/families/{family_id}/close", close_form(portal, family_id))
    assert first.status_code == 303
    as_user(portal, "derby.manager")
    second = post(portal, f"/families/{family_id}/close", mine)
    assert second.status_code == 409
    assert "Someone else closed the family&#39;s early help by Hannah Ashworth first" in second.text
    check_page(second.text, "close (already closed)")
    [row] = closures(portal)
    assert row["summary"].startswith("Attendance") and row["closed_by"] == user_id(
        portal, "hannah.ashworth"
    )
    assert opened_at < version(portal, family_id)


def test_a_stale_close_keeps_what_was_typed(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    form = close_form(portal, family_id, summary="Typed before someone else saved")
    portal.run(  # someone else saves the family meanwhile
        Family.update({Family.town: "Belper", Family.version: Family.version + 1})
        .where(Family.id == family_id)
        .run
    )
    stale = post(portal, f"/families/{family_id}/close", form)
    assert stale.status_code == 409
    assert "Someone changed this family" in stale.text
    assert "Typed before someone else saved" in stale.text
    check_page(stale.text, "close (stale)")
    resubmit = re.search(r'name="version" value="(\d+)"', stale.text)
    assert resubmit and int(resubmit.group(1)) == version(portal, family_id)
    assert family_row(portal, family_id)["status"] == "open" and closures(portal) == []
    again = post(portal, f"/families/{family_id}/close", {**form, "version": resubmit.group(1)})
    assert again.status_code == 303 and len(closures(portal)) == 1


def test_withdrawing_consent_to_keep_the_record_closes_it_in_the_history(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    post(portal, f"/families/{family_id}/lead/take", {})
    person = portal.run(Person.select(Person.id).first().run)
    assert person is not None
    post(portal, f"/families/{family_id}/consent", consent_form(person["id"], "record"))
    consent = portal.run(ConsentRecord.select(ConsentRecord.id).first().run)
    assert consent is not None
    withdrawn = post(
        portal,
        f"/families/{family_id}/consent/{consent['id']}/withdraw",
        {"reason": "The family asked us to stop", **date_fields("withdrawn_on", now_utc().date())},
    )
    assert withdrawn.status_code == 303
    [row] = closures(portal)
    assert row["reason"] == "consent_withdrawn"
    assert family_row(portal, family_id)["status"] == "closed"
    assert audit_actions(portal).count("family_closed") == 1  # one closing, audited once
    page = portal.client.get(f"/families/{family_id}").text
    assert "The family withdrew consent" in page


def test_what_people_type_in_closure_is_escaped_and_inert(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    post(
        portal,
        f"/families/{family_id}/close",
        close_form(portal, family_id, reason="other", detail=INERT, summary=XSS),
    )
    html = portal.client.get(f"/families/{family_id}").text
    assert XSS not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert INERT not in html and 'hx-get="/auth/logout"' not in html
    post(
        portal,
        f"/families/{family_id}/reopen",
        {"version": str(version(portal, family_id)), "reason": XSS},
    )
    html = portal.client.get(f"/families/{family_id}").text
    assert XSS not in html and html.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= 2
    invalid = post(
        portal, f"/families/{family_id}/close", {"reason": "other", "summary": XSS, "version": "0"}
    )
    assert invalid.status_code == 422 and XSS not in invalid.text
