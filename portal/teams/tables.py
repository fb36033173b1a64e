"""A request held by an area team, and who is in which team."""

from piccolo.columns import ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser
from portal.families.tables import Family


class QueueEntry(Table, tablename="queue_entry"):
    """A family's request in an area inbox. While it is open, the people who work
    that inbox (holders of one of ``roles``, and members of ``team`` if set) and
    the person it is assigned to may open the family's record."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    area = Varchar(length=40)
    queue = Varchar(length=80, index=True)  # the plugin's inbox name, e.g. "spa:north"
    roles = Varchar(length=300, default="")  # space-separated portal roles that work it
    team = Varchar(length=80, default="")  # only this team's members, if set
    assigned_to = ForeignKey(references=PortalUser, null=True, default=None, index=True)
    kind = Varchar(length=60)  # the plugin's record type, e.g. "vcm_submission"
    record_id = Integer()  # that record's id in the plugin's table
    opened_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)


class TeamMember(Table, tablename="team_member"):
    """A user posted to one of an area's teams (a locality SPA inbox, a MAT, a
    district Early Help Team). Area managers manage these; removal is kept."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=PortalUser, null=False, index=True)
    area = Varchar(length=40)
    team = Varchar(length=80)
    role = Varchar(length=200, default="")  # what they do in the team, e.g. "Youth worker"
    added_by = ForeignKey(references=PortalUser, null=True, default=None)
    added_at = Timestamptz()
    removed_at = Timestamptz(null=True, default=None)
