"""The assessment on paper: the audit of prints and exports, and the PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fpdf import FPDF

from portal.audit import service as audit
from portal.families.tables import Family
from portal.kernel.formatting import format_day, format_when, spaced_nhs_number
from portal.kernel.users import CurrentUser

# A Unicode font so names like Zoë Nowak-Wiśniewska print as typed.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
ROLES = {"child": "Child", "parent_carer": "Parent or carer", "other_adult": "Other adult"}


async def record_export(
    user: CurrentUser,
    family: Family,
    assessment: dict[str, Any],
    kind: str,
    page: str,
) -> None:
    await audit.record(
        f"assessment_{kind}",
        "success",
        actor=user,
        record_type="assessment",
        record_id=assessment["id"],
        family_id=family.id,
        page=page,
    )


def pdf_font(pdf: FPDF) -> str:
    """DejaVu where installed (any script), else the built-in Helvetica; also
    used by the information request PDF."""
    for directory in FONT_DIRS:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu"
    return "Helvetica"


def pdf_text(text: str, font: str) -> str:
    # the built-in Helvetica only has Latin-1
    return text if font == "DejaVu" else text.encode("latin-1", "replace").decode("latin-1")


def about_lines(snapshot: dict[str, Any], versions: list[dict[str, Any]]) -> dict[str, Any]:
    """What a shared copy says about itself, the same words on the page and in
    the PDF: who assessed (and how to reach them), each version's date, and the
    family's consents as recorded when the copy was made. Copies frozen before
    these were kept say 'Not recorded in this version'."""
    assessor = snapshot.get("assessor") or {}
    name = ", ".join(p for p in (assessor.get("name"), assessor.get("organisation")) if p)
    consents = [
        f"{c['person']}: {c['purpose'].lower()}. {c['decision']} by {c['by']}, "
        f"{c['method']}, on {format_day(c['on'])}"
        + (f"; withdrawn on {format_day(c['withdrawn_on'])}" if c["withdrawn_on"] else "")
        for c in snapshot.get("consent", [])
    ]
    return {
        "assessor": name or "Not recorded in this version",
        "contact": assessor.get("email", ""),
        "versions": [
            f"Version {v['number']}: completed {format_when(v['completed_at'])}"
            + (f" by {v['completed_by_name']}" if v["completed_by_name"] else "")
            for v in versions
        ],
        "consents": consents if "consent" in snapshot else ["Not recorded in this version"],
    }


def pdf_of(
    snapshot: dict[str, Any],
    sections: list[tuple[Any, list[tuple[str, str]]]],
    assessment: dict[str, Any],
    versions: list[dict[str, Any]],
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title("Early Help Assessment")
    font = pdf_font(pdf)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int) -> None:
        pdf.set_font(font, "B", size)
        pdf.multi_cell(width, size * 0.55, pdf_text(text, font), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def body(text: str) -> None:
        pdf.set_font(font, "", 11)
        pdf.multi_cell(
            width, 5.5, pdf_text(text or "Not answered", font), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(2)

    heading("Early Help Assessment", 20)
    body(
        f"For {snapshot['child']}. Started {format_day(snapshot['started_on'])}; "
        f"due {format_day(snapshot['due_on'])}. "
        + ("Completed." if assessment["status"] == "completed" else "Not yet completed.")
    )
    body("OFFICIAL-SENSITIVE. Share only with people who need it to help the family.")
    about = about_lines(snapshot, versions)
    heading("Assessor", 15)
    body(about["assessor"] + (f". Contact: {about['contact']}" if about["contact"] else ""))
    heading("Versions", 15)
    body("\n".join(about["versions"]) or "Not yet completed")
    heading("Consent", 15)
    body("\n".join(about["consents"]) or "No consent recorded")
    heading("Family and household", 15)
    household = snapshot["household"]
    body(f"Address: {household['address'] or 'Not recorded'}")
    for person in household["people"]:
        born = f", born {format_day(person['date_of_birth'])}" if person["date_of_birth"] else ""
        nhs = (
            f", NHS number {spaced_nhs_number(person['nhs_number'])}"
            if person.get("nhs_number")
            else ""
        )
        body(f"{person['name']} ({ROLES.get(person['role'], person['role'])}{born}{nhs})")
    for section, rows in sections:
        heading(section.title, 15)
        for question, answer in rows:
            pdf.set_font(font, "B", 11)
            pdf.multi_cell(width, 5.5, pdf_text(question, font), new_x="LMARGIN", new_y="NEXT")
            body(answer)
    if snapshot["appendices"]:
        heading("Appendices", 15)
        for item in snapshot["appendices"]:
            body(f"{item['title']} ({item['name']})")
    return bytes(pdf.output())
