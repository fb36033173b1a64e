"""A call to the area's advice line about a family, and what it advised."""

from piccolo.columns import Boolean, Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family


class Consultation(Table, tablename="consultation"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    line = Varchar(length=200, default="")  # the advice line's name when called
    consulted_on = Date()
    adviser_name = Varchar(length=200, default="")
    question = Text(default="")
    advice = Text(default="")
    significant_harm = Boolean(default=False)  # advised to refer to children's social care
    recorded_by = ForeignKey(references=PortalUser, null=True, default=None)
    recorded_at = Timestamptz()
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)
