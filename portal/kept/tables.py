"""What a practitioner typed into a form that arrived after their session ended."""

from piccolo.columns import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from portal.auth.tables import PortalUser


class KeptForm(Table, tablename="kept_form"):
    id = Serial(primary_key=True)
    author = ForeignKey(references=PortalUser, null=False, index=True)
    action = Varchar(length=500)  # the portal path (and query) the form was sent to
    came_from = Varchar(length=500, default="")  # the page the form was on, if known
    fields = Text(default="[]")  # JSON [[name, value], ...] in the order sent
    files_left_out = Varchar(length=500, default="")  # names of attached files not kept
    kept_at = Timestamptz()
    # set when sent again or discarded: the page then says so, never shows it again
    closed_at = Timestamptz(null=True, default=None)
