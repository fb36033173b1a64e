"""Meeting series (a weekly slot), meetings, their agenda items and attendance."""

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family
from portal.teams.tables import QueueEntry


class MeetingSeries(Table, tablename="meeting_series"):
    """A weekly meeting of one area team, e.g. Derby North's VCM on Tuesdays at 10:00."""

    id = Serial(primary_key=True)
    area = Varchar(length=40)
    key = Varchar(length=80, unique=True)  # "<area>:<plugin's name>", e.g. "derby:vcm:north"
    title = Varchar(length=200)
    weekday = Integer(default=1)  # Monday 0 ... Sunday 6
    start_time = Varchar(length=5, default="10:00")  # HH:MM, UK local time
    location = Varchar(length=200, default="")
    chair_roles = Varchar(length=300, default="")  # space-separated roles that may chair
    team = Varchar(length=80, default="")  # if set, chairs must also be in this team
    version = Integer(default=1)


class Meeting(Table, tablename="agenda_meeting"):  # "meeting_series" index would clash
    id = Serial(primary_key=True)
    series = ForeignKey(references=MeetingSeries, null=False, index=True)
    starts_at = Timestamptz()
    status = Varchar(length=20, default="scheduled")  # scheduled / held / cancelled
    chaired_by = ForeignKey(references=PortalUser, null=True, default=None)
    notes = Text(default="")  # general minutes, beyond each case's decision
    held_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class AgendaItem(Table, tablename="agenda_item"):
    """One case on a meeting's agenda and, once discussed, its one decision."""

    id = Serial(primary_key=True)
    meeting = ForeignKey(references=Meeting, null=False, index=True)
    family = ForeignKey(references=Family, null=False, index=True)
    queue_entry = ForeignKey(references=QueueEntry, null=True, default=None)
    kind = Varchar(length=60)  # the plugin's record type that put it here
    record_id = Integer()
    summary = Varchar(length=300, default="")  # no names: what the case is about
    position = Integer(default=0)
    added_by = ForeignKey(references=PortalUser, null=True, default=None)
    added_at = Timestamptz()
    outcome = Varchar(length=60, default="")  # a key of the plugin's outcomes; "" = undecided
    outcome_label = Varchar(length=200, default="")
    decision = Text(default="")  # the minuted reasons / which services / who
    allocated_to = ForeignKey(references=PortalUser, null=True, default=None)
    allocated_team = Varchar(length=80, default="")
    decided_by = ForeignKey(references=PortalUser, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class MeetingAttendance(Table, tablename="meeting_attendance"):
    id = Serial(primary_key=True)
    meeting = ForeignKey(references=Meeting, null=False, index=True)
    user = ForeignKey(references=PortalUser, null=True, default=None)
    name = Varchar(length=200)
    organisation = Varchar(length=200, default="")
    present = Boolean(default=True)  # False: sent apologies
