"""Partnership reports on both databases: each figure counted right on seeded
records with known answers (core and both areas' own), the filters, who may
read which area's report, the CSV equal to the page, and the audit trail."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime
from typing import Any

from portal_derby.tables import DerbyVcmSubmission
from portal_derbyshire.tables import StartingPointRequest

from portal.assessments.tables import Assessment
from portal.audit.tables import AuditEvent
from portal.auth.tables import PortalUser
from portal.closure.tables import Closure
from portal.escalation.tables import SocialCareReferral
from portal.families.tables import Family, Person
from portal.reports.service import default_period
from portal.taf.tables import TafMeeting
from portal.workdays.service import working_days_after
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user

PERIOD = {
    "start-day": "1",
    "start-month": "1",
    "start-year": "2025",
    "end-day": "31",
    "end-month": "3",
    "end-year": "2025",
}


def at(y: int, m: int, d: int, hour: int = 12) -> datetime:
    return datetime(y, m, d, hour, tzinfo=UTC)


async def seed() -> dict[str, int]:
    """Derby and Derbyshire records whose figures are worked out by hand below."""
    await DerbyVcmSubmission.delete(force=True)
    await StartingPointRequest.delete(force=True)
    now = at(2025, 1, 1)
    users = {}
    for key, org in [("a", "Oak Primary School"), ("b", "Derby Health Visiting"), ("c", "=Evil()")]:
        user = PortalUser(
            identity_key=f"report-test {key}",
            issuer="report-test",
            subject=key,
            display_name=f"Practitioner {key}",
            organisation=org,
            created_at=now,
        )
        await user.save()
        users[key] = user.id
    a = users["a"]

    async def family(area: str, locality: str, lead: int | None, **kw: Any) -> int:
        row = Family(
            area=area,
            locality=locality,
            lead_practitioner=lead,
            created_at=kw.pop("created_at", at(2024, 12, 1)),
            updated_at=now,
            **kw,
        )
        await row.save()
        child = Person(
            family=row.id,
            given_names="Test",
            family_name="Child",
            role="child",
            created_at=now,
            updated_at=now,
        )
        await child.save()
        return int(row.id)

    f1 = await family("derby", "north", a)
    f2 = await family("derby", "north", users["b"])
    closed = {"status": "closed", "closure_reason": "needs met"}
    f3 = await family("derby", "north", a, closed_at=at(2025, 2, 10), **closed)
    f4 = await family("derby", "south", None)
    f5 = await family("derbyshire", "erewash", a)
    # closed after the period: open at its end
    await family("derby", "north", users["c"], closed_at=at(2025, 4, 5), **closed)
    await family("derby", "north", a, created_at=at(2025, 4, 10))  # after the period

    async def assessment(fam: int, started: date, completed: datetime | None) -> None:
        child = await Person.select(Person.id).where(Person.family == fam).first()
        assert child is not None
        await Assessment(
            family=fam,
            child=child["id"],
            started_by=a,
            started_on=started,
            due_on=await working_days_after(started, 10),
            status="completed" if completed else "in_progress",
            completed_at=completed,
            created_at=now,
            updated_at=now,
        ).save()

    # 6 Jan 2025 is due on 20 Jan: completed on the due day (on time), and after it
    await assessment(f1, date(2025, 1, 6), at(2025, 1, 20, 16))
    await assessment(f2, date(2025, 1, 6), at(2025, 1, 24))
    await assessment(f4, date(2025, 3, 20), None)
    await assessment(f1, date(2024, 12, 2), at(2025, 1, 2))  # started before, completed late
    await assessment(f2, date(2025, 4, 2), None)  # after the period
    await assessment(f5, date(2025, 1, 10), at(2025, 1, 13))  # Derbyshire's

    async def meeting(fam: int, kind: str, held: date, next_review: date) -> None:
        await TafMeeting(
            family=fam,
            kind=kind,
            held_on=held,
            next_review_on=next_review,
            recorded_by=a,
            recorded_at=now,
        ).save()

    await meeting(f1, "taf", date(2025, 1, 10), date(2025, 2, 21))
    await meeting(f1, "review", date(2025, 2, 20), date(2025, 4, 3))  # on time
    await meeting(f1, "review", date(2025, 4, 3), date(2025, 5, 15))  # after the period
    await meeting(f2, "taf", date(2025, 1, 8), date(2025, 2, 19))
    await meeting(f2, "review", date(2025, 3, 1), date(2025, 4, 12))  # late
    await meeting(f4, "taf", date(2024, 12, 20), date(2025, 1, 31))
    await meeting(f4, "review", date(2025, 3, 5), date(2025, 4, 16))  # late

    for fam, reason, when in [
        (f3, "needs_met", at(2025, 2, 10)),
        (f4, "moved_away", at(2025, 1, 15)),
        (f1, "needs_met", at(2024, 11, 1)),  # before the period
    ]:
        await Closure(family=fam, reason=reason, closed_by=a, closed_at=when).save()

    for fam, when in [(f2, at(2025, 2, 1)), (f4, at(2025, 3, 10)), (f5, at(2025, 2, 2))]:
        await SocialCareReferral(
            family=fam,
            reason="worry",
            consent_sought="no",
            destination="Social care",
            referred_by=a,
            referred_at=when,
        ).save()

    allocate, nfa = "Allocate to a MAT member", "No further action"
    for fam, loc, sent, decided, label in [
        (f1, "north", at(2025, 1, 10), at(2025, 1, 14), allocate),  # 4 days
        (f2, "north", at(2025, 1, 20), at(2025, 1, 22), allocate),  # 2 days
        (f4, "south", at(2025, 2, 1), at(2025, 2, 11), nfa),  # 10 days
        (f4, "east", at(2025, 3, 30), None, ""),
    ]:
        await DerbyVcmSubmission(
            family=fam,
            assessment_id=1,
            locality=loc,
            inbox=f"spa:{loc}",
            submitted_at=sent,
            decided_at=decided,
            outcome_label=label,
            status="decided" if decided else "with_clerk",
        ).save()

    def sp(**kw: Any) -> StartingPointRequest:
        return StartingPointRequest(
            family=f5,
            referrer=a,
            request_type="service",
            details="x",
            consent_basis="consent",
            **kw,
        )

    await sp(
        district="erewash",
        submitted_at=at(2025, 1, 6, 9),
        initial_contact_at=at(2025, 1, 6, 10),
        screened_at=at(2025, 1, 7, 9),  # 23 hours
        screening_outcome="advisor",
        referrer_told_at=at(2025, 1, 7, 10),  # exactly 24 hours: within
    ).save()
    await sp(
        district="erewash",
        submitted_at=at(2025, 1, 8, 9),
        initial_contact_at=at(2025, 1, 8, 10),
        screened_at=at(2025, 1, 9, 11),  # 25 hours
        screening_outcome="vcm",
    ).save()
    await sp(  # answered at triage: told 48 hours after the request
        district="bolsover", submitted_at=at(2025, 2, 1, 9), referrer_told_at=at(2025, 2, 3, 9)
    ).save()
    return users


def page(portal: Portal, **params: str) -> Any:
    return portal.client.get("/reports", params={**PERIOD, **params})


def figures(text: str, key: str) -> dict[str, str]:
    """The table of one measure on the page: row label -> figure as shown."""
    section = re.search(rf'<section[^>]*id="measure-{key}".*?</section>', text, flags=re.S)
    assert section, f"no measure {key}"
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header">(.*?)</th>\s*<td[^>]*>(.*?)</td>',
        section.group(0),
        flags=re.S,
    )
    return {html.unescape(label): html.unescape(value) for label, value in rows}


def chart_values(text: str, key: str) -> list[str]:
    section = re.search(rf'<section[^>]*id="measure-{key}".*?</section>', text, flags=re.S)
    assert section
    return [
        html.unescape(v)
        for v in re.findall(r'class="app-report-value"[^>]*>(.*?)</text>', section.group(0))
    ]


def csv_rows(portal: Portal, key: str, **params: str) -> list[dict[str, str]]:
    response = portal.client.get(f"/reports/{key}.csv", params={**PERIOD, **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["content-type"] == CSV_TYPE
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_derby_figures_are_counted_right(portal: Portal) -> None:
    portal.run(seed)
    as_user(portal, "derby.manager")
    response = page(portal)
    assert response.status_code == 200
    check_page(response.text, "/reports")
    text = response.text
    assert figures(text, "assessments") == {"Started": "3", "Completed": "3"}
    assert figures(text, "assessments-on-time") == {
        "Within 10 working days": "1 of 3 (33%)",
        "Later": "2 of 3 (67%)",
    }
    assert figures(text, "reviews-on-time") == {"On time": "1 of 3 (33%)", "Late": "2 of 3 (67%)"}
    assert figures(text, "open-by-locality") == {
        "North": "3",
        "South": "1",
        "East": "0",
        "West": "0",
    }
    assert figures(text, "open-by-agency") == {
        "Derby Health Visiting": "1",
        "No lead practitioner": "1",
        "Oak Primary School": "1",
        "=Evil()": "1",
    }
    closures = figures(text, "closures-by-reason")
    assert closures["Needs met"] == "1" and closures["Moved out of the area"] == "1"
    assert sum(int(v) for v in closures.values()) == 2
    assert figures(text, "escalations") == {"North": "1", "South": "1", "East": "0", "West": "0"}
    # Derby's own, through the hook
    assert figures(text, "derby-vcm-submissions") == {
        "North": "2",
        "South": "1",
        "East": "1",
        "West": "0",
    }
    assert figures(text, "derby-vcm-outcomes") == {
        "Allocate to a MAT member": "2",
        "No further action": "1",
    }
    assert figures(text, "derby-vcm-time-to-decision") == {"Median": "4 days", "Mean": "5.3 days"}
    # the chart carries the same numbers as its table, and says so in words
    assert chart_values(text, "assessments-on-time") == ["1 of 3 (33%)", "2 of 3 (67%)"]
    assert 'role="img"' in text and 'aria-labelledby="measure-escalations-title' in text
    assert "Later: 2 of 3 (67%)." in text
    assert "Derbyshire" not in figures(text, "open-by-agency")


async def seed_same_day_reviews() -> None:
    """Reviews held on the same day as the meeting that set their review date
    (issue 20, item 12): 4 reviews, 3 on time."""
    now = at(2025, 1, 1)
    user = PortalUser(
        identity_key="report-test same-day",
        issuer="report-test",
        subject="same-day",
        display_name="Practitioner same-day",
        organisation="Oak Primary School",
        created_at=now,
    )
    await user.save()
    families = []
    for _ in range(2):
        row = Family(
            area="derby",
            locality="north",
            lead_practitioner=user.id,
            created_at=now,
            updated_at=now,
        )
        await row.save()
        families.append(int(row.id))
    one, two = families

    async def meeting(fam: int, kind: str, held: date, next_review: date) -> None:
        await TafMeeting(
            family=fam,
            kind=kind,
            held_on=held,
            next_review_on=next_review,
            recorded_by=user.id,
            recorded_at=now,
        ).save()

    await meeting(one, "taf", date(2025, 2, 3), date(2025, 3, 17))
    await meeting(one, "review", date(2025, 2, 3), date(2025, 3, 17))  # same day: on time
    await meeting(one, "review", date(2025, 3, 17), date(2025, 4, 28))  # on the day set: on time
    await meeting(two, "taf", date(2025, 1, 6), date(2025, 1, 20))
    await meeting(two, "review", date(2025, 1, 21), date(2025, 3, 4))  # a day late
    await meeting(two, "review", date(2025, 1, 21), date(2025, 3, 4))  # by the same day's date


def test_reviews_held_the_same_day_as_the_meeting_that_set_the_date_are_on_time(
    portal: Portal,
) -> None:
    portal.run(seed_same_day_reviews)
    as_user(portal, "derby.manager")
    expected = {"On time": "3 of 4 (75%)", "Late": "1 of 4 (25%)"}
    assert figures(page(portal).text, "reviews-on-time") == expected
    shown = {r["Row"]: r["Shown as"] for r in csv_rows(portal, "reviews-on-time")}
    assert shown == expected


def test_a_locality_narrows_every_figure(portal: Portal) -> None:
    portal.run(seed)
    as_user(portal, "derby.manager")
    text = page(portal, locality="north").text
    assert figures(text, "assessments") == {"Started": "2", "Completed": "3"}
    assert figures(text, "reviews-on-time") == {"On time": "1 of 2 (50%)", "Late": "1 of 2 (50%)"}
    assert figures(text, "open-by-locality") == {"North": "3"}
    assert figures(text, "escalations") == {"North": "1"}
    assert figures(text, "derby-vcm-submissions") == {"North": "2"}
    assert figures(text, "derby-vcm-time-to-decision") == {"Median": "3 days", "Mean": "3 days"}
    # htmx asks for the results block only
    partial = portal.client.get(
        "/reports",
        params={**PERIOD, "locality": "north"},
        headers={"HX-Request": "true", "HX-Target": "report"},
    )
    assert "<h1" not in partial.text and figures(partial.text, "escalations") == {"North": "1"}


def test_derbyshire_figures_for_the_analyst(portal: Portal) -> None:
    portal.run(seed)
    as_user(portal, "partnership.analyst")
    assert page(portal, area="derby").status_code == 200
    text = page(portal, area="derbyshire").text
    assert figures(text, "assessments") == {"Started": "1", "Completed": "1"}
    assert figures(text, "derbyshire-initial-contacts") == {
        "Requests received": "3",
        "Initial Contacts made": "2",
    }
    assert figures(text, "derbyshire-screening-24h") == {
        "Within 24 hours": "1 of 2 (50%)",
        "Later": "1 of 2 (50%)",
    }
    assert figures(text, "derbyshire-told-24h") == {
        "Within 24 hours": "1 of 2 (50%)",
        "Later": "1 of 2 (50%)",
    }
    outcomes = figures(text, "derbyshire-screening-outcomes")
    assert outcomes["No further action"] == "0"
    assert outcomes["Allocate a Lead Practitioner at the VCM"] == "1"
    assert outcomes["Early Help Advisor supports the referrer"] == "1"
    assert figures(text, "escalations")["Erewash"] == "1"
    erewash = page(portal, area="derbyshire", locality="erewash").text
    assert figures(erewash, "derbyshire-told-24h")["Within 24 hours"] == "1 of 1 (100%)"


def test_the_csv_equals_the_page_and_is_safe_in_a_spreadsheet(portal: Portal) -> None:
    portal.run(seed)
    as_user(portal, "derby.manager")
    text = page(portal).text
    for key in ("assessments-on-time", "open-by-agency", "derby-vcm-time-to-decision"):
        rows = csv_rows(portal, key)
        shown = {r["Row"].removeprefix("'"): r["Shown as"] for r in rows}
        assert shown == figures(text, key), key
    agency = {r["Row"]: r["Value"] for r in csv_rows(portal, "open-by-agency")}
    assert agency["'=Evil()"] == "1"  # a formula is never run by the spreadsheet
    whole = csv_rows(portal, "report")
    assert {r["Measure"] for r in whole} >= {
        "Closures by reason",
        "Days from request to the meeting's decision",
    }
    on_time = [r for r in whole if r["Measure"] == "Assessments completed within 10 working days"]
    assert on_time[0] | {} == on_time[0] and on_time[0]["Value"] == "1"
    assert on_time[0]["Of"] == "3" and on_time[0]["Percent"] == "33"
    assert portal.client.get("/reports/nothing.csv", params=PERIOD).status_code == 404


CSV_TYPE = "text/csv; charset=utf-8"


def test_every_csv_download_sends_its_type_once(portal: Portal) -> None:
    """Issue 20, item 13: ``text/csv; charset=utf-8``, not the charset twice, on
    every CSV download route: each figure of each area and the whole report."""
    csv_routes = {
        handler.name
        for route in portal.app.routes
        for handler in getattr(route, "route_handlers", [])
        if "csv" in route.path or "csv" in (handler.name or "")
    }
    assert csv_routes == {"report_csv"}  # a new CSV download belongs in this test too
    portal.run(seed)
    as_user(portal, "partnership.analyst")
    for area in ("derby", "derbyshire"):
        keys = re.findall(r'<section[^>]*id="measure-([a-z0-9-]+)"', page(portal, area=area).text)
        assert len(keys) > 6, area
        for key in [*keys, "report"]:
            response = portal.client.get(f"/reports/{key}.csv", params={**PERIOD, "area": area})
            assert response.status_code == 200, (area, key)
            assert response.headers.get_list("content-type") == [CSV_TYPE], (area, key)
            assert response.content.startswith(b"\xef\xbb\xbfArea,Locality"), (area, key)


def test_who_may_read_which_report(portal: Portal) -> None:
    portal.run(seed)
    as_user(portal, "derby.manager")
    assert page(portal, area="derbyshire").status_code == 404
    assert (
        portal.client.get(
            "/reports/escalations.csv", params={**PERIOD, "area": "derbyshire"}
        ).status_code
        == 404
    )
    text = page(portal).text
    assert 'value="derbyshire"' not in text  # not even offered
    as_user(portal, "derbyshire.manager")
    assert page(portal, area="derby").status_code == 404
    assert page(portal, area="derbyshire").status_code == 200
    for username in ("derby.school", "derby.auditor"):
        as_user(portal, username)
        assert page(portal).status_code == 403
        assert portal.client.get("/reports/escalations.csv", params=PERIOD).status_code == 403


def test_each_view_and_download_is_audited_without_personal_data(portal: Portal) -> None:
    portal.run(seed)
    as_user(portal, "derby.manager")
    page(portal, locality="north")
    csv_rows(portal, "escalations", locality="north")
    events = portal.run(
        AuditEvent.select(
            AuditEvent.action, AuditEvent.record_id, AuditEvent.detail, AuditEvent.family_id
        )
        .where(AuditEvent.action.is_in(["report_view", "report_export"]))
        .order_by(AuditEvent.id)
        .run
    )
    assert [e["action"] for e in events] == ["report_view", "report_export"]
    assert all(e["record_id"] == "derby" and e["family_id"] is None for e in events)
    assert (
        '"locality": "north"' in events[1]["detail"]
        and '"measure": "escalations"' in events[1]["detail"]
    )
    assert "Child" not in "".join(e["detail"] for e in events)


def test_bad_dates_are_explained_and_kept(portal: Portal) -> None:
    as_user(portal, "derby.manager")
    empty = page(portal, **{"start-day": "", "start-month": "", "start-year": ""})
    assert empty.status_code == 200
    assert "Enter a start date" in empty.text and "<title>Error: " in empty.text
    assert 'href="#start-day"' in empty.text
    backwards = page(portal, **{"end-day": "1", "end-month": "12", "end-year": "2024"})
    assert "The end date must be the same as or after the start date" in backwards.text
    assert re.search(r'<input[^>]*id="end-year"[^>]*value="2024"', backwards.text)
    assert 'id="measure-' not in backwards.text
    wrong_place = page(portal, locality="erewash")
    assert "Select a locality in Derby City, or all localities" in wrong_place.text


def test_the_default_period_is_the_last_three_months(portal: Portal) -> None:
    assert default_period(date(2025, 5, 31)) == (date(2025, 2, 28), date(2025, 5, 31))
    assert default_period(date(2025, 2, 14)) == (date(2024, 11, 14), date(2025, 2, 14))
    as_user(portal, "derby.manager")
    text = portal.client.get("/reports").text
    start, today = default_period(date.today())
    assert re.search(rf'<input[^>]*id="start-year"[^>]*value="{start.year}"', text)
    assert re.search(rf'<input[^>]*id="start-month"[^>]*value="{start.month}"', text)
    assert re.search(rf'<input[^>]*id="end-day"[^>]*value="{today.day}"', text)
    assert 'id="measure-assessments"' in text
