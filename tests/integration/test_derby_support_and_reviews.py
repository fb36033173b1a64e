"""Derby: a Multi-Agency Team member answers a pre-assessment's request for
low-level support (take it on or decline it), a pre-assessment's reviews are
kept, and the VCM pages that only read never create a meeting series."""

from __future__ import annotations

import re
from typing import Any

from portal_derby.tables import DerbyPreAssessment, DerbyPreAssessmentReview

from portal.audit.tables import AuditEvent
from portal.meetings.tables import MeetingSeries
from portal.notify.tables import Notification
from portal.teams import service as teams
from portal.teams.tables import QueueEntry
from tests.integration.test_derby_pre_assessment import create_pre, new_family, pre_row
from tests.integration.test_derby_vcm import (
    completed_assessment,
    derby,  # noqa: F401 - the fixture
    post_staff,
    pre_form,
    submission_row,
    submit,
)
from tests.support.portal import Portal, as_user, post

ASKED = "A place in the MAT's morning routine group"


def ask_for_support(portal: Portal) -> tuple[int, int, str]:
    """As derby.school: a North family's pre-assessment with a support request."""
    family_id, child_id = new_family(portal)
    url = create_pre(portal, family_id, child_id)
    asked = post(
        portal,
        url + "/support",
        {
            "support_consent": "yes",
            "support_consent_by": "Sarah Smith-Jones, mother",
            "support_request": ASKED,
        },
    )
    assert asked.status_code == 303
    return family_id, int(pre_row(portal)["id"]), url


def entries(portal: Portal, kind: str) -> list[dict[str, Any]]:
    return portal.run(QueueEntry.select().where(QueueEntry.kind == kind).run)


def kinds_for(portal: Portal, recipient: int) -> list[str]:
    rows = portal.run(Notification.select().where(Notification.recipient == recipient).run)
    return [r["kind"] for r in rows]


def audited(portal: Portal, action: str) -> int:
    return int(portal.run(AuditEvent.count().where(AuditEvent.action == action).run))


def test_a_mat_member_takes_a_support_request_on(derby: Portal) -> None:  # noqa: F811
    ids = post_staff(derby)
    family_id, pre_id, url = ask_for_support(derby)
    respond = f"/derby/support-requests/{pre_id}"

    as_user(derby, "derby.mat")
    listed = derby.client.get("/derby/allocations").text
    assert f'href="{respond}"' in listed
    page = derby.client.get(respond)
    assert page.status_code == 200
    assert "Take this on" in page.text and "Decline" in page.text
    version = str(pre_row(derby)["version"])
    blank = post(derby, respond + "/take", {"support_plan": " ", "version": version})
    assert blank.status_code == 422
    assert "<title>Error:" in blank.text, blank.text
    assert "Enter what support you will give" in blank.text
    assert 'href="#support_plan"' in blank.text
    assert pre_row(derby)["support_outcome"] == ""

    plan = "Weekly mentoring sessions at school for six weeks"
    taken = post(derby, respond + "/take", {"support_plan": plan, "version": version})
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/derby/allocations?taken={pre_id}"
    again = post(derby, respond + "/take", {"support_plan": plan, "version": version})
    assert again.status_code == 303  # a double click changes nothing more
    row = pre_row(derby)
    assert row["support_outcome"] == "taken" and row["support_response"] == plan
    assert row["support_responded_by"] == ids["priya.chandran"]
    [team_entry] = entries(derby, "derby_support_request")
    assert team_entry["closed_at"] is not None
    [mine] = entries(derby, "derby_support_taken")
    assert mine["assigned_to"] == ids["priya.chandran"] and mine["closed_at"] is None
    assert row["support_allocation_entry_id"] == mine["id"]
    assert derby.client.get(f"/families/{family_id}").status_code == 200  # access kept
    assert "Taken on" in derby.client.get("/derby/allocations").text
    assert audited(derby, "derby_support_taken") == 1
    assert kinds_for(derby, ids["hannah.ashworth"]).count("derby_support_taken") == 1

    # Another member of the team is too late; nothing changes.
    derby.run(teams.add_team_member, None, "derby", "mat:north", ids["grace.whitfield"], "Clerk")
    as_user(derby, "derby.spa")
    late = post(derby, respond + "/decline", {"decline_reason": "No capacity", "version": version})
    assert late.status_code == 409
    assert "already answered" in late.text
    assert pre_row(derby)["support_outcome"] == "taken"

    as_user(derby, "derby.school")
    shown = derby.client.get(url).text
    assert "Priya Chandran" in shown and plan in shown and "took the request on" in shown


def test_a_mat_member_declines_a_support_request_with_a_reason(derby: Portal) -> None:  # noqa: F811
    ids = post_staff(derby)
    family_id, pre_id, url = ask_for_support(derby)
    respond = f"/derby/support-requests/{pre_id}"

    as_user(derby, "derby.spa")  # not in the North MAT
    assert derby.client.get(respond).status_code == 404
    refused = post(derby, respond + "/decline", {"decline_reason": "x", "version": "1"})
    assert refused.status_code == 404

    as_user(derby, "derby.mat")
    opened_at = str(pre_row(derby)["version"])
    as_user(derby, "derby.school")  # the practitioner reviews it meanwhile
    reviewed = post(
        derby, url, {**pre_form(child=str(pre_row(derby)["child"])), "version": opened_at}
    )
    assert reviewed.status_code == 303
    as_user(derby, "derby.mat")
    reason = "The needs are beyond what the team can offer"
    stale = post(derby, respond + "/decline", {"decline_reason": reason, "version": opened_at})
    assert stale.status_code == 409
    assert "changed after you opened this page" in stale.text and reason in stale.text
    assert pre_row(derby)["support_outcome"] == ""

    blank = post(derby, respond + "/decline", {"decline_reason": "", "version": opened_at})
    assert blank.status_code == 422
    assert "Enter why you are declining the request" in blank.text
    current = str(pre_row(derby)["version"])
    declined = post(derby, respond + "/decline", {"decline_reason": reason, "version": current})
    assert declined.status_code == 303
    row = pre_row(derby)
    assert row["support_outcome"] == "declined" and row["support_response"] == reason
    assert all(e["closed_at"] is not None for e in entries(derby, "derby_support_request"))
    assert entries(derby, "derby_support_taken") == []
    assert derby.client.get(f"/families/{family_id}").status_code == 403  # access ended
    assert "Declined" in derby.client.get("/derby/allocations").text
    assert audited(derby, "derby_support_declined") == 1
    assert "derby_support_declined" in kinds_for(derby, ids["hannah.ashworth"])

    as_user(derby, "derby.school")
    shown = derby.client.get(url).text
    assert "declined the request" in shown and "beyond what the team can offer" in shown


def test_each_review_is_kept_with_who_when_and_what_changed(derby: Portal) -> None:  # noqa: F811
    family_id, child_id = new_family(derby)
    url = create_pre(derby, family_id, child_id)
    assert "has not been reviewed since it was recorded" in derby.client.get(url).text
    first = pre_row(derby)
    changed = pre_form(child=str(child_id), action_plan="Breakfast club and a weekly check-in")
    assert post(derby, url, {**changed, "version": str(first["version"])}).status_code == 303
    same = pre_form(child=str(child_id), action_plan="Breakfast club and a weekly check-in")
    second = pre_row(derby)
    assert post(derby, url, {**same, "version": str(second["version"])}).status_code == 303
    stale = post(derby, url, {**pre_form(child=str(child_id)), "version": str(first["version"])})
    assert stale.status_code == 409

    reviews = derby.run(DerbyPreAssessmentReview.select().order_by(DerbyPreAssessmentReview.id).run)
    assert len(reviews) == 2  # the stale save kept no review
    assert [r["version"] for r in reviews] == [first["version"] + 1, second["version"] + 1]
    assert reviews[0]["pre_assessment"] == first["id"]
    assert '"label": "Single-agency action plan"' in reviews[0]["changes"]
    assert pre_form()["action_plan"] in reviews[0]["changes"]  # what it said before
    assert reviews[1]["changes"] == "[]"
    page = derby.client.get(url).text
    section = page[page.index('id="reviews"') :]
    assert "Single-agency action plan" in section
    assert "Reviewed with no changes" in section
    assert section.count("Hannah Ashworth") == 2
    assert derby.run(DerbyPreAssessment.count().run) == 1


def test_reading_the_vcm_pages_never_creates_a_series(derby: Portal) -> None:  # noqa: F811
    post_staff(derby)
    family_id, assessment_id = completed_assessment(derby)
    submission_id = submit(derby, family_id, assessment_id)

    def series_count() -> int:
        return int(derby.run(MeetingSeries.count().where(MeetingSeries.area == "derby").run))

    as_user(derby, "derby.vcm")
    page = derby.client.get("/derby/meetings")
    assert page.status_code == 200
    assert "North Vulnerable Children&#39;s Meeting" in page.text
    assert "Every Tuesday at 10am" in page.text and "Every Thursday at 1:30pm" in page.text
    as_user(derby, "derby.spa")
    item = derby.client.get(f"/derby/inbox/{submission_id}")
    assert item.status_code == 200
    slot = re.search(r'name="starts_at" type="radio" value="([^"]+)"', item.text)
    assert slot is not None  # the default schedule's slots are offered
    assert series_count() == 0

    version = str(submission_row(derby, submission_id)["version"])
    placed = post(
        derby,
        f"/derby/inbox/{submission_id}/place",
        {"starts_at": slot.group(1), "version": version},
    )
    assert placed.status_code == 303, placed.text
    assert series_count() == 1  # created by the write that needs it
    as_user(derby, "derby.vcm")
    assert "No cases on an agenda yet" in derby.client.get("/derby/meetings").text  # others
    assert series_count() == 1
