"""What an information request withholds, and why: a few explicit rules.

The person asking (the subject) gets everything recorded about them and about
their family's early help, except other people's personal details they are
not entitled to. Each withheld value is replaced by ``REDACTED`` and listed as
a ``Redaction`` (where, why) for the reviewer, in the PDF and in the JSON.
Free text is not scanned: the reviewer reads it on the review page first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from portal.areas import Redaction
from portal.assessments.sections import BY_SLUG, VULNERABILITY_FACTORS
from portal.families.tables import Person

REDACTED = "[Redacted]"

# Shown on the review page and written into the PDF and the JSON.
RULES: tuple[str, ...] = (
    "Everything recorded about the person themselves is included in full.",
    "Other household members are named with their role in the family; their date of "
    "birth, expected date, NHS number, pupil number, gender, other names and address "
    "are redacted.",
    "Consent records about another family member are redacted (a third party's consent), "
    "unless the person gave that consent themselves.",
    "Answers about the parents' and carers' own needs (often their health) and the "
    "'family circumstances' vulnerability detail are redacted unless the person is the "
    "family's only parent or carer.",
    "Contact details (email, phone) of other family members in the Team Around the "
    "Family are redacted; practitioners' names and work details are disclosed, as they "
    "acted in their professional role.",
    "Who accessed the family's record (name, organisation, when, what) is disclosed in "
    "full from the audit trail.",
    "Free text is not redacted automatically: read it on the review page before release.",
)

# Another person's identifying details (Person columns) withheld from the subject.
OTHER_PERSON_FIELDS: tuple[tuple[str, str], ...] = (
    ("date_of_birth", "Date of birth"),
    ("expected_date", "Expected date of birth"),
    ("nhs_number", "NHS number"),
    ("unique_pupil_number", "Unique Pupil Number"),
    ("gender", "Gender"),
    ("other_names", "Other names"),
    ("address", "Address"),
)
OTHER_PERSON_REASON = "Another family member's personal details"
THIRD_PARTY_CONSENT_REASON = "A consent record about another family member"
ADULT_HEALTH_REASON = "Another adult's health and personal circumstances"
CONTACT_REASON = "Another family member's contact details"

# Assessment answers about the adults' own needs, found by their question label.
ADULT_HEALTH_LABELS = frozenset(
    {
        next(q.label for q in BY_SLUG["needs"].questions if q.name == "parents_needs"),
        VULNERABILITY_FACTORS["family_challenges"],
    }
)


@dataclass(frozen=True)
class Subject:
    """The person asking, with their household, which the rules need."""

    person: Person
    people: Sequence[Person]  # the whole household, the subject included

    @property
    def name(self) -> str:
        return full_name(self.person)

    def is_subject(self, person_id: int | None) -> bool:
        return person_id == self.person.id

    @property
    def sole_parent(self) -> bool:
        carers = [p for p in self.people if p.role == "parent_carer"]
        return len(carers) == 1 and carers[0].id == self.person.id

    def gave(self, given_by_name: str) -> bool:
        return given_by_name.strip().casefold() == self.name.casefold()


def full_name(person: Person) -> str:
    return f"{person.given_names} {person.family_name}"


def assessment_answer(
    subject: Subject, where: str, label: str, answer: str
) -> tuple[str, Redaction | None]:
    """An assessment answer as the subject may see it."""
    if label in ADULT_HEALTH_LABELS and answer and not subject.sole_parent:
        return REDACTED, Redaction(f"{where}: {label}", ADULT_HEALTH_REASON)
    return answer, None
