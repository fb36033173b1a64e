"""Browser test: an area manager answers a subject access request. A
practitioner records a family, its consent and part of an assessment; the
Locality Early Help Manager finds the child by a POSTed search, checks the
review page (axe), and downloads the JSON and the PDF."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.families_helpers import Child, another_user, fill_date, record_family, unique_word
from tests.e2e.practice_helpers import (
    fill_section,
    open_section,
    record_assessment_consents,
    save_and_continue,
    start_assessment,
)


def test_a_manager_exports_a_persons_information(
    page: Page, browser: Browser, base_url: str, tmp_path: Path
) -> None:
    child = Child(given="Zoë")
    strengths = f"Zoë's nan reads with her every night {unique_word()}"
    sign_in(page, base_url, "derby.school", check_pages=False)
    family_id = record_family(page, base_url, child)
    record_assessment_consents(page, child, check=False)
    start_assessment(page, child)
    open_section(page, "strengths")
    fill_section(page, "strengths", {"strengths": strengths})
    save_and_continue(page, completed=False)

    with another_user(browser, base_url, "derby.manager") as manager:
        manager.get_by_role("link", name="Information requests").click()
        expect(manager.get_by_role("heading", level=1, name="Information requests")).to_be_visible()
        check_accessibility(manager)
        manager.get_by_label("First name", exact=True).fill(child.given)
        manager.get_by_label("Last name", exact=True).fill(child.surname)
        fill_date(manager, "Date of birth (if known)", child.born)
        manager.get_by_role("button", name="Search", exact=True).click()
        expect(
            manager.get_by_role("heading", level=2, name="1 possible match in your area")
        ).to_be_visible()
        assert child.surname not in manager.url  # the search was POSTed
        check_accessibility(manager)
        manager.get_by_role("link", name=f"Choose {child.name}").click()

        expect(
            manager.get_by_role(
                "heading", level=1, name="Check the information before you release it"
            )
        ).to_be_visible()
        assert re.search(r"/information-requests/people/\d+$", manager.url)
        expect(manager.get_by_text(strengths)).to_be_visible()
        expect(manager.locator("#redactions")).to_have_text("Redactions (0)")
        who = manager.locator("h2", has_text="Who accessed the family's record")
        expect(who).to_be_visible()
        expect(manager.get_by_text("Hannah Ashworth").first).to_be_visible()
        check_accessibility(manager)

        with manager.expect_download() as json_download:
            manager.get_by_role("link", name="Download the JSON").click()
        saved = tmp_path / "export.json"
        json_download.value.save_as(saved)
        assert child.surname not in json_download.value.suggested_filename
        exported = json.loads(saved.read_text(encoding="utf-8"))
        assert exported["subject"]["family_id"] == family_id
        assert exported["subject"]["name"] == child.name
        assert strengths in json.dumps(exported, ensure_ascii=False)
        assert exported["redactions"] == []

        with manager.expect_download() as pdf_download:
            manager.get_by_role("link", name="Download the PDF").click()
        assert pdf_download.value.suggested_filename.endswith(".pdf")
        pdf = tmp_path / "export.pdf"
        pdf_download.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF-")


def test_a_manager_finds_and_exports_without_javascript(
    page: Page, page_without_js: Page, base_url: str, tmp_path: Path
) -> None:
    """The search, the choice and the downloads are plain forms and links."""
    child = Child(given="Maisie")
    sign_in(page, base_url, "derby.school", check_pages=False)
    family_id = record_family(page, base_url, child)

    manager = page_without_js
    sign_in(manager, base_url, "derby.manager", path="/information-requests")
    manager.get_by_label("First name", exact=True).fill(child.given)
    manager.get_by_label("Last name", exact=True).fill(child.surname)
    fill_date(manager, "Date of birth (if known)", child.born)
    manager.get_by_role("button", name="Search", exact=True).click()
    expect(
        manager.get_by_role("heading", level=2, name="1 possible match in your area")
    ).to_be_visible()
    check_accessibility(manager)
    manager.get_by_role("link", name=f"Choose {child.name}").click()
    expect(
        manager.get_by_role("heading", level=1, name="Check the information before you release it")
    ).to_be_visible()
    check_accessibility(manager)
    with manager.expect_download() as json_download:
        manager.get_by_role("link", name="Download the JSON").click()
    saved = tmp_path / "export.json"
    json_download.value.save_as(saved)
    assert json.loads(saved.read_text(encoding="utf-8"))["subject"]["family_id"] == family_id
