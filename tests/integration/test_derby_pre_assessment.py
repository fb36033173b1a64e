"""Derby's plugin on both databases: the Early Help Pre-Assessment (a review
that cannot overwrite a colleague's, a full assessment started with its answers
carried across, a low-level support request to the MAT with consent), the
Professional Consultation Line leading to the referral route, checking for
existing involvement, and the demo data hook."""

from __future__ import annotations

import json
import re
from typing import Any

from portal_derby.tables import DerbyPreAssessment, DerbyVcmSubmission

from portal.assessments.tables import AssessmentSection
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.meetings.tables import MeetingSeries
from portal.plugins import build_demo_manager, call_for_area
from portal.teams import service as teams
from portal.teams.tables import QueueEntry, TeamMember
from tests.integration.test_assessments import child_of, give_consent
from tests.integration.test_derby_vcm import (
    completed_assessment,
    derby,  # noqa: F401 - the fixture
    post_staff,
    pre_form,
)
from tests.support.portal import Portal, as_user, create_family, post, user_id


def new_family(portal: Portal) -> tuple[int, int]:
    portal.client.cookies.clear()
    portal.sign_in("derby.school")
    family_id = create_family(portal)
    return family_id, child_of(portal, family_id)


def create_pre(portal: Portal, family_id: int, child_id: int, **overrides: Any) -> str:
    response = post(
        portal,
        f"/derby/families/{family_id}/pre-assessments",
        pre_form(child=str(child_id), **overrides),
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def pre_row(portal: Portal) -> dict[str, Any]:
    row = portal.run(DerbyPreAssessment.select().first().run)
    assert row is not None
    return row


def test_a_pre_assessment_is_checked_saved_once_and_reviewed_without_overwriting(
    derby: Portal,  # noqa: F811
) -> None:
    family_id, child_id = new_family(derby)
    page = derby.client.get(f"/derby/families/{family_id}")
    assert "Start a pre-assessment" in page.text
    bad = post(
        derby,
        f"/derby/families/{family_id}/pre-assessments",
        pre_form(child=str(child_id), needs="", action_plan="", strengths="Kept strengths"),
    )
    assert bad.status_code == 422
    assert "Enter the needs" in bad.text and "Enter the single-agency action plan" in bad.text
    assert "Kept strengths" in bad.text and "<title>Error:" in bad.text
    url = create_pre(derby, family_id, child_id)
    assert create_pre(derby, family_id, child_id) == url  # a double click makes one
    assert derby.run(DerbyPreAssessment.count().run) == 1
    assert re.fullmatch(rf"/derby/families/{family_id}/pre-assessments/\d+", url)

    version = str(pre_row(derby)["version"])
    review = pre_form(child=str(child_id), action_plan="Breakfast club, and a check-in weekly")
    saved = post(derby, url, {**review, "version": version})
    assert saved.status_code == 303
    assert pre_row(derby)["action_plan"] == "Breakfast club, and a check-in weekly"
    stale = post(
        derby, url, {**pre_form(child=str(child_id), needs="Older text"), "version": version}
    )
    assert stale.status_code == 409
    assert "Older text" in stale.text  # kept, ready to save over the newer version
    assert pre_row(derby)["needs"] != "Older text"

    # Another family's pre-assessment id is not found through this family.
    other_id, _ = new_family(derby)
    pre_id = pre_row(derby)["id"]
    assert (
        derby.client.get(f"/derby/families/{other_id}/pre-assessments/{pre_id}").status_code == 404
    )


def test_a_full_assessment_starts_with_the_pre_assessments_answers(
    derby: Portal,  # noqa: F811
) -> None:
    family_id, child_id = new_family(derby)
    url = create_pre(derby, family_id, child_id, conclusion="eha_needed")
    start = url + "/assessment"
    refused = post(derby, start, {"form_key": "eha-1"})
    assert refused.status_code == 422 and "consent" in refused.text.lower()
    give_consent(derby, family_id, child_id)
    started = post(derby, start, {"form_key": "eha-2"})
    assert started.status_code == 303
    match = re.fullmatch(rf"/families/{family_id}/assessments/(\d+)", started.headers["location"])
    assert match
    assessment_id = int(match.group(1))
    assert (
        post(derby, start, {"form_key": "eha-3"}).headers["location"] == started.headers["location"]
    )
    sections = {
        row["section"]: row
        for row in derby.run(
            AssessmentSection.select().where(AssessmentSection.assessment == assessment_id).run
        )
    }
    needs = json.loads(sections["needs"]["content"])
    assert needs["children_needs"] == pre_form()["needs"]
    assert sections["needs"]["status"] == "in_progress"  # starting text, not complete
    assert (
        json.loads(sections["child_voice"]["content"])["wishes_feelings"]
        == (pre_form()["child_views"])
    )
    assert json.loads(sections["parents_views"]["content"])["views"] == pre_form()["parent_views"]
    assert sections["analysis"]["status"] == "not_started"
    row = pre_row(derby)
    assert row["assessment_id"] == assessment_id and row["conclusion"] == "eha_needed"
    assert f"/families/{family_id}/assessments/{assessment_id}" in derby.client.get(url).text


def test_low_level_support_needs_consent_and_reaches_the_mat(derby: Portal) -> None:  # noqa: F811
    ids = post_staff(derby)
    family_id, child_id = new_family(derby)
    url = create_pre(derby, family_id, child_id)
    no = post(derby, url + "/support", {"support_consent": "no", "support_request": "Keep me"})
    assert no.status_code == 422
    assert "with the family&#39;s consent" in no.text and "Keep me" in no.text
    assert derby.run(QueueEntry.count().where(QueueEntry.kind == "derby_support_request").run) == 0
    as_user(derby, "derby.mat")
    assert derby.client.get(f"/families/{family_id}").status_code == 403

    as_user(derby, "derby.school")
    ok = post(
        derby,
        url + "/support",
        {
            "support_consent": "yes",
            "support_consent_by": "Sarah Smith-Jones, mother",
            "support_request": "A place in the MAT's morning routine group",
        },
    )
    assert ok.status_code == 303
    entry = derby.run(
        QueueEntry.select().where(QueueEntry.kind == "derby_support_request").first().run
    )
    assert entry is not None
    assert entry["team"] == "mat:north" and entry["closed_at"] is None
    assert "A place in the MAT&#39;s morning routine group" in derby.client.get(url).text

    as_user(derby, "derby.mat")
    assert derby.client.get(f"/families/{family_id}").status_code == 200
    listed = derby.client.get("/derby/allocations").text
    assert "A place in the MAT&#39;s morning routine group" in listed
    assert user_id(derby, "priya.chandran") == ids["priya.chandran"]


def test_the_derby_page_points_to_the_consultation_line_and_the_record(
    derby: Portal,  # noqa: F811
) -> None:
    family_id, _ = new_family(derby)
    page = derby.client.get(f"/derby/families/{family_id}").text
    assert "Children&#39;s Services Professional Consultation Line" in page
    assert "01332 641172" in page
    # consultations are the core's (tests/integration/test_consultations.py)
    assert f'href="/families/{family_id}/consultations/new"' in page
    assert f'href="/families/{family_id}#advice"' in page


def test_checking_existing_involvement_names_the_lead_or_the_locality_clerk(
    derby: Portal,  # noqa: F811
) -> None:
    post_staff(derby)
    family_id, _ = new_family(derby)
    page = derby.client.get(f"/derby/families/{family_id}").text
    assert "No Lead Practitioner is recorded" in page
    assert "Grace Whitfield" in page  # North's SPA clerk
    about = derby.client.get("/derby/").text
    assert 'href="/families/find"' in about and f'href="/derby/families/{family_id}"' in about
    assert post(derby, f"/families/{family_id}/lead/take", {}).status_code == 303
    as_user(derby, "derby.manager")
    page = derby.client.get(f"/derby/families/{family_id}").text
    assert "Hannah Ashworth" in page and "is this family's Lead Practitioner" in page


def test_navigation_shows_each_role_its_derby_pages(derby: Portal) -> None:  # noqa: F811
    as_user(derby, "derby.spa")
    home = derby.client.get("/").text
    assert 'href="/derby/inbox"' in home and 'href="/derby/"' in home
    as_user(derby, "derby.school")
    home = derby.client.get("/").text
    assert 'href="/derby/"' in home and 'href="/derby/inbox"' not in home
    assert derby.client.get("/derby/inbox").status_code == 403


def test_demo_data_posts_staff_makes_series_and_submissions(derby: Portal) -> None:  # noqa: F811
    post_staff(derby)
    completed_assessment(derby)
    completed_assessment(derby)
    users = {
        u.email.split("@")[0]: current_user_from(u) for u in derby.run(PortalUser.objects().run)
    }
    demo = build_demo_manager(("derby",))
    loading = call_for_area(demo, "derby", "portal_demo_data", users=users)
    made = derby.run(lambda: loading)
    assert made == 2
    keys = {r["key"] for r in derby.run(MeetingSeries.select(MeetingSeries.key).run)}
    assert {"derby:vcm:north", "derby:vcm:south", "derby:vcm:east", "derby:vcm:west"} <= keys
    members = derby.run(teams.team_members, "derby", "mat:north")
    assert [(m["name"], m["role"]) for m in members] == [("Priya Chandran", "Youth worker")]
    statuses = sorted(r["status"] for r in derby.run(DerbyVcmSubmission.select().run))
    assert statuses == ["on_agenda", "returned"]
    again = call_for_area(demo, "derby", "portal_demo_data", users=users)
    assert derby.run(lambda: again) == 0  # a second run adds nothing
    assert derby.run(TeamMember.count().where(TeamMember.removed_at.is_null()).run) == 3
