"""Team Around the Family rules that need no database: professional meetings
(PROCESS.md step 8), the next review, drift, overdue actions, and who may
manage the team or update an action."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from portal.families.tables import Family
from portal.kernel.users import CurrentUser
from portal.taf.actions import is_overdue, may_update
from portal.taf.goals import drift_of
from portal.taf.reviews import NewMeeting, meeting_problems, review_state
from portal.taf.service import can_manage

DAY = date(2026, 3, 2)


def meeting(**changes: Any) -> NewMeeting:
    values: dict[str, Any] = {
        "kind": "taf",
        "held_on": DAY,
        "chair": "Hannah",
        "family_attended": True,
        "minutes": "",
    }
    return NewMeeting(**{**values, **changes})


def test_a_family_meeting_needs_no_reasons() -> None:
    assert meeting_problems(meeting()) == {}


def test_a_professional_meeting_says_why_the_family_is_not_there_and_if_they_were_told() -> None:
    assert meeting_problems(meeting(kind="professional", family_attended=False)) == {
        "exclusion_reason": "Enter why the family is not at this meeting",
        "family_told": "Select whether the family was told about this meeting",
    }
    told = meeting(kind="professional", exclusion_reason="Sharing a concern", family_told=True)
    assert meeting_problems(told) == {}
    not_told = meeting(kind="professional", exclusion_reason="Sharing", family_told=False)
    assert meeting_problems(not_told) == {
        "not_told_reason": "Enter why the family was not told about this meeting"
    }
    blank = meeting(kind="professional", exclusion_reason="   ", family_told=True)
    assert "exclusion_reason" in meeting_problems(blank)


def test_the_next_review_comes_after_the_meeting() -> None:
    assert "next_review" in meeting_problems(meeting(next_review_on=DAY))
    assert meeting_problems(meeting(next_review_on=DAY + timedelta(days=1))) == {}
    assert "kind" in meeting_problems(meeting(kind="party"))


def test_a_review_is_overdue_once_its_date_has_passed() -> None:
    latest = {"next_review_on": DAY}
    assert review_state(latest, DAY) == {"next_review_on": DAY, "review_overdue": False}
    assert review_state(latest, DAY + timedelta(days=1))["review_overdue"] is True
    assert review_state(None, DAY) == {"next_review_on": None, "review_overdue": False}


def test_drift_counts_only_after_the_first_completed_assessment() -> None:
    assessed = datetime(2026, 3, 1, 12, tzinfo=UTC)
    before, after = assessed - timedelta(days=1), assessed + timedelta(days=1)
    goal = {"created_at": before}
    assert drift_of(goal, [], None) == ""
    assert drift_of(goal, [{"changed_at": after}], None) == ""  # no assessment: no drift
    assert drift_of(goal, [], assessed) == ""
    assert drift_of(goal, [{"changed_at": before}], assessed) == ""
    assert drift_of(goal, [{"changed_at": after}], assessed) == "Changed since the assessment"
    assert drift_of({"created_at": after}, [], assessed) == "Added after the assessment"


def test_open_actions_past_their_date_are_overdue() -> None:
    assert is_overdue({"status": "not_started", "due_on": DAY}, DAY + timedelta(days=1))
    assert is_overdue({"status": "in_progress", "due_on": DAY}, DAY + timedelta(days=1))
    assert not is_overdue({"status": "in_progress", "due_on": DAY}, DAY)
    assert not is_overdue({"status": "done", "due_on": DAY}, DAY + timedelta(days=9))
    assert not is_overdue({"status": "cancelled", "due_on": DAY}, DAY + timedelta(days=9))


def family_of(created_by: int, lead: int | None) -> Family:
    """The three columns the rules read (a real Family needs a database engine)."""
    return cast(
        Family, SimpleNamespace(area="derby", created_by=created_by, lead_practitioner=lead)
    )


def user(uid: int, *roles: str) -> CurrentUser:
    return CurrentUser(uid, f"User {uid}", "", "", frozenset(roles or ["derby.practitioner"]))


def test_who_manages_the_team() -> None:
    led = family_of(1, lead=2)
    assert can_manage(user(2), led)  # the lead
    assert not can_manage(user(1), led)  # the creator, once there is a lead
    assert can_manage(user(9, "derby.area_manager"), led)
    assert not can_manage(user(9, "derbyshire.area_manager"), led)
    unled = family_of(1, lead=None)
    assert can_manage(user(1), unled)
    assert not can_manage(user(3), unled)


def test_a_member_updates_only_their_own_actions() -> None:
    family = family_of(1, lead=2)
    action = {"owner_user": 5, "owner_removed_at": None}
    assert may_update(user(5), family, action)
    assert not may_update(user(6), family, action)
    assert may_update(user(2), family, action)  # the lead: any action
    removed = {"owner_user": 5, "owner_removed_at": datetime(2026, 3, 1, tzinfo=UTC)}
    assert not may_update(user(5), family, removed)
