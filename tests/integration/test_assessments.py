"""The Early Help Assessment on both databases: the consent gate, the 10
working-day due date, drafts and autosave, two practitioners in one section,
a timed-out session keeping its text, completion, versions and history,
print and PDF, appendices, and who may see what."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from portal.assessments.tables import (
    Assessment,
    AssessmentAppendix,
    AssessmentSection,
    AssessmentVersion,
    SectionDraft,
)
from portal.audit.tables import AuditEvent
from portal.auth.tables import PortalSession
from portal.families.tables import Person
from portal.kernel.clock import now_utc
from portal.taf.tables import TafMember
from portal.workdays.service import working_days_after
from tests.support.assessments import REQUIRED_SECTIONS, section_form
from tests.support.families import consent_form, date_fields
from tests.support.portal import Portal, as_user, create_family, post, user_id


def child_of(portal: Portal, family_id: int) -> int:
    row = portal.run(Person.select(Person.id).where(Person.family == family_id).first().run)
    assert row is not None
    return int(row["id"])


def give_consent(portal: Portal, family_id: int, child_id: int) -> None:
    for purpose in ("record", "assessment"):
        response = post(
            portal,
            f"/families/{family_id}/consent",
            consent_form(child_id, purpose, form_key=f"{purpose}-{family_id}"),
        )
        assert response.status_code == 303, response.text


def start_form(child_id: int, started: date = date(2026, 11, 2), key: str = "k1") -> dict[str, Any]:
    return {"child": str(child_id), "form_key": key, **date_fields("started_on", started)}


def started_assessment(portal: Portal) -> tuple[int, int]:
    """As derby.school: a family with consent and an assessment; (family, assessment)."""
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    child_id = child_of(portal, family_id)
    give_consent(portal, family_id, child_id)
    response = post(portal, f"/families/{family_id}/assessments", start_form(child_id))
    assert response.status_code == 303, response.text
    match = re.fullmatch(rf"/families/{family_id}/assessments/(\d+)", response.headers["location"])
    assert match
    return family_id, int(match.group(1))


def section_url(family_id: int, assessment_id: int, slug: str) -> str:
    return f"/families/{family_id}/assessments/{assessment_id}/sections/{slug}"


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name}"
    return match.group(1)


def section_row(portal: Portal, assessment_id: int, slug: str) -> dict[str, Any]:
    row = portal.run(
        AssessmentSection.select()
        .where(
            (AssessmentSection.assessment == assessment_id) & (AssessmentSection.section == slug)
        )
        .first()
        .run
    )
    assert row is not None
    return row


def save(portal: Portal, family_id: int, assessment_id: int, slug: str, **kw: Any) -> Any:
    url = section_url(family_id, assessment_id, slug)
    page = portal.client.get(url)
    base = hidden(page.text, "base_version")
    return post(portal, url, {**section_form(slug, **kw), "base_version": base})


def test_an_assessment_needs_consent_and_is_due_in_10_working_days(portal: Portal) -> None:
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    child_id = child_of(portal, family_id)
    refused = post(portal, f"/families/{family_id}/assessments", start_form(child_id))
    assert refused.status_code == 422
    assert "consent" in refused.text.lower()
    assert portal.run(Assessment.count().run) == 0
    give_consent(portal, family_id, child_id)
    first = post(portal, f"/families/{family_id}/assessments", start_form(child_id))
    again = post(portal, f"/families/{family_id}/assessments", start_form(child_id))  # double click
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    rows = portal.run(Assessment.select().run)
    assert len(rows) == 1
    assert rows[0]["due_on"] == date(2026, 11, 16)  # Mon 2 Nov + 10 working days
    assert portal.run(working_days_after, date(2026, 12, 18), 10) == date(2027, 1, 6)
    assert portal.run(AssessmentSection.count().run) == 12
    overview = portal.client.get(first.headers["location"])
    assert "16 November 2026" in overview.text and "Not started" in overview.text


def test_a_half_done_section_saves_and_a_completed_one_is_checked(portal: Portal) -> None:
    family_id, assessment_id = started_assessment(portal)
    half = save(
        portal,
        family_id,
        assessment_id,
        "child_voice",
        completed=False,
        wishes_feelings="Liz wants to see her dad",
        how_communicated="",
    )
    assert half.status_code == 303
    assert section_row(portal, assessment_id, "child_voice")["status"] == "in_progress"
    bad = save(
        portal,
        family_id,
        assessment_id,
        "child_voice",
        how_communicated="",
        **date_fields("seen_on", None),
    )
    assert bad.status_code == 422
    assert "Enter how the child communicated" in bad.text
    assert "Enter the date the child was seen" in bad.text
    assert "<title>Error: " in bad.text
    assert "Liz says she wants her mum to stop being sad" in bad.text  # kept what was typed
    saved = section_row(portal, assessment_id, "child_voice")
    assert json.loads(saved["content"])["wishes_feelings"] == "Liz wants to see her dad"
    # ...and it is also kept as a draft, so leaving the page loses nothing
    again = portal.client.get(section_url(family_id, assessment_id, "child_voice"))
    assert "Liz says she wants her mum to stop being sad" in again.text
    assert "Unsaved changes" in again.text


def test_autosave_keeps_a_draft_without_touching_the_saved_section(portal: Portal) -> None:
    family_id, assessment_id = started_assessment(portal)
    url = section_url(family_id, assessment_id, "strengths")
    page = portal.client.get(url)
    response = portal.client.post(
        url + "/draft",
        data={"strengths": "Mum never misses a parents' evening", "base_version": "1"},
        headers={"HX-Request": "true", "X-CSRFToken": portal.csrf_token()},
    )
    assert response.status_code == 200 and "Draft saved at" in response.text
    assert 'hx-post="' + url + '/draft"' in page.text
    assert json.loads(section_row(portal, assessment_id, "strengths")["content"]) == {}
    shown = portal.client.get(url)
    assert "Mum never misses a parents&#39; evening" in shown.text
    discard = post(portal, url + "/discard", {})
    assert discard.status_code == 303
    assert portal.run(SectionDraft.count().run) == 0
    # a late autosave of exactly what was just saved leaves no stale draft behind
    assert save(portal, family_id, assessment_id, "strengths").status_code == 303
    late = portal.client.post(
        url + "/draft",
        data={**section_form("strengths"), "base_version": "1"},
        headers={"HX-Request": "true", "X-CSRFToken": portal.csrf_token()},
    )
    assert late.status_code == 200
    assert portal.run(SectionDraft.count().run) == 0


def test_two_practitioners_in_one_section_never_silently_lose_text(portal: Portal) -> None:
    portal.sign_in("derby.health")
    health_id = user_id(portal, "samuel.okafor")
    portal.client.cookies.clear()
    family_id, assessment_id = started_assessment(portal)
    member = TafMember(family=family_id, user=health_id, name="Samuel Okafor", added_at=now_utc())
    portal.run(member.save().run)
    url = section_url(family_id, assessment_id, "strengths")
    school_page = portal.client.get(url)
    with portal.other_browser():
        portal.sign_in("derby.health")
        health_page = portal.client.get(url)
        assert hidden(health_page.text, "base_version") == "1"
    school = post(
        portal,
        url,
        {
            **section_form("strengths", strengths="School: Liz is kind"),
            "base_version": hidden(school_page.text, "base_version"),
        },
    )
    assert school.status_code == 303
    with portal.other_browser():
        portal.sign_in("derby.health")
        health = post(
            portal,
            url,
            {**section_form("strengths", strengths="Health: mum is engaged"), "base_version": "1"},
        )
        assert health.status_code == 409
        assert "School: Liz is kind" in health.text and "Health: mum is engaged" in health.text
        saved = json.loads(section_row(portal, assessment_id, "strengths")["content"])
        assert saved["strengths"] == "School: Liz is kind"  # not overwritten
        # the loser's text is still theirs on the section page
        assert "Health: mum is engaged" in portal.client.get(url).text
        # and "Save my version" saves it on top of the version they were shown
        keep = post(
            portal,
            url,
            {
                **section_form("strengths", strengths="Health: mum is engaged"),
                "base_version": hidden(health.text, "base_version"),
            },
        )
        assert keep.status_code == 303
    saved = json.loads(section_row(portal, assessment_id, "strengths")["content"])
    assert saved["strengths"] == "Health: mum is engaged"
    assert portal.run(SectionDraft.count().run) == 0


def test_a_session_that_times_out_mid_section_keeps_the_text(portal: Portal) -> None:
    family_id, assessment_id = started_assessment(portal)
    url = section_url(family_id, assessment_id, "concerns")
    page = portal.client.get(url)
    token = hidden(page.text, "rescue_token")
    csrf = portal.csrf_token()
    portal.run(PortalSession.delete(force=True).run)  # the session times out
    late = portal.client.post(
        url,
        data={
            "concerns": "Typed after the time-out",
            "completed": "no",
            "base_version": "1",
            "rescue_token": token,
            "_csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert late.status_code == 303
    assert late.headers["location"] == f"/login?next={url}"
    assert json.loads(section_row(portal, assessment_id, "concerns")["content"]) == {}
    forged = portal.client.post(
        url,
        data={"concerns": "Forged", "rescue_token": token[:-2] + "00"},
        follow_redirects=False,
    )
    assert forged.status_code in (303, 401) and "next=" + url not in forged.headers.get(
        "location", ""
    )
    portal.sign_in("derby.school")
    again = portal.client.get(url)
    assert "Typed after the time-out" in again.text and "Unsaved changes" in again.text
    assert "Forged" not in again.text
    assert portal.run(AuditEvent.exists().where(AuditEvent.action == "assessment_draft_kept").run)


def test_completing_freezes_a_version_and_changes_make_the_next(portal: Portal) -> None:
    family_id, assessment_id = started_assessment(portal)
    base = f"/families/{family_id}/assessments/{assessment_id}"
    save(portal, family_id, assessment_id, "strengths")
    early = post(portal, base + "/complete", {})
    assert early.status_code == 422
    assert "Complete the section &#39;The child&#39;s voice&#39;" in early.text
    assert portal.run(AssessmentVersion.count().run) == 0
    for slug in REQUIRED_SECTIONS:
        assert save(portal, family_id, assessment_id, slug).status_code == 303, slug
    assert post(portal, base + "/complete", {}).status_code == 303
    assert portal.run(AssessmentVersion.count().run) == 1
    # read-only now: a save changes nothing
    frozen = post(
        portal,
        section_url(family_id, assessment_id, "strengths"),
        {**section_form("strengths", strengths="Sneaky edit"), "base_version": "9"},
    )
    assert frozen.status_code == 303
    assert "Sneaky edit" not in section_row(portal, assessment_id, "strengths")["content"]
    assert post(portal, base + "/changes", {}).status_code == 303
    assert (
        save(
            portal,
            family_id,
            assessment_id,
            "strengths",
            strengths="A loving home; Nan and Grandad help",
        ).status_code
        == 303
    )
    assert post(portal, base + "/complete", {}).status_code == 303
    versions = portal.run(AssessmentVersion.select().order_by(AssessmentVersion.number).run)
    assert [v["number"] for v in versions] == [1, 2]
    assert "Nan helps every day" in versions[0]["snapshot"]  # version 1 unchanged
    history = portal.client.get(base + "/history")
    assert "A loving home; Nan helps every day" in history.text
    assert "A loving home; Nan and Grandad help" in history.text
    assert portal.client.get(base + "/versions/1").status_code == 200
    assert portal.client.get(base + "/versions/3").status_code == 404


def test_print_and_pdf_are_audited_exports(portal: Portal) -> None:
    family_id, assessment_id = started_assessment(portal)
    save(portal, family_id, assessment_id, "strengths", strengths="Zoë's nan helps every day")
    base = f"/families/{family_id}/assessments/{assessment_id}"
    printed = portal.client.get(base + "/print")
    assert printed.status_code == 200 and "Zoë&#39;s nan helps every day" in printed.text
    pdf = portal.client.get(base + "/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].startswith("attachment")
    actions = portal.run(AuditEvent.select(AuditEvent.action).run)
    assert {"assessment_print", "assessment_pdf"} <= {a["action"] for a in actions}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(portal: Portal, base: str, name: str, data: bytes, title: str = "SALT report") -> Any:
    return portal.client.post(
        base + "/appendices",
        data={"title": title, "form_key": name + title, "_csrf_token": portal.csrf_token()},
        files={"file": (name, data, "application/pdf")},
        follow_redirects=False,
    )


def test_appendices_are_checked_by_content_and_only_for_people_with_access(
    portal: Portal,
) -> None:
    family_id, assessment_id = started_assessment(portal)
    base = f"/families/{family_id}/assessments/{assessment_id}"
    assert upload(portal, base, "report.pdf", PDF).status_code == 303
    disguised = upload(portal, base, "report.pdf", b"<html><script>alert(1)</script></html>")
    assert disguised.status_code == 422 and "must be a PDF, Word" in disguised.text
    wrong_name = upload(portal, base, "report.exe", PDF)
    assert wrong_name.status_code == 422
    too_big = upload(portal, base, "big.pdf", PDF + b"0" * (11 * 1024 * 1024))
    assert too_big.status_code in (413, 422)
    rows = portal.run(AssessmentAppendix.select(AssessmentAppendix.id).run)
    assert len(rows) == 1
    download = portal.client.get(f"{base}/appendices/{rows[0]['id']}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"] == (
        f'attachment; filename="appendix-{rows[0]["id"]}.pdf"'
    )
    # its own stricter policy, not the site-wide one (issue 22, finding 9)
    assert download.headers["content-security-policy"] == "default-src 'none'; sandbox"
    as_user(portal, "derby.health")  # same area, no relationship
    assert portal.client.get(f"{base}/appendices/{rows[0]['id']}").status_code == 403
    as_user(portal, "derbyshire.school")  # another area
    assert portal.client.get(f"{base}/appendices/{rows[0]['id']}").status_code == 404


def test_strangers_and_other_areas_are_refused_on_every_assessment_route(
    portal: Portal,
) -> None:
    family_id, assessment_id = started_assessment(portal)
    base = f"/families/{family_id}/assessments/{assessment_id}"
    gets = [
        f"/families/{family_id}/assessments/new",
        base,
        base + "/sections/strengths",
        base + "/history",
        base + "/versions/1",
        base + "/print",
        base + "/pdf",
    ]
    posts = [
        f"/families/{family_id}/assessments",
        base + "/sections/strengths",
        base + "/sections/strengths/draft",
        base + "/sections/strengths/discard",
        base + "/complete",
        base + "/changes",
        base + "/appendices",
    ]
    for username, status in (("derby.health", 403), ("derbyshire.school", 404)):
        as_user(portal, username)
        for path in gets:
            assert portal.client.get(path).status_code == status, (username, path)
        for path in posts:
            assert post(portal, path, section_form("strengths")).status_code == status, path
    as_user(portal, "derby.school")
    assert json.loads(section_row(portal, assessment_id, "strengths")["content"]) == {}
