"""Families (households) and the people in them.

A family belongs to one area and one locality of it. Editable rows carry a
``version`` for optimistic locking, and rows made by a form carry the form's
one-use ``idempotency_key`` so a double-submitted create makes one record.
"""

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from portal.auth.tables import PortalUser


class Family(Table, tablename="family"):
    """A family (household) whose children early help is for: one record per household."""

    id = Serial(primary_key=True)
    area = Varchar(length=50, index=True)  # area slug: "derby", "derbyshire"
    locality = Varchar(length=50)  # locality slug within the area
    address_line_1 = Varchar(length=200, default="")
    address_line_2 = Varchar(length=200, default="")
    town = Varchar(length=100, default="")
    postcode = Varchar(length=10, default="")
    created_by = ForeignKey(references=PortalUser, null=True, index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    lead_practitioner = ForeignKey(references=PortalUser, null=True, index=True)
    # set when lead responsibility passed to a statutory service (e.g. Children's Social Care)
    statutory_lead = Varchar(length=200, default="")
    # open / closed; a closed family keeps its record but has no open work
    status = Varchar(length=20, default="open")
    closed_at = Timestamptz(null=True, default=None)
    closure_reason = Varchar(length=100, default="")
    # consent to keep the record was withdrawn: only the lead practitioner and area managers
    restricted = Boolean(default=False)
    version = Integer(default=1)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class Person(Table, tablename="person"):
    """A person in a family's household: a child, a parent or carer, or another adult."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    given_names = Varchar(length=200)
    family_name = Varchar(length=200)
    other_names = Varchar(length=400, default="")  # aliases and previous names
    date_of_birth = Date(null=True, default=None)
    expected_date = Date(null=True, default=None)  # an unborn child's expected date of birth
    gender = Varchar(length=50, default="")
    role = Varchar(length=20)  # child / parent_carer / other_adult
    nhs_number = Varchar(length=10, default="", index=True)
    # why a child has none: a key of NHS_NUMBER_ABSENT (portal.families.forms)
    nhs_number_absent = Varchar(length=30, default="")
    unique_pupil_number = Varchar(length=13, default="")
    # blank when the person lives at the family's address
    address = Varchar(length=400, default="")
    created_by = ForeignKey(references=PortalUser, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    version = Integer(default=1)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class PersonSearchKey(Table, tablename="person_search_key"):
    """Blocking keys for find-before-create (phonetic names, dates of birth,
    NHS numbers), so a search fetches a few candidates by index before scoring."""

    id = Serial(primary_key=True)
    person = ForeignKey(references=Person, null=False, index=True)
    key = Varchar(length=120, index=True)


class Relationship(Table, tablename="person_relationship"):
    """ "<person> is the <relationship> of <relative>", e.g. mother of, sibling of."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    person = ForeignKey(references=Person, null=False)
    relative = ForeignKey(references=Person, null=False)
    relationship = Varchar(length=50)
    created_by = ForeignKey(references=PortalUser, null=True)
    created_at = Timestamptz()
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class AreaTransfer(Table, tablename="area_transfer"):
    """A family moving area or locality; the receiving area's plugin is told."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    from_area = Varchar(length=50)
    from_locality = Varchar(length=50)
    to_area = Varchar(length=50)
    to_locality = Varchar(length=50)
    reason = Text(default="")
    moved_by = ForeignKey(references=PortalUser, null=True)
    moved_at = Timestamptz()
