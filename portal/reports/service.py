"""The core's report figures for one area, a period and optionally a locality,
then each area plugin's own (hook ``portal_report_measures``).

Each figure is one aggregate query over the core tables (no personal data
leaves the database, only counts), so the report is quick at full scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pluggy

from portal.areas import AreaDescription, Measure, MeasureRow, ReportQuery
from portal.assessments.tables import Assessment
from portal.closure.service import REASONS
from portal.kernel.users import CurrentUser
from portal.plugins import call_for_area
from portal.reports.sql import day_bounds, rows, uk_day

ANALYST = "partnership.analyst"


def readable_areas(user: CurrentUser, areas: Sequence[AreaDescription]) -> list[AreaDescription]:
    """The enabled areas whose reports this user may read: analysts all, an
    area manager their own."""
    if user.has_role(ANALYST):
        return list(areas)
    return [a for a in areas if user.has_role(f"{a.slug}.area_manager")]


def _where(query: ReportQuery) -> tuple[str, list[Any]]:
    """The family filter every figure shares (``f`` is the family table)."""
    return "f.area = {} AND ({} = '' OR f.locality = {})", [
        query.area,
        query.locality,
        query.locality,
    ]


def _int(value: Any) -> int:
    return int(value or 0)


async def assessments(query: ReportQuery) -> list[Measure]:
    start, end = day_bounds(query.start, query.end)
    where, args = _where(query)
    completed = "a.completed_at >= {} AND a.completed_at < {}"
    done_day = uk_day("a.completed_at")
    sql = f"""
        SELECT
          SUM(CASE WHEN a.started_on >= {{}} AND a.started_on <= {{}} THEN 1 ELSE 0 END) AS started,
          SUM(CASE WHEN {completed} THEN 1 ELSE 0 END) AS completed,
          SUM(CASE WHEN {completed} AND {done_day} <= a.due_on THEN 1 ELSE 0 END) AS on_time
        FROM assessment a JOIN family f ON f.id = a.family
        WHERE {where}
          AND ((a.started_on >= {{}} AND a.started_on <= {{}}) OR ({completed}))
    """  # noqa: S608 (constant fragments only; every value is a parameter)
    period = [query.start, query.end]
    found = await rows(Assessment, sql, *period, start, end, start, end, *args, *period, start, end)
    row = found[0] if found else {}
    done, on_time = _int(row.get("completed")), _int(row.get("on_time"))
    return [
        Measure(
            key="assessments",
            title="Early Help Assessments started and completed",
            rows=(
                MeasureRow("Started", _int(row.get("started"))),
                MeasureRow("Completed", done),
            ),
            note="Started: the start date is in the period. Completed: first completed in the period.",
        ),
        Measure(
            key="assessments-on-time",
            title="Assessments completed within 10 working days",
            rows=(
                MeasureRow("Within 10 working days", on_time, done),
                MeasureRow("Later", done - on_time, done),
            ),
            note=(
                "Of the assessments completed in the period, those completed on or before "
                "their due date (10 working days from the start, bank holidays excluded)."
            ),
        ),
    ]


async def reviews(query: ReportQuery) -> Measure:
    where, args = _where(query)
    # on time: held no later than the review date agreed at the family's previous
    # meeting. Meetings run in (held_on, id) order, as the caseload reads the latest:
    # a meeting earlier the same day is the previous one too.
    sql = f"""
        SELECT COUNT(*) AS held,
          SUM(CASE WHEN m.held_on <= (
                SELECT p.next_review_on FROM taf_meeting p
                WHERE p.family = m.family AND (p.held_on, p.id) < (m.held_on, m.id)
                ORDER BY p.held_on DESC, p.id DESC LIMIT 1
              ) THEN 1 ELSE 0 END) AS on_time
        FROM taf_meeting m JOIN family f ON f.id = m.family
        WHERE m.kind = 'review' AND m.held_on >= {{}} AND m.held_on <= {{}} AND {where}
    """  # noqa: S608
    found = await rows(Assessment, sql, query.start, query.end, *args)
    held, on_time = _int(found[0]["held"]), _int(found[0]["on_time"])
    return Measure(
        key="reviews-on-time",
        title="Team Around the Family reviews held on time",
        rows=(MeasureRow("On time", on_time, held), MeasureRow("Late", held - on_time, held)),
        note=(
            "Review meetings held in the period; on time when held by the review date "
            "agreed at the family's previous meeting."
        ),
    )


def _open_at_end(query: ReportQuery) -> tuple[str, list[Any]]:
    _, end = day_bounds(query.start, query.end)
    where, args = _where(query)
    return (
        f"{where} AND f.created_at < {{}} AND (f.status = 'open' OR f.closed_at >= {{}})",
        [*args, end, end],
    )


async def open_by_locality(query: ReportQuery, area: AreaDescription) -> Measure:
    where, args = _open_at_end(query)
    sql = f"SELECT f.locality AS locality, COUNT(*) AS n FROM family f WHERE {where} GROUP BY f.locality"  # noqa: S608
    counts = {r["locality"]: _int(r["n"]) for r in await rows(Assessment, sql, *args)}
    return Measure(
        key="open-by-locality",
        title="Open episodes by locality",
        rows=_by_locality(query, area, counts),
        note="Families whose early help was open at the end of the period.",
    )


async def open_by_agency(query: ReportQuery) -> Measure:
    where, args = _open_at_end(query)
    sql = f"""
        SELECT CASE
            WHEN f.lead_practitioner IS NOT NULL
              THEN COALESCE(NULLIF(u.organisation, ''), 'Organisation not recorded')
            WHEN f.statutory_lead <> '' THEN f.statutory_lead
            ELSE 'No lead practitioner' END AS agency,
          COUNT(*) AS n
        FROM family f LEFT JOIN portal_user u ON u.id = f.lead_practitioner
        WHERE {where}
        GROUP BY 1 ORDER BY 2 DESC, 1
    """  # noqa: S608
    found = await rows(Assessment, sql, *args)
    return Measure(
        key="open-by-agency",
        title="Open episodes by lead agency",
        rows=tuple(MeasureRow(str(r["agency"]), _int(r["n"])) for r in found),
        note="Families open at the end of the period, by their lead practitioner's organisation.",
    )


async def nhs_numbers(query: ReportQuery) -> Measure:
    """How many children in open families carry the consistent identifier
    (Children Act 2004 s16LC), and for those who do not, whether the reason is
    recorded."""
    where, args = _open_at_end(query)
    sql = f"""
        SELECT COUNT(*) AS children,
          COUNT(*) FILTER (WHERE p.nhs_number <> '') AS with_number,
          COUNT(*) FILTER (WHERE p.nhs_number = '' AND p.nhs_number_absent <> '') AS with_reason
        FROM person p JOIN family f ON f.id = p.family
        WHERE p.role = 'child' AND {where}
    """  # noqa: S608
    found = (await rows(Assessment, sql, *args))[0]
    children, numbered = _int(found["children"]), _int(found["with_number"])
    reasoned = _int(found["with_reason"])
    return Measure(
        key="nhs-numbers",
        title="Children's NHS numbers",
        rows=(
            MeasureRow("NHS number recorded", numbered, children),
            MeasureRow("No NHS number, reason recorded", reasoned, children),
            MeasureRow(
                "No NHS number, no reason recorded", children - numbered - reasoned, children
            ),
        ),
        note=(
            "Children in families open at the end of the period. An NHS number is checked "
            "(its Modulus 11 check digit) when it is entered. The law asks for it on what is "
            "recorded and shared about a child unless a reason applies (Children Act 2004 s16LC)."
        ),
    )


async def closures(query: ReportQuery) -> Measure:
    start, end = day_bounds(query.start, query.end)
    where, args = _where(query)
    sql = f"""
        SELECT c.reason AS reason, COUNT(*) AS n
        FROM family_closure c JOIN family f ON f.id = c.family
        WHERE c.closed_at >= {{}} AND c.closed_at < {{}} AND {where}
        GROUP BY c.reason
    """  # noqa: S608
    counts = {r["reason"]: _int(r["n"]) for r in await rows(Assessment, sql, start, end, *args)}
    unknown = [(k, n) for k, n in counts.items() if k not in REASONS]
    return Measure(
        key="closures-by-reason",
        title="Closures by reason",
        rows=(
            *(MeasureRow(label, counts.get(key, 0)) for key, label in REASONS.items()),
            *(MeasureRow(label, n) for label, n in unknown),
        ),
        note="Episodes closed in the period, by the reason recorded at closure.",
    )


async def escalations(query: ReportQuery, area: AreaDescription) -> Measure:
    start, end = day_bounds(query.start, query.end)
    where, args = _where(query)
    sql = f"""
        SELECT f.locality AS locality, COUNT(*) AS n
        FROM social_care_referral s JOIN family f ON f.id = s.family
        WHERE s.referred_at >= {{}} AND s.referred_at < {{}} AND {where}
        GROUP BY f.locality
    """  # noqa: S608
    counts = {r["locality"]: _int(r["n"]) for r in await rows(Assessment, sql, start, end, *args)}
    return Measure(
        key="escalations",
        title="Escalations to Children's Social Care",
        rows=_by_locality(query, area, counts),
        note="Referrals to Children's Social Care made from early help in the period, by locality.",
    )


def _by_locality(
    query: ReportQuery, area: AreaDescription, counts: dict[str, int]
) -> tuple[MeasureRow, ...]:
    """Every locality of the area (or just the chosen one), zeros included."""
    shown = [loc for loc in area.localities if not query.locality or loc.slug == query.locality]
    known = {loc.slug for loc in area.localities}
    extra = [MeasureRow(slug, n) for slug, n in counts.items() if slug not in known]
    return (*(MeasureRow(loc.name, counts.get(loc.slug, 0)) for loc in shown), *extra)


async def core_measures(query: ReportQuery, area: AreaDescription) -> list[Measure]:
    return [
        *await assessments(query),
        await reviews(query),
        await open_by_locality(query, area),
        await open_by_agency(query),
        await nhs_numbers(query),
        await closures(query),
        await escalations(query, area),
    ]


async def report(
    manager: pluggy.PluginManager, query: ReportQuery, area: AreaDescription
) -> list[Measure]:
    """The core's figures, then the area plugin's own."""
    measures = await core_measures(query, area)
    pending = call_for_area(manager, area.slug, "portal_report_measures", query=query)
    if pending is not None:
        measures.extend(await pending)
    return measures


def default_period(today: date) -> tuple[date, date]:
    """The last 3 months, to today."""
    month = today.month - 3
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day), today
        except ValueError:
            continue
    raise AssertionError("unreachable")
