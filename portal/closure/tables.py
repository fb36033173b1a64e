"""Closing an episode of early help with its outcome, and reopening."""

from piccolo.columns import Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family


class Closure(Table, tablename="family_closure"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    # needs_met / consent_withdrawn / stepped_up / moved_away / other
    reason = Varchar(length=30)
    detail = Text(default="")  # required for "other"
    summary = Text(default="")  # the closing summary
    closed_by = ForeignKey(references=PortalUser, null=False)
    closed_at = Timestamptz()
    reopened_by = ForeignKey(references=PortalUser, null=True, default=None)
    reopened_at = Timestamptz(null=True, default=None)
    reopen_reason = Text(default="")
    # The episode's open work this closure ended: its open TAF actions (closed
    # with the episode, open again on reopening) and the next review it cancelled.
    actions_closed = Integer(default=0)
    review_cancelled_on = Date(null=True, default=None)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)
