"""Reading the family and person forms into service inputs, with GOV.UK errors."""

from __future__ import annotations

import datetime
import re

from portal.areas import AreaDescription
from portal.families import matching
from portal.families.service import ROLES, HouseholdDetails, PersonInput
from portal.families.tables import Family, Person
from portal.kernel.forms import Form

RELATIONSHIPS = (
    ("parent_of", "is a parent of"),
    ("carer_of", "is a carer of"),
    ("step_parent_of", "is a step-parent of"),
    ("grandparent_of", "is a grandparent of"),
    ("sibling_of", "is a sibling of"),
    ("half_sibling_of", "is a half-sibling of"),
    ("partner_of", "is the partner of"),
    ("other", "is related in another way to"),
)
GENDERS = (("female", "Female"), ("male", "Male"), ("other", "Other"), ("not_known", "Not known"))
# Why a child has no NHS number: the three cases in which the Children Act 2004
# s16LC (Children's Wellbeing and Schools Act 2026) lets the consistent
# identifier be left out of what is recorded and shared about a child.
NHS_NUMBER_ABSENT = (
    ("not_known", "Unknown, and finding it now would cause unreasonable delay"),
    ("would_not_help", "Using it would not help safeguard the child or promote their welfare"),
    ("more_detrimental", "Using it would be more detrimental to the child than not using it"),
)
UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$")


def locality_choices(areas: list[AreaDescription]) -> list[tuple[str, str]]:
    return [
        (f"{area.slug}:{loc.slug}", f"{area.name}: {loc.name}" if len(areas) > 1 else loc.name)
        for area in areas
        for loc in area.localities
    ]


def read_household(form: Form, areas: list[AreaDescription]) -> HouseholdDetails | None:
    place = form.choice(
        "place",
        [value for value, _ in locality_choices(areas)],
        "Select the locality the family lives in",
    )
    line_1 = form.text("address_line_1", "Enter the first line of the address", label="Address")
    line_2 = form.text("address_line_2", label="Address line 2")
    town = form.text("town", "Enter the town or city", max_length=100, label="Town or city")
    postcode = form.text("postcode", "Enter a postcode", max_length=10)
    if postcode and not POSTCODE.match(postcode.upper()):
        form.error("postcode", "Enter a real postcode, like DE1 2AB")
    if not form.ok:
        return None
    area, locality = place.split(":", 1)
    return HouseholdDetails(area, locality, line_1, line_2, town, postcode)


EXPECTED_WITHIN = datetime.timedelta(days=305)  # about ten months: a pregnancy's length


def read_person(form: Form, role: str | None = None) -> PersonInput | None:
    given = form.text("given_names", "Enter their first name", label="First names")
    family_name = form.text("family_name", "Enter their last name", label="Last name")
    other = form.text("other_names", max_length=400, label="Other names")
    role = role or form.choice("role", ROLES, "Select their role in the family")
    dob = form.date("dob", "their date of birth", required=False)
    expected = form.date("expected", "the expected date of birth", required=False, when="future")
    if expected is not None and expected > datetime.date.today() + EXPECTED_WITHIN:
        form.error(
            "expected", "The expected date of birth must be within 10 months", "expected-day"
        )
    if role == "child" and dob is None and expected is None and "dob" not in form.errors:
        form.error(
            "dob",
            "Enter a date of birth, or an expected date of birth for an unborn child",
            "dob-day",
        )
    if dob is not None and expected is not None:
        form.error(
            "expected", "Enter a date of birth or an expected date, not both", "expected-day"
        )
    gender = form.choice("gender", [g for g, _ in GENDERS], "Select their gender, or Not known")
    nhs = form.text("nhs_number", max_length=12, label="NHS number")
    if nhs and not matching.valid_nhs_number(nhs):
        form.error("nhs_number", "Enter a valid NHS number, like 943 476 5919")
    absent = ""
    if role == "child" and not nhs and form.get("nhs_number_absent"):
        absent = form.choice(
            "nhs_number_absent",
            [key for key, _ in NHS_NUMBER_ABSENT],
            "Select why the child has no NHS number",
        )
    upn = form.text("unique_pupil_number", max_length=13, label="Unique Pupil Number").upper()
    if upn and not UPN.match(upn):
        form.error(
            "unique_pupil_number",
            "Enter a Unique Pupil Number in the right format, like A12345678901B",
        )
    address = form.text("address", max_length=400, label="Address")
    if not form.ok:
        return None
    return PersonInput(
        given_names=given,
        family_name=family_name,
        role=role,
        other_names=other,
        date_of_birth=dob,
        expected_date=expected,
        gender=gender,
        nhs_number=nhs,
        nhs_number_absent=absent,
        unique_pupil_number=upn,
        address=address,
    )


def person_form(person: Person) -> Form:
    """An edit form filled from the saved person."""
    form = Form(
        {
            "given_names": person.given_names,
            "family_name": person.family_name,
            "other_names": person.other_names,
            "role": person.role,
            "gender": person.gender,
            "nhs_number": person.nhs_number,
            "nhs_number_absent": person.nhs_number_absent,
            "unique_pupil_number": person.unique_pupil_number,
            "address": person.address,
            "version": str(person.version),
        }
    )
    form.set_date("dob", person.date_of_birth)
    form.set_date("expected", person.expected_date)
    return form


def household_form(family: Family) -> Form:
    return Form(
        {
            "place": f"{family.area}:{family.locality}",
            "address_line_1": family.address_line_1,
            "address_line_2": family.address_line_2,
            "town": family.town,
            "postcode": family.postcode,
            "version": str(family.version),
        }
    )


def version_of(form: Form) -> int:
    return form.version()
