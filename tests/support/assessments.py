"""Answers for every Early Help Assessment section (integration and browser tests)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support.families import date_fields

SECTION_ANSWERS: dict[str, dict[str, Any]] = {
    "household": {
        "others_important": "Nan (Maureen) does the school run",
        "household_confirmed": "yes",
    },
    "child_voice": {
        "wishes_feelings": "Liz says she wants her mum to stop being sad",
        "how_communicated": "Talking, and a three houses drawing",
        **date_fields("seen_on", date(2026, 11, 3)),
    },
    "parents_views": {
        "views": "Mum feels alone since the move",
        "differences": "Mum thinks school is fine",
    },
    "strengths": {"strengths": "A loving home; Nan helps every day"},
    "needs": {"children_needs": "Liz: support with attendance", "parents_needs": "Mum: low mood"},
    "vulnerabilities": {"factors": ["young_carer"], "detail_young_carer": "Helps care for mum"},
    "concerns": {"concerns": "Attendance has fallen to 82%"},
    "impact": {"impact": "Liz falls behind and becomes isolated"},
    "change": {"what_change": "Liz in school every day", "how_know": "Attendance above 95%"},
    "analysis": {
        "analysis": "Needs are emerging; mum's mood drives the absence",
        "worry_statement": "We worry Liz will miss more school",
        "family_understand": "yes",
    },
}
REQUIRED_SECTIONS = tuple(SECTION_ANSWERS)


def section_form(slug: str, completed: bool = True, **overrides: Any) -> dict[str, Any]:
    return {**SECTION_ANSWERS[slug], "completed": "yes" if completed else "no", **overrides}
