"""The outbox: in-app notifications and the emails a worker sends for them."""

from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser


class Notification(Table, tablename="notification"):
    id = Serial(primary_key=True)
    recipient = ForeignKey(references=PortalUser, null=False, index=True)
    # added_to_taf / action_assigned / review_due / assessment_due / lead_transfer ...
    kind = Varchar(length=40)
    message = Varchar(length=300)  # never a child's details: it is also the email
    link = Varchar(length=300)  # a path inside the portal
    # The family it is about: a plain number (notify sits below families), named
    # when the list is shown, to a recipient who may still open the family.
    family_id = Integer(null=True, default=None, index=True)
    # What was decided, for the portal only (never emailed): shown with the family.
    detail = Varchar(length=300, default="")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
    # one notification per event, e.g. "review_due:meeting:12:user:5"
    dedupe_key = Varchar(length=200, unique=True)


class OutboxEmail(Table, tablename="outbox_email"):
    id = Serial(primary_key=True)
    notification = ForeignKey(references=Notification, null=False, index=True)
    to_address = Varchar(length=320)
    subject = Varchar(length=200)
    body = Text()
    # pending / sending / sent / failed / unknown (a worker stopped mid-send)
    status = Varchar(length=20, default="pending", index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz()
    claimed_by = Varchar(length=100, default="")
    claimed_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Varchar(length=500, default="")
    message_id = Varchar(length=200, unique=True)
