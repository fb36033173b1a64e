"""Portal administrators add a newly announced one-off bank holiday, and due
dates set from then on skip it; nobody else can. On both databases."""

from __future__ import annotations

from datetime import date

from portal.assessments.tables import Assessment
from portal.audit.tables import AuditEvent
from portal.workdays.service import england_bank_holidays, working_days_after, working_days_left
from portal.workdays.tables import BankHolidayOverride
from tests.integration.test_assessments import child_of, give_consent, start_form
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, create_family, post

NEXT_YEAR = date.today().year + 1
# A Wednesday in November next year: never a regular bank holiday.
ONE_OFF = next(
    date(NEXT_YEAR, 11, d) for d in range(10, 17) if date(NEXT_YEAR, 11, d).weekday() == 2
)
GOOD_FRIDAY = next(
    d
    for d, n in england_bank_holidays(range(NEXT_YEAR, NEXT_YEAR + 1)).items()
    if n == "Good Friday"
)


def date_form(day: date | None, name: str) -> dict[str, str]:
    parts = {"day-day": "", "day-month": "", "day-year": ""}
    if day:
        parts = {"day-day": str(day.day), "day-month": str(day.month), "day-year": str(day.year)}
    return {**parts, "name": name}


def test_only_administrators_reach_the_bank_holidays_page(portal: Portal) -> None:
    for username in ("derby.manager", "derby.school"):
        as_user(portal, username)
        assert portal.client.get("/admin/bank-holidays").status_code == 403
        refused = post(portal, "/admin/bank-holidays", date_form(ONE_OFF, "Made up"))
        assert refused.status_code == 403
        assert "Bank holidays" not in portal.client.get("/").text  # no navigation item
    assert portal.run(BankHolidayOverride.count().run) == 0


def test_an_added_bank_holiday_moves_a_due_date_and_can_be_removed(portal: Portal) -> None:
    start = ONE_OFF.replace(day=ONE_OFF.day - 2)  # the Monday before
    before = portal.run(working_days_after, start, 10)
    portal.sign_in("portal.admin")
    page = portal.client.get("/admin/bank-holidays")
    assert page.status_code == 200
    check_page(page.text, "/admin/bank-holidays")
    assert "Christmas Day" in page.text and f"{NEXT_YEAR}" in page.text

    added = post(portal, "/admin/bank-holidays", date_form(ONE_OFF, "Extra bank holiday"))
    assert added.status_code == 303
    again = post(portal, "/admin/bank-holidays", date_form(ONE_OFF, "Extra bank holiday"))
    assert again.status_code == 303  # a double submission adds it once
    assert portal.run(BankHolidayOverride.count().run) == 1
    page = portal.client.get(added.headers["location"])
    assert "The bank holiday was added" in page.text
    assert "Extra bank holiday" in page.text and "Added here" in page.text
    check_page(page.text, "/admin/bank-holidays (added)")

    after = portal.run(working_days_after, start, 10)
    assert (after - before).days in (1, 3)  # one working day later (over a weekend: 3)
    assert portal.run(working_days_left, start, before) == 9  # one fewer working day to go

    override = portal.run(BankHolidayOverride.select(BankHolidayOverride.id).first().run)
    assert override is not None
    removed = post(portal, f"/admin/bank-holidays/{override['id']}/remove", {})
    assert removed.status_code == 303
    assert post(portal, f"/admin/bank-holidays/{override['id']}/remove", {}).status_code == 303
    assert portal.run(working_days_after, start, 10) == before
    actions = [
        e["action"]
        for e in portal.run(
            AuditEvent.select(AuditEvent.action)
            .where(AuditEvent.record_type == "bank_holiday_override")
            .run
        )
    ]
    assert actions == ["bank_holiday_added", "bank_holiday_override_removed"]


def test_adding_a_bank_holiday_explains_what_is_wrong(portal: Portal) -> None:
    portal.sign_in("portal.admin")
    cases = [
        (date_form(None, "Extra"), "Enter the date of the bank holiday"),
        (date_form(ONE_OFF, ""), "Enter the name of the bank holiday"),
        (
            {"day-day": "31", "day-month": "2", "day-year": str(NEXT_YEAR), "name": "Extra"},
            "Date of the bank holiday must be a real date",
        ),
        (date_form(GOOD_FRIDAY, "Extra"), "is already a bank holiday (Good Friday)"),
    ]
    weekend = next(
        date(NEXT_YEAR, 11, d) for d in range(1, 8) if date(NEXT_YEAR, 11, d).weekday() == 5
    )
    cases.append((date_form(weekend, "Extra"), "Date of the bank holiday must be a weekday"))
    for form, message in cases:
        response = post(portal, "/admin/bank-holidays", form)
        assert response.status_code == 422, message
        assert message in response.text
        assert "<title>Error: " in response.text
        check_page(response.text, f"/admin/bank-holidays ({message})")
    typed = post(portal, "/admin/bank-holidays", date_form(None, "Kept name"))
    assert 'value="Kept name"' in typed.text
    assert portal.run(BankHolidayOverride.count().run) == 0


def test_pages_count_working_days_with_the_overrides_their_session_read_brought(
    portal: Portal,
) -> None:
    """A signed-in request takes the overrides from its session's one read (no
    statement of its own, never a stale copy): an assessment started after an
    administrator adds a holiday is due a working day later."""
    started_on = date(2026, 11, 2)  # a Monday; ten working days on is Monday 16 November
    portal.sign_in("portal.admin")
    added = post(portal, "/admin/bank-holidays", date_form(date(2026, 11, 11), "One-off"))
    assert added.status_code == 303, added.text
    as_user(portal, "derby.school")
    family_id = create_family(portal)
    child_id = child_of(portal, family_id)
    give_consent(portal, family_id, child_id)
    response = post(portal, f"/families/{family_id}/assessments", start_form(child_id, started_on))
    assert response.status_code == 303, response.text
    due = portal.run(Assessment.select(Assessment.due_on).where(Assessment.family == family_id).run)
    assert [row["due_on"] for row in due] == [date(2026, 11, 17)]
    record = portal.client.get(f"/families/{family_id}").text
    assert "17 November 2026" in record
