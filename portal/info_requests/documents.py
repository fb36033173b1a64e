"""An information request on paper and for machines: a readable PDF (fpdf2,
DejaVu font, as the assessment PDF) and JSON with stable keys."""

from __future__ import annotations

import json
from typing import Any

from fpdf import FPDF

from portal.assessments.documents import pdf_font, pdf_text
from portal.info_requests.redaction import full_name
from portal.info_requests.service import EXPORT_FORMAT, InformationExport
from portal.kernel.formatting import format_when


def as_dict(export: InformationExport) -> dict[str, Any]:
    person, family = export.subject.person, export.family
    return {
        "format": EXPORT_FORMAT,
        "generated_at": export.generated_at.isoformat(),
        "generated_by": {
            "name": export.generated_by.display_name,
            "organisation": export.generated_by.organisation,
        },
        "subject": {
            "person_id": person.id,
            "family_id": family.id,
            "area": family.area,
            "name": full_name(person),
        },
        "redaction_rules": list(export.rules),
        "sections": [
            {
                "title": section.title,
                "items": [
                    {
                        "heading": item.heading,
                        "recorded": item.recorded,
                        "fields": [{"label": k, "value": v} for k, v in item.fields],
                    }
                    for item in section.items
                ],
                "redactions": [{"where": r.where, "reason": r.reason} for r in section.redactions],
            }
            for section in export.sections
        ],
        "redactions": [
            {"section": title, "where": r.where, "reason": r.reason}
            for title, r in export.redactions
        ],
    }


def json_of(export: InformationExport) -> bytes:
    return json.dumps(as_dict(export), ensure_ascii=False, indent=2).encode()


def pdf_of(export: InformationExport) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title("Information held about a person")
    font = pdf_font(pdf)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, size: int = 11, style: str = "", gap: float = 1) -> None:
        pdf.set_font(font, style, size)
        pdf.multi_cell(width, size * 0.5, pdf_text(text, font), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line("Information held about a person", 20, "B", 3)
    line(f"About: {export.subject.name}. Family record {export.family.id}.")
    line(f"Prepared by {export.generated_by.display_name} on {format_when(export.generated_at)}.")
    line("OFFICIAL-SENSITIVE. Prepared in answer to a subject access request.", gap=3)
    line("What was withheld, and why", 15, "B", 2)
    for rule in export.rules:
        line(f"- {rule}")
    pdf.ln(2)
    for section in export.sections:
        line(section.title, 15, "B", 2)
        if not section.items:
            line("Nothing recorded.", gap=2)
        for item in section.items:
            line(item.heading, 12, "B")
            if item.recorded:
                line(item.recorded, 10)
            for label, value in item.fields:
                line(f"{label}: {value}")
            pdf.ln(1)
    line("Redactions", 15, "B", 2)
    if not export.redactions:
        line("Nothing was redacted.")
    for title, redaction in export.redactions:
        line(f"{title} - {redaction.where}: {redaction.reason}")
    return bytes(pdf.output())
