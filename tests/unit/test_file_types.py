"""Appendix types are judged from the bytes; ZIP containers are judged from
their directory and a few inflated bytes, so a bomb cannot exhaust memory
(issue 22, finding 3)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from portal.assessments import file_types
from portal.assessments.file_types import DOCX, ODT, check


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_office_documents_are_recognised() -> None:
    odt = zipped({"mimetype": ODT.encode(), "content.xml": b"<x/>"})
    assert check(odt, "plan.odt").media_type == ODT
    docx = zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})
    assert check(docx, "plan.docx").media_type == DOCX
    assert check(docx, "plan.pdf").media_type is None  # the name must agree


def test_a_bomb_inflates_only_a_few_hundred_bytes() -> None:
    bomb = zipped({"mimetype": ODT.encode() + b" " * (64 * 1024 * 1024)})
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        check(bomb, "bomb.odt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, peak  # 64 MB inflated would show


def test_too_much_declared_content_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_types, "MAX_INFLATED", 1024 * 1024)
    big = zipped({"mimetype": ODT.encode(), "content.xml": b"0" * (2 * 1024 * 1024)})
    assert check(big, "big.odt").media_type is None
    monkeypatch.setattr(file_types, "MAX_MEMBERS", 3)
    many = zipped({"mimetype": ODT.encode(), **{f"m{i}.xml": b"x" for i in range(5)}})
    assert check(many, "many.odt").media_type is None


@pytest.mark.parametrize("declared", ["application/pdf", "image/png", "text/html"])
def test_a_container_claiming_another_type_is_refused(declared: str) -> None:
    disguised = zipped({"mimetype": declared.encode()})
    assert check(disguised, "report.pdf").media_type is None
    assert check(disguised, "report.odt").media_type is None


def test_macros_are_refused_with_the_reason() -> None:
    docm = zipped(
        {
            "[Content_Types].xml": b"<x/>",
            "word/document.xml": b"<x/>",
            "word/vbaProject.bin": b"\0",
        }
    )
    checked = check(docm, "letter.docx")
    assert checked.media_type is None and "macros" in checked.problem
    odt = zipped({"mimetype": ODT.encode(), "Basic/Standard/Module1.xml": b"<x/>"})
    assert "macros" in check(odt, "plan.odt").problem
