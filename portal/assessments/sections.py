"""The sections of the Early Help Assessment and what each asks.

One definition drives the task list, the section forms, checking answers,
the read-only view, print, PDF and the history of changes, so a question is
written once. Answers are stored per section as a JSON object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.kernel.forms import Form, whole_number

LONG = 10_000  # characters in a free-text answer


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    hint: str = ""
    kind: str = "text"  # text (textarea) / date / scale (0-10) / factors / confirm
    required: bool = True
    missing: str = ""  # the error when a required answer is missing


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    required: bool
    intro: str
    questions: tuple[Question, ...] = field(default_factory=tuple)


# Working Together's list, as PROCESS.md quotes it.
VULNERABILITY_FACTORS: dict[str, str] = {
    "disabled": "Disabled or has specific additional needs",
    "send": "Special educational needs (with or without an EHC plan)",
    "young_carer": "Young carer",
    "bereaved": "Bereaved",
    "criminal_behaviour": "Drawn into anti-social or criminal behaviour "
    "(gangs, county lines, organised crime, serious violence, knife crime)",
    "missing": "Frequently missing from care or from home",
    "absent": "Persistently absent from education, including part days",
    "exploitation": "At risk of modern slavery, trafficking, sexual or criminal exploitation",
    "radicalisation": "At risk of radicalisation",
    "online": "Problematic online content or inappropriate online relationships",
    "honour": "At risk of 'honour'-based abuse or forced marriage",
    "fgm": "At risk of female genital mutilation (FGM)",
    "family_challenges": "Family circumstances presenting challenges "
    "(drug and alcohol misuse, adult mental health issues, domestic abuse)",
    "substance_misuse": "Misusing drugs or alcohol themselves",
    "mental_health": "Mental ill health",
    "returned_from_care": "Returned home to their family from care",
    "privately_fostered": "Privately fostered",
    "parent_custody": "Parent or carer in custody",
    "missing_education": "Missing education, or not in full-time education",
    "excluded": "Multiple suspensions, or at risk of or permanently excluded",
}
NO_FACTORS = "none"

SECTIONS: tuple[Section, ...] = (
    Section(
        "household",
        "Family and household",
        True,
        "The people below come from the family record. If anything is wrong, change it on the "
        "record: it is not typed again here.",
        (
            Question(
                "others_important",
                "Who else is important to the family?",
                "For example grandparents who help with childcare, or a parent who lives elsewhere",
                required=False,
            ),
            Question(
                "household_confirmed",
                "The household shown is correct",
                kind="confirm",
                missing="Confirm the household details are correct, or change them on the record",
            ),
        ),
    ),
    Section(
        "child_voice",
        "The child's voice",
        True,
        "The child must be seen. Record their wishes and feelings in their own words where "
        "you can, whatever their way of communicating.",
        (
            Question(
                "wishes_feelings",
                "What are the child's wishes and feelings?",
                missing="Enter the child's wishes and feelings",
            ),
            Question(
                "how_communicated",
                "How did the child communicate them?",
                "For example talking, drawing, signing, a three houses exercise",
                missing="Enter how the child communicated",
            ),
            Question(
                "seen_on",
                "When was the child seen?",
                "For example, 3 11 2026",
                kind="date",
                missing="the date the child was seen",
            ),
        ),
    ),
    Section(
        "parents_views",
        "Parents' and carers' views",
        True,
        "What the parents and carers think, in their words, including where their view "
        "differs from the practitioners'.",
        (
            Question(
                "views",
                "What are the parents' and carers' views?",
                missing="Enter the parents' and carers' views",
            ),
            Question(
                "differences",
                "Where do their views differ from the practitioners'?",
                required=False,
            ),
        ),
    ),
    Section(
        "strengths",
        "Strengths",
        True,
        "What is going well for the family, and what they do well.",
        (Question("strengths", "What are the family's strengths?", missing="Enter the strengths"),),
    ),
    Section(
        "needs",
        "Needs",
        True,
        "The needs of each child, and of the parents and carers (for example their own "
        "mental health).",
        (
            Question(
                "children_needs",
                "What are the needs of each child?",
                "Name each child and describe their needs",
                missing="Enter the needs of each child",
            ),
            Question(
                "parents_needs",
                "What are the needs of the parents and carers?",
                required=False,
            ),
        ),
    ),
    Section(
        "vulnerabilities",
        "Vulnerability factors",
        True,
        "Select every factor that applies to a child in the family, and say how.",
        (
            Question(
                "factors",
                "Which vulnerability factors apply?",
                kind="factors",
                missing="Select the vulnerability factors that apply, or select none apply",
            ),
        ),
    ),
    Section(
        "concerns",
        "Concerns and risks",
        True,
        "What worries you and the family. If you think a child is suffering or likely to "
        "suffer significant harm, do not wait: use 'Worried about significant harm?' now.",
        (
            Question(
                "concerns",
                "What are the concerns and risks?",
                missing="Enter the concerns and risks",
            ),
        ),
    ),
    Section(
        "impact",
        "Impact if nothing is done",
        True,
        "What would happen to the children if nothing changed.",
        (
            Question(
                "impact",
                "What would the impact be if nothing was done?",
                missing="Enter the impact if nothing was done",
            ),
        ),
    ),
    Section(
        "change",
        "What needs to change",
        True,
        "Agree this with the family: it becomes their goals.",
        (
            Question(
                "what_change",
                "What needs to change?",
                missing="Enter what needs to change",
            ),
            Question(
                "how_know",
                "How will everyone know things are better?",
                missing="Enter how everyone will know things are better",
            ),
        ),
    ),
    Section(
        "analysis",
        "Practitioner's analysis",
        True,
        "Your analysis of the family's situation, and the worry statement agreed with them.",
        (
            Question("analysis", "What is your analysis?", missing="Enter your analysis"),
            Question(
                "worry_statement",
                "Worry statement",
                "What everyone is worried will happen if things stay the same",
                missing="Enter the worry statement",
            ),
            Question(
                "family_understand",
                "The family agree the worry statement and goals, and understand their plan",
                kind="confirm",
                missing="Confirm the family agree the worry statement and goals and understand "
                "their plan",
            ),
        ),
    ),
    Section(
        "signs_of_safety",
        "Signs of Safety mapping",
        False,
        "Optional. Map what is working well, what we are worried about and what needs to "
        "happen, then ask the scaling question.",
        (
            Question("working_well", "What is working well?", required=False),
            Question("worries", "What are we worried about?", required=False),
            Question("needs_to_happen", "What needs to happen?", required=False),
            Question(
                "scale",
                "On a scale of 0 to 10, where 10 means everyone is confident the children are "
                "safe and well and 0 means things are so bad they cannot stay as they are, "
                "where are things now?",
                kind="scale",
                required=False,
            ),
        ),
    ),
    Section(
        "appendices",
        "Other assessments (appendices)",
        False,
        "Optional. Attach other assessments, for example a speech and language report, and "
        "say which parts are relevant.",
        (
            Question(
                "relevant_parts",
                "Which parts of the attached assessments are relevant?",
                required=False,
            ),
        ),
    ),
)
BY_SLUG = {s.slug: s for s in SECTIONS}
# Hidden fields that travel with a section form but are not answers.
NOT_ANSWERS = frozenset(
    {"base_version", "rescue_token", "completed", "_csrf_token", "_keep_token", "form_key"}
)


def answers_from(form: Form, section: Section) -> dict[str, Any]:
    """What the user typed for this section, as stored (draft or saved)."""
    answers: dict[str, Any] = {}
    for q in section.questions:
        if q.kind == "date":
            for part in ("day", "month", "year"):
                answers[f"{q.name}-{part}"] = form.get(f"{q.name}-{part}")[:4]
        elif q.kind == "factors":
            chosen = [
                f for f in form.get_all("factors") if f in VULNERABILITY_FACTORS or f == NO_FACTORS
            ]
            answers["factors"] = chosen
            for slug in VULNERABILITY_FACTORS:
                detail = form.get(f"detail_{slug}")
                if detail:
                    answers[f"detail_{slug}"] = detail[:LONG]
        elif q.kind == "confirm":
            answers[q.name] = "yes" if form.get(q.name) == "yes" else ""
        else:
            answers[q.name] = form.get(q.name)[: LONG + 1]
    return answers


def check(form: Form, section: Section, completing: bool, today: date) -> dict[str, Any]:
    """Check a submitted section, adding GOV.UK errors to ``form``.

    Lengths and formats are always checked; required answers only when the
    practitioner says the section is complete, so half-done work still saves."""
    answers = answers_from(form, section)
    for q in section.questions:
        if q.kind == "text":
            form.text(
                q.name,
                q.missing if completing and q.required else None,
                max_length=LONG,
                label=q.label.rstrip("?"),
            )
        elif q.kind == "date":
            filled = any(answers[f"{q.name}-{p}"] for p in ("day", "month", "year"))
            if filled or (completing and q.required):
                form.date(q.name, q.missing, today=today)
        elif q.kind == "scale":
            value = answers[q.name]
            if value and whole_number(value, 10) is None:
                form.error(q.name, "Enter a whole number from 0 to 10")
        elif q.kind == "confirm":
            if completing and q.required and answers[q.name] != "yes":
                form.error(q.name, q.missing)
        elif q.kind == "factors":
            chosen = answers["factors"]
            if completing and not chosen:
                form.error("factors", q.missing, f"factors-{next(iter(VULNERABILITY_FACTORS))}")
            if NO_FACTORS in chosen and len(chosen) > 1:
                form.error(
                    "factors",
                    "Select the factors that apply, or select none apply, not both",
                    "factors-none",
                )
            for slug in chosen:
                if slug == NO_FACTORS:
                    continue
                if completing and not answers.get(f"detail_{slug}"):
                    form.error(
                        f"detail_{slug}",
                        f"Enter how '{VULNERABILITY_FACTORS[slug].split(' (')[0].lower()}' applies",
                    )
                elif len(answers.get(f"detail_{slug}", "")) > LONG:
                    form.error(f"detail_{slug}", f"Detail must be {LONG} characters or fewer")
    return answers


def has_answers(answers: dict[str, Any]) -> bool:
    return any(v for v in answers.values())


def readable(section: Section, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) pairs in plain words, for views, print, PDF and history."""
    rows: list[tuple[str, str]] = []
    for q in section.questions:
        if q.kind == "date":
            parts = [answers.get(f"{q.name}-{p}", "") for p in ("day", "month", "year")]
            try:
                value = date(int(parts[2]), int(parts[1]), int(parts[0]))
                rows.append((q.label, f"{value.day} {value:%B %Y}"))
            except (TypeError, ValueError):
                rows.append((q.label, " ".join(p for p in parts if p)))
        elif q.kind == "factors":
            chosen = answers.get("factors", [])
            if NO_FACTORS in chosen:
                rows.append((q.label, "None of these apply"))
            for slug in chosen:
                if slug in VULNERABILITY_FACTORS:
                    rows.append((VULNERABILITY_FACTORS[slug], answers.get(f"detail_{slug}", "")))
            if not chosen:
                rows.append((q.label, ""))
        elif q.kind == "confirm":
            rows.append((q.label, "Yes" if answers.get(q.name) == "yes" else "Not confirmed"))
        else:
            rows.append((q.label, str(answers.get(q.name, ""))))
    return rows
