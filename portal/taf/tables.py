"""The Team Around the Family: members, meetings, the action plan and reviews."""

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
from portal.families.tables import Family, Person


class TafMember(Table, tablename="taf_member"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    # practitioner (a portal user) / family_member (a person on the record) /
    # external (a contact without a portal account)
    kind = Varchar(length=20, default="practitioner")
    user = ForeignKey(references=PortalUser, null=True, index=True)
    person = ForeignKey(references=Person, null=True, default=None)
    name = Varchar(length=200)
    agency = Varchar(length=200, default="")
    role = Varchar(length=200, default="")
    email = Varchar(length=200, default="")
    phone = Varchar(length=50, default="")
    added_at = Timestamptz()
    removed_at = Timestamptz(null=True, default=None)
    # no idempotency key: adding someone who is already a member changes nothing


class TafMeeting(Table, tablename="taf_meeting"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    # taf / review / professional (family not present) / transition (step-down)
    kind = Varchar(length=20, default="taf")
    held_on = Date()
    chair = Varchar(length=200, default="")
    family_attended = Boolean(default=True)
    # professional meetings only: why the family is excluded, whether they were told
    exclusion_reason = Text(default="")
    family_told = Boolean(null=True, default=None)
    not_told_reason = Text(default="")
    minutes = Text(default="")
    next_review_on = Date(null=True, default=None)  # agreed at the meeting
    # The review this meeting agreed, when closing the family's early help
    # cancelled it (next_review_on is then None): kept to show what was planned.
    cancelled_review_on = Date(null=True, default=None)
    recorded_by = ForeignKey(references=PortalUser, null=False)
    recorded_at = Timestamptz()
    version = Integer(default=1)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class MeetingAttendee(Table, tablename="taf_meeting_attendee"):
    id = Serial(primary_key=True)
    meeting = ForeignKey(references=TafMeeting, null=False, index=True)
    member = ForeignKey(references=TafMember, null=False)


class FamilyGoal(Table, tablename="family_goal"):
    """A goal in the family's words; stable across reviews unless circumstances change."""

    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    text = Text()
    how_we_will_know = Text(default="")
    created_by = ForeignKey(references=PortalUser, null=False)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    archived_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class GoalChange(Table, tablename="family_goal_change"):
    """Each rewording of a goal, so drift is visible."""

    id = Serial(primary_key=True)
    goal = ForeignKey(references=FamilyGoal, null=False, index=True)
    old_text = Text()
    new_text = Text()
    reason = Text(default="")
    changed_by = ForeignKey(references=PortalUser, null=False)
    changed_at = Timestamptz()


class PlanAction(Table, tablename="plan_action"):
    id = Serial(primary_key=True)
    family = ForeignKey(references=Family, null=False, index=True)
    goal = ForeignKey(references=FamilyGoal, null=True, default=None)
    what = Text()
    owner = ForeignKey(references=TafMember, null=False, index=True)  # who
    due_on = Date(index=True)
    status = Varchar(
        length=20, default="not_started"
    )  # not_started / in_progress / done / cancelled / closed_with_episode
    # While closed_with_episode: the status it had when the family's early help
    # closed, given back when it reopens (portal.closure.service).
    status_before_closure = Varchar(length=20, default="")
    progress_note = Text(default="")
    created_by = ForeignKey(references=PortalUser, null=False)
    created_at = Timestamptz()
    updated_by = ForeignKey(references=PortalUser, null=True, default=None)
    updated_at = Timestamptz()
    version = Integer(default=1)
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)


class GoalScore(Table, tablename="family_goal_score"):
    """Progress against a goal at a review: the scaling question, 0 to 10."""

    id = Serial(primary_key=True)
    meeting = ForeignKey(references=TafMeeting, null=False, index=True)
    goal = ForeignKey(references=FamilyGoal, null=False, index=True)
    score = Integer()
    comment = Text(default="")
