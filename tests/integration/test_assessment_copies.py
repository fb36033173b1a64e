"""Issue 20, item 14: a shared copy of the assessment (print view, PDF and each
frozen version) names the assessor and how to reach them, the date of each
version, and the family's consents."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

from portal.assessments.documents import about_lines, pdf_of
from tests.integration.test_assessments import save, started_assessment
from tests.support.assessments import REQUIRED_SECTIONS
from tests.support.portal import Portal, post

ASSESSOR = "Hannah Ashworth, Oakfield Lane Primary School, Derby (fictional)"
CONTACT = "hannah.ashworth@oakfield-lane-primary.example"
CONSENT = (
    "Elizabeth Smith-Jones: to the early help assessment. Given by Sarah Smith-Jones "
    "(a parent or carer), written, on 2 November 2026"
)


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_print_view_and_each_version_name_the_assessor_versions_and_consent(
    portal: Portal,
) -> None:
    family_id, assessment_id = started_assessment(portal)
    base = f"/families/{family_id}/assessments/{assessment_id}"
    printed = text_of(portal.client.get(base + "/print").text)
    assert f"Assessor {ASSESSOR} {CONTACT}" in printed
    assert "Versions Not yet completed" in printed
    assert CONSENT in printed  # record and assessment consent, oldest first
    assert "Elizabeth Smith-Jones: to keeping a record on the portal." in printed

    for slug in REQUIRED_SECTIONS:
        assert save(portal, family_id, assessment_id, slug).status_code == 303, slug
    assert post(portal, base + "/complete", {}).status_code == 303
    version = text_of(portal.client.get(base + "/versions/1").text)
    assert re.search(r"Version 1: completed \d+ \w+ \d{4} at [\w:]+ by Hannah Ashworth", version)
    assert f"Assessor {ASSESSOR}" in version and CONSENT in version
    assert "Version 1: completed" in text_of(portal.client.get(base + "/print").text)


def test_a_version_frozen_before_copies_said_so_says_it_was_not_recorded() -> None:
    old_snapshot = {"child": "Elizabeth Smith-Jones", "sections": {}, "appendices": []}
    about = about_lines(old_snapshot, [])
    assert about["assessor"] == "Not recorded in this version"
    assert about["consents"] == ["Not recorded in this version"]


def test_the_pdf_is_made_with_the_same_lines() -> None:
    snapshot = {
        "child": "Elizabeth Smith-Jones",
        "started_on": "2026-11-02",
        "due_on": "2026-11-16",
        "assessor": {"name": "Hannah Ashworth", "organisation": "", "email": ""},
        "consent": [],
        "household": {"address": "", "people": []},
        "sections": {},
        "appendices": [],
    }
    versions = [
        {
            "number": 1,
            "completed_at": datetime(2026, 11, 10, 14, 5, tzinfo=UTC),
            "completed_by_name": "Hannah Ashworth",
        }
    ]
    about = about_lines(snapshot, versions)
    assert about["versions"] == [
        "Version 1: completed 10 November 2026 at 2:05pm by Hannah Ashworth"
    ]
    assert about["assessor"] == "Hannah Ashworth" and about["consents"] == []
    body = pdf_of(snapshot, [], {"status": "completed", "started_on": date(2026, 11, 2)}, versions)
    assert body.startswith(b"%PDF-")
