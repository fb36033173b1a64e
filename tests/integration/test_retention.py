"""`portal retention` on both databases: it selects exactly the records past
their date, dry-run changes nothing, and --apply deletes each due family's
whole record (an area's own rows included) leaving an audit trace with no
personal data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from piccolo.table import Table
from portal_derby.tables import DerbyPreAssessment, DerbyPreAssessmentReview

from portal.access.tables import BreakGlassGrant
from portal.assessments.tables import (
    Assessment,
    AssessmentAppendix,
    AssessmentSection,
    AssessmentVersion,
    SectionDraft,
)
from portal.audit import service as audit
from portal.audit.tables import AuditEvent
from portal.auth.tables import LoginAttempt, PortalSession, PortalUser
from portal.closure.tables import Closure
from portal.consent.tables import ConsentRecord, ConsentWithdrawal
from portal.consultations.tables import Consultation
from portal.families.tables import Family, Person, PersonSearchKey, Relationship
from portal.kept.tables import KeptForm
from portal.lead.tables import LeadSpell
from portal.notify.tables import Notification, OutboxEmail
from portal.sharing.tables import SharingDecision
from portal.taf.tables import (
    FamilyGoal,
    GoalScore,
    MeetingAttendee,
    PlanAction,
    TafMeeting,
    TafMember,
)
from portal.teams.tables import QueueEntry
from tests.integration.test_cli import run_cli
from tests.support.portal import Portal
from tests.support.processes import portal_env

AS_OF = date(2026, 11, 2)  # `--as-of`: the tests do not depend on the day they run
LONG_AGO = datetime(1999, 1, 4, 10, tzinfo=UTC)
Rows = dict[type[Table], list[int]]


def born_25_years_before(days_before: int) -> date:
    """A date of birth whose 25th birthday is ``days_before`` days before AS_OF."""
    day = AS_OF - timedelta(days=days_before)
    return day.replace(year=day.year - 25)


async def add(rows: Rows, table: type[Table], **values: Any) -> int:
    inserted = await table.insert(table(**values)).returning(table._meta.primary_key)
    row_id = int(inserted[0]["id"])
    rows.setdefault(table, []).append(row_id)
    return row_id


async def a_user() -> int:
    user = PortalUser(
        identity_key="https://idp.example retention-test",
        issuer="https://idp.example",
        subject="retention-test",
        display_name="Pat Practitioner",
        created_at=LONG_AGO,
    )
    await user.save()
    return int(user.id)


async def family(
    user: int,
    name: str,
    children: list[date | None],
    *,
    status: str = "closed",
    closed_at: datetime = LONG_AGO,
    full: bool = False,
) -> Rows:
    """A family (one parent, these children) and, if ``full``, a row in every
    table that hangs off a family's record, the Derby and Derbyshire areas' included."""
    rows: Rows = {}
    fid = await add(
        rows,
        Family,
        area="derby",
        locality="north",
        postcode="DE22 1HF",
        address_line_1=f"1 {name} Road",
        created_at=LONG_AGO,
        updated_at=closed_at,
        status=status,
        closed_at=closed_at if status == "closed" else None,
    )
    who = {"family": fid, "created_at": LONG_AGO, "updated_at": LONG_AGO}
    parent = await add(
        rows, Person, given_names="Sarah", family_name=name, role="parent_carer", **who
    )
    kids = [
        await add(
            rows,
            Person,
            given_names=f"Kid{i}",
            family_name=name,
            role="child",
            date_of_birth=born,
            **who,
        )
        for i, born in enumerate(children)
    ]
    # The things every family gets, so each disposal has rows to count.
    await add(rows, PersonSearchKey, person=parent, key=f"name:{name.lower()}")
    n = await add(
        rows,
        Notification,
        recipient=user,
        kind="review_due",
        message="A review is due",
        link=f"/families/{fid}/taf",
        created_at=datetime.now(UTC),
        dedupe_key=f"t:{fid}",
    )
    await add(
        rows,
        OutboxEmail,
        notification=n,
        to_address="pat@example.org",
        subject="Review due",
        body="A review is due",
        next_attempt_at=datetime.now(UTC),
        message_id=f"m{fid}@t",
    )
    if not full:
        return rows
    child = kids[0]
    await add(
        rows,
        Relationship,
        family=fid,
        person=parent,
        relative=child,
        relationship="mother",
        created_at=LONG_AGO,
    )
    consent = await add(
        rows,
        ConsentRecord,
        family=fid,
        person=child,
        purpose="record",
        given_by="parent_carer",
        given_by_name=f"Sarah {name}",
        method="written",
        given_on=LONG_AGO.date(),
        recorded_at=LONG_AGO,
    )
    await add(
        rows,
        ConsentWithdrawal,
        consent=consent,
        withdrawn_on=LONG_AGO.date(),
        reason="moved",
        recorded_at=LONG_AGO,
    )
    await add(
        rows,
        SharingDecision,
        family=fid,
        decision="shared",
        what="plan",
        with_agency="School",
        why="support",
        basis="consent",
        decided_on=LONG_AGO.date(),
        recorded_at=LONG_AGO,
    )
    await add(rows, LeadSpell, family=fid, practitioner=user, started_at=LONG_AGO)
    await add(
        rows,
        BreakGlassGrant,
        family=fid,
        user=user,
        area="derby",
        reason="urgent",
        granted_at=LONG_AGO,
        expires_at=LONG_AGO,
    )
    assessment = await add(
        rows,
        Assessment,
        family=fid,
        child=child,
        started_by=user,
        started_on=LONG_AGO.date(),
        due_on=LONG_AGO.date(),
        created_at=LONG_AGO,
        updated_at=LONG_AGO,
    )
    section = await add(
        rows,
        AssessmentSection,
        assessment=assessment,
        section="child_voice",
        content='{"wishes_feelings": "x"}',
    )
    await add(rows, SectionDraft, section=section, author=user, base_version=1, updated_at=LONG_AGO)
    await add(
        rows,
        AssessmentVersion,
        assessment=assessment,
        number=1,
        snapshot="{}",
        completed_by=user,
        completed_at=LONG_AGO,
    )
    await add(
        rows,
        AssessmentAppendix,
        assessment=assessment,
        title="SALT report",
        original_name="salt.pdf",
        media_type="application/pdf",
        size_bytes=8,
        sha256="0" * 64,
        data=b"%PDF-1.4",
        uploaded_by=user,
        uploaded_at=LONG_AGO,
    )
    member = await add(
        rows, TafMember, family=fid, user=user, name="Pat Practitioner", added_at=LONG_AGO
    )
    meeting = await add(
        rows,
        TafMeeting,
        family=fid,
        held_on=LONG_AGO.date(),
        recorded_by=user,
        recorded_at=LONG_AGO,
    )
    await add(rows, MeetingAttendee, meeting=meeting, member=member)
    goal = await add(
        rows,
        FamilyGoal,
        family=fid,
        text="School every day",
        created_by=user,
        created_at=LONG_AGO,
        updated_at=LONG_AGO,
    )
    await add(rows, GoalScore, meeting=meeting, goal=goal, score=7)
    await add(
        rows,
        PlanAction,
        family=fid,
        goal=goal,
        what="Walk to school",
        owner=member,
        due_on=LONG_AGO.date(),
        created_by=user,
        created_at=LONG_AGO,
        updated_at=LONG_AGO,
    )
    await add(rows, Closure, family=fid, reason="needs_met", closed_by=user, closed_at=LONG_AGO)
    entry = await add(
        rows,
        QueueEntry,
        family=fid,
        area="derby",
        queue="spa:north",
        kind="vcm_submission",
        record_id=1,
        opened_at=LONG_AGO,
    )
    assert entry
    pre = await add(
        rows, DerbyPreAssessment, family=fid, child=child, created_at=LONG_AGO, updated_at=LONG_AGO
    )
    await add(rows, DerbyPreAssessmentReview, pre_assessment=pre, version=1, reviewed_at=LONG_AGO)
    await add(
        rows,
        Consultation,
        family=fid,
        recorded_by=user,
        consulted_on=LONG_AGO.date(),
        question="Advice?",
        advice="Offer a TAF",
        recorded_at=LONG_AGO,
    )
    return rows


async def seed() -> dict[str, Rows]:
    user = await a_user()
    last_year = datetime(2025, 10, 1, tzinfo=UTC)
    families = {
        "just_past": await family(user, "Abbott", [born_25_years_before(1)], full=True),
        "one_day_short": await family(user, "Brown", [born_25_years_before(-1)]),
        "younger_sibling": await family(user, "Cole", [date(1990, 5, 1), AS_OF.replace(year=2005)]),
        "open_episode": await family(user, "Dunn", [date(1990, 5, 1)], status="open"),
        "no_dates_long_closed": await family(user, "Evans", [None]),
        "no_date_recently_closed": await family(
            user, "Ford", [date(1990, 5, 1), None], closed_at=last_year
        ),
    }
    # the family's access history: audit rows that must outlive the record
    fid = families["just_past"][Family][0]
    await audit.record(
        "family_viewed",
        "success",
        actor_label="Pat",
        family_id=fid,
        record_type="family",
        record_id=fid,
    )
    await add(
        {},
        LoginAttempt,
        state_hash="s" * 64,
        browser_hash="b" * 64,
        nonce="n",
        code_verifier="v",
        created_at=datetime(2026, 10, 1, tzinfo=UTC),
    )
    return families


async def present(rows: Rows) -> Rows:
    """Which of these rows are still in the database."""
    found: Rows = {}
    for table, ids in rows.items():
        key = table._meta.primary_key
        left = await table.select(key).where(key.is_in(ids))
        if left:
            found[table] = sorted(r["id"] for r in left)
    return found


def cli(portal: Portal, *args: str) -> str:
    env = portal_env(
        portal.settings.database_url, portal.settings.oidc_issuer, portal.settings.base_url
    )
    result = run_cli("retention", "--as-of", AS_OF.isoformat(), *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def personal_data(name: str, born: date) -> list[str]:
    formats = (born.isoformat(), born.strftime("%d/%m/%Y"), born.strftime("%-d %B %Y"))
    return [name, "Sarah", "DE22", "1HF", f"{name} Road", "Kid0", *formats]


def test_the_rule_selects_exactly_the_families_past_their_date(portal: Portal) -> None:
    families = portal.run(seed)
    ids = {label: rows[Family][0] for label, rows in families.items()}
    before = portal.run(AuditEvent.count().run)

    out = cli(portal)

    due = sorted([ids["just_past"], ids["no_dates_long_closed"]])
    assert f"due for disposal: 2 (ids {due[0]}, {due[1]})" in out
    assert f"held, episode still open: 1 (ids {ids['open_episode']})" in out
    assert "Dry run: nothing deleted" in out
    for name in ("Abbott", "Evans", "Sarah", "DE22", born_25_years_before(1).isoformat()):
        assert name not in out  # ids and counts only
    sign_ins = out[out.index("sign_in_attempt") :]
    assert sign_ins.splitlines()[1].strip().startswith("due for disposal: 1")
    # the dry run changed nothing, not even the audit trail
    for rows in families.values():
        assert portal.run(present, rows) == rows
    assert portal.run(AuditEvent.count().run) == before


def test_apply_deletes_each_due_family_whole_and_audits_it_without_personal_data(
    portal: Portal,
) -> None:
    families = portal.run(seed)
    just_past = families["just_past"]
    fid = just_past[Family][0]
    tables_filled = {t._meta.tablename for t in just_past}
    assert {
        "derby_pre_assessment",
        "derby_pre_assessment_review",
        "consultation",
    } <= tables_filled
    assert {
        "assessment_appendix",
        "assessment_section_draft",
        "person_search_key",
        "notification",
    } <= tables_filled

    out = cli(portal, "--apply")

    assert "Disposed of 3 record(s) and batch(es)" in out  # two families and the sign-in attempt
    for label in ("just_past", "no_dates_long_closed"):
        assert portal.run(present, families[label]) == {}, label
    for label in ("one_day_short", "younger_sibling", "open_episode", "no_date_recently_closed"):
        assert portal.run(present, families[label]) == families[label], label
    assert portal.run(LoginAttempt.count().run) == 0

    events = portal.run(
        AuditEvent.select()
        .where(AuditEvent.action == "record_disposed")
        .order_by(AuditEvent.id)
        .run
    )
    disposed = {fid, families["no_dates_long_closed"][Family][0]}
    assert {(e["record_type"], e["record_id"], e["actor_label"]) for e in events} == {
        ("family", str(i), "retention command") for i in disposed
    }
    event = next(e for e in events if e["record_id"] == str(fid))
    detail = json.loads(event["detail"])
    assert detail["rule"] == "early_help_record" and detail["period"] == "25 years"
    assert detail["rows"] == {t._meta.tablename: len(ids) for t, ids in just_past.items()}
    text = json.dumps(event, default=str)
    for personal in personal_data("Abbott", born_25_years_before(1)):
        assert personal not in text, personal
    # the audit trail keeps the family's earlier history and its chain is intact
    kept = portal.run(AuditEvent.select().where(AuditEvent.family_id == fid).run)
    assert {e["action"] for e in kept} == {"family_viewed", "record_disposed"}
    env = portal_env(
        portal.settings.database_url, portal.settings.oidc_issuer, portal.settings.base_url
    )
    verify = run_cli("audit", "verify", env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # a second run finds nothing more to do
    again = cli(portal, "--apply")
    assert "Disposed of 0 record(s)" in again


def test_a_council_sets_its_own_period(portal: Portal) -> None:
    families = portal.run(seed)
    env = portal_env(
        portal.settings.database_url,
        portal.settings.oidc_issuer,
        portal.settings.base_url,
        PORTAL_RETENTION_EARLY_HELP_RECORD="24 years",
    )
    result = run_cli("retention", "--as-of", AS_OF.isoformat(), env=env)
    assert result.returncode == 0, result.stderr
    assert "early_help_record (kept 24 years" in result.stdout
    due = sorted(
        families[k][Family][0] for k in ("just_past", "one_day_short", "no_dates_long_closed")
    )
    assert f"due for disposal: 3 (ids {', '.join(map(str, due))})" in result.stdout
    bad = run_cli("retention", env={**env, "PORTAL_RETENTION_EARLY_HELP_RECORD": "forever"})
    assert bad.returncode == 2
    assert "PORTAL_RETENTION_EARLY_HELP_RECORD must be a number of years or days" in bad.stderr


async def seed_small_records() -> tuple[Rows, Rows]:
    """Sessions, emails and notifications either side of their dates: (due, kept)."""
    user = await a_user()
    due: Rows = {}
    kept: Rows = {}
    day = timedelta(days=1)
    as_of = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12, tzinfo=UTC)
    for rows, seen in ((due, as_of - 2 * day), (kept, as_of)):
        await add(
            rows, PortalSession, token_hash=f"{seen:%j}" * 16, user=user,
            created_at=seen, last_seen_at=seen,
        )  # fmt: skip
        await add(rows, KeptForm, author=user, action="/families/1/close", kept_at=seen)
    old = await add(
        due, Notification, recipient=user, kind="k", message="m", link="/notifications",
        created_at=as_of - 800 * day, dedupe_key="old",
    )  # fmt: skip
    new = await add(
        kept, Notification, recipient=user, kind="k", message="m", link="/notifications",
        created_at=as_of - 100 * day, dedupe_key="new",
    )  # fmt: skip
    emails = [  # (rows, notification, status, sent or last tried)
        (due, old, "pending", as_of),  # goes with its old notification
        (due, new, "sent", as_of - 91 * day),
        (due, new, "failed", as_of - 91 * day),
        (kept, new, "sent", as_of - 89 * day),
        (kept, new, "pending", as_of - 200 * day),  # never sent: not a sent email
    ]
    for i, (rows, notification, status, at) in enumerate(emails):
        await add(
            rows, OutboxEmail, notification=notification, to_address="pat@example.org",
            subject="s", body="b", status=status, next_attempt_at=at,
            sent_at=at if status == "sent" else None, message_id=f"e{i}@t",
        )  # fmt: skip
    return due, kept


def test_apply_disposes_of_old_sessions_emails_and_notifications(portal: Portal) -> None:
    due, kept = portal.run(seed_small_records)

    out = cli(portal, "--apply")

    assert portal.run(present, due) == {}
    assert portal.run(present, kept) == kept
    assert "Disposed of 4 record(s) and batch(es): 6 row(s) deleted" in out
    events = portal.run(AuditEvent.select().where(AuditEvent.action == "records_disposed").run)
    rows = {e["record_type"]: json.loads(e["detail"])["rows"] for e in events}
    assert rows == {
        "ended_session": {"portal_session": 1},
        "kept_form": {"kept_form": 1},
        "sent_email": {"outbox_email": 2},
        "notification": {"notification": 1, "outbox_email": 1},
    }
    assert all("pat@example.org" not in json.dumps(e, default=str) for e in events)


def test_a_future_as_of_date_is_refused(database_url: str, idp_issuer: str) -> None:
    env = portal_env(database_url, idp_issuer, "http://127.0.0.1:8000")
    result = run_cli("retention", "--apply", "--as-of", "2999-01-01", env=env)
    assert result.returncode == 2
    assert "--as-of must not be a future date" in result.stderr
