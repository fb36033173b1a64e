"""Finding what is due for disposal under the retention schedule, and disposing of it.

A family's record goes as a whole, in its own transaction: every row that
hangs off the family through foreign keys (people, consent, assessments and
their appendices and drafts, the TAF and plan, queue and agenda entries, the
areas' own tables) is found by walking the tables' foreign keys, deleted
children first so each table's count is known, then the family itself. The
notifications that link to the family's pages go too.

The audit trail is never touched: audit_event holds only ids (its family_id is
a plain number, not a foreign key, so nothing cascades into it) and the
database refuses to delete from it. Each disposal adds an audit event with the
rule, the internal id and the row counts: no names, dates or addresses.

A family with an open episode is never disposed of, however old: it is listed
as held until its episode is closed.
"""

from __future__ import annotations

import graphlib
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.table import Table

from portal.audit import service as audit
from portal.auth.tables import LoginAttempt, PortalSession
from portal.db import write_transaction
from portal.families.tables import Family, Person
from portal.kept.tables import KeptForm
from portal.notify.tables import Notification, OutboxEmail
from portal.retention_schedule import (
    EARLY_HELP_RECORD,
    ENDED_SESSION,
    KEPT_FORM,
    NOTIFICATION,
    SENT_EMAIL,
    SIGN_IN_ATTEMPT,
    RetentionRule,
)

UK = ZoneInfo("Europe/London")
ACTOR = "retention command"


@dataclass(frozen=True)
class Due:
    """What one rule finds due: record ids, and families past their date but held."""

    rule: RetentionRule
    ids: list[int]
    held: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Disposal:
    rule: RetentionRule
    record_id: int | None  # a family's id; None for a batch of small records
    rows: dict[str, int]  # table name -> rows deleted


def uk_today() -> date:
    return datetime.now(UK).date()


def all_tables() -> list[type[Table]]:
    """The core's tables and every installed area's (`portal migrate` creates
    them all, enabled or not, and each can hold rows about a family)."""
    from portal.plugins import installed_database_apps
    from portal.tables import CORE_TABLES

    tables: list[type[Table]] = list(CORE_TABLES)
    for path in installed_database_apps():
        tables.extend(importlib.import_module(path).APP_CONFIG.table_classes)
    return tables


def uk_date(moment: datetime | None) -> date | None:
    return moment.astimezone(UK).date() if moment else None


def family_anchor(family: dict[str, Any], children: Iterable[dict[str, Any]]) -> date:
    """The date a family's retention is measured from: the youngest child's date
    of birth (or expected date). A child with neither, or a family with no child,
    counts from the family's last activity (closure or last update), so a record
    is never disposed of earlier for lacking a date."""
    moments = [uk_date(family["closed_at"]), uk_date(family["updated_at"])]
    last_activity = max(d for d in moments if d is not None)
    anchors = [c["date_of_birth"] or c["expected_date"] or last_activity for c in children]
    return max(anchors, default=last_activity)


async def _family_dates(
    family_ids: Sequence[int] | None = None,
) -> list[tuple[dict[str, Any], date]]:
    query = Family.select(Family.id, Family.status, Family.closed_at, Family.updated_at)
    people = Person.select(Person.family, Person.date_of_birth, Person.expected_date).where(
        Person.role == "child"
    )
    if family_ids is not None:
        query = query.where(Family.id.is_in(list(family_ids)))
        people = people.where(Person.family.is_in(list(family_ids)))
    children: dict[int, list[dict[str, Any]]] = {}
    for child in await people:
        children.setdefault(child["family"], []).append(child)
    return [(f, family_anchor(f, children.get(f["id"], []))) for f in await query]


async def families_due(rule: RetentionRule, today: date) -> Due:
    due: list[int] = []
    held: list[int] = []
    for family, anchor in await _family_dates():
        if rule.due_on(anchor) <= today:
            (held if family["status"] == "open" else due).append(family["id"])
    return Due(rule, sorted(due), sorted(held))


def _cutoff_at(rule: RetentionRule, today: date) -> datetime:
    """Timestamps before this instant are due: their UK date is on or before the cutoff."""
    return datetime.combine(rule.cutoff(today) + timedelta(days=1), time(0), tzinfo=UK)


def _small_rule_query(rule: RetentionRule, today: date) -> tuple[type[Table], Any]:
    before = _cutoff_at(rule, today)
    if rule.record_type == SIGN_IN_ATTEMPT:
        return LoginAttempt, LoginAttempt.created_at < before
    if rule.record_type == ENDED_SESSION:
        return PortalSession, PortalSession.last_seen_at < before
    if rule.record_type == SENT_EMAIL:
        sent = (OutboxEmail.status == "sent") & (OutboxEmail.sent_at < before)
        given_up = OutboxEmail.status.is_in(["failed", "unknown"]) & (
            OutboxEmail.next_attempt_at < before
        )
        return OutboxEmail, sent | given_up
    if rule.record_type == NOTIFICATION:
        return Notification, Notification.created_at < before
    if rule.record_type == KEPT_FORM:
        return KeptForm, KeptForm.kept_at < before
    raise ValueError(f"no query for retention rule {rule.record_type}")


async def find_due(rules: Sequence[RetentionRule], today: date) -> list[Due]:
    found = []
    for rule in rules:
        if rule.record_type == EARLY_HELP_RECORD:
            found.append(await families_due(rule, today))
            continue
        table, where = _small_rule_query(rule, today)
        key = table._meta.primary_key
        ids = [r[key._meta.name] for r in await table.select(key).where(where).order_by(key)]
        found.append(Due(rule, ids))
    return found


def family_tables(tables: Iterable[type[Table]]) -> list[type[Table]]:
    """The tables whose rows belong to a family through foreign keys (directly,
    or through another such table), parents before children."""
    tables = list(tables)
    owned: set[type[Table]] = {Family}
    changed = True
    while changed:
        changed = False
        for table in tables:
            if table not in owned and any(_refs(table) & owned):
                owned.add(table)
                changed = True
    order = graphlib.TopologicalSorter({t: _refs(t) & owned for t in owned})
    return list(order.static_order())


def _refs(table: type[Table]) -> set[type[Table]]:
    return {fk._foreign_key_meta.resolved_references for fk in table._meta.foreign_key_columns}


async def dispose_family(
    family_id: int, rule: RetentionRule, today: date, tables: Sequence[type[Table]]
) -> Disposal | None:
    """Delete one family's record in one transaction, with its audit event.
    Returns None (and deletes nothing) if the family is no longer due."""
    async with write_transaction(Family._meta.db):
        dated = await _family_dates([family_id])
        if not dated or dated[0][0]["status"] == "open" or rule.due_on(dated[0][1]) > today:
            return None  # reopened, changed or gone since it was listed
        ids: dict[type[Table], list[Any]] = {Family: [family_id]}
        for table in tables:
            if table is Family:
                continue
            links = [
                fk.is_in(ids[ref])
                for fk in table._meta.foreign_key_columns
                if ids.get(ref := fk._foreign_key_meta.resolved_references)
            ]
            if links:
                key = table._meta.primary_key
                rows = await table.select(key).where(reduce(or_, links))
                ids[table] = [r[key._meta.name] for r in rows]
        rows_deleted = await _delete_family_notifications(family_id)
        for table in reversed(tables):
            if ids.get(table):
                key = table._meta.primary_key
                await table.delete().where(key.is_in(ids[table]))
                rows_deleted[table._meta.tablename] = len(ids[table])
        await audit.record(
            "record_disposed",
            "success",
            actor_label=ACTOR,
            record_type="family",
            record_id=family_id,
            family_id=family_id,
            rule=rule.record_type,
            period=rule.period,
            rows=rows_deleted,
        )
    return Disposal(rule, family_id, rows_deleted)


async def _delete_family_notifications(family_id: int) -> dict[str, int]:
    """Notifications about the family (its id on them, or a link to its pages:
    core /families/<id>... and an area's /<area>/families/<id>...), with their
    emails. Others, linking to an area's own record pages without the family's
    id, hold no personal data and go under the notification rule."""
    patterns = [f"%/families/{family_id}{end}" for end in ("", "/%", "#%", "?%")]
    found = await Notification.select(Notification.id).where(
        reduce(or_, [Notification.link.like(p) for p in patterns])
        | (Notification.family_id == family_id)
    )
    ids = [n["id"] for n in found]
    if not ids:
        return {}
    emails = (
        await OutboxEmail.delete()
        .where(OutboxEmail.notification.is_in(ids))
        .returning(OutboxEmail.id)
    )
    await Notification.delete().where(Notification.id.is_in(ids))
    counts = {Notification._meta.tablename: len(ids)}
    if emails:
        counts[OutboxEmail._meta.tablename] = len(emails)
    return counts


async def dispose_records(due: Due, today: date) -> Disposal | None:
    """Delete a batch of small records (sign-in attempts, sessions, emails,
    notifications) that are still due, with one audit event for the batch."""
    table, where = _small_rule_query(due.rule, today)
    key = table._meta.primary_key
    async with write_transaction(table._meta.db):
        still_due = where & key.is_in(due.ids)
        rows: dict[str, int] = {}
        if table is Notification:
            emails = await OutboxEmail.select(OutboxEmail.id).where(
                OutboxEmail.notification.is_in(due.ids)
            )
            if emails:
                await OutboxEmail.delete().where(OutboxEmail.id.is_in([e["id"] for e in emails]))
                rows[OutboxEmail._meta.tablename] = len(emails)
        deleted = await table.delete().where(still_due).returning(key)
        rows[table._meta.tablename] = len(deleted)
        if not any(rows.values()):
            return None
        await audit.record(
            "records_disposed",
            "success",
            actor_label=ACTOR,
            record_type=due.rule.record_type,
            rule=due.rule.record_type,
            period=due.rule.period,
            rows=rows,
        )
    return Disposal(due.rule, None, rows)


async def apply(found: Sequence[Due], today: date, tables: Sequence[type[Table]]) -> list[Disposal]:
    """Dispose of everything found due: each family in its own transaction."""
    done: list[Disposal] = []
    for due in found:
        if not due.ids:
            continue
        if due.rule.record_type == EARLY_HELP_RECORD:
            owned = family_tables(tables)
            for family_id in due.ids:
                disposal = await dispose_family(family_id, due.rule, today, owned)
                if disposal:
                    done.append(disposal)
        else:
            batch = await dispose_records(due, today)
            if batch:
                done.append(batch)
    return done
