"""The strict input layer (portal.web.forms): text without controls, ASCII
whole numbers in range, GOV.UK dates from 1900 to 2100."""

from __future__ import annotations

from datetime import date

import pytest

from portal.kernel.forms import Form, clean_text, whole_number


def test_controls_and_lone_surrogates_are_removed_and_the_rest_kept() -> None:
    assert clean_text("a\x00b\x01c\x1b\x7f") == "abc"
    assert clean_text("line one\r\nline two\tend") == "line one\r\nline two\tend"
    assert clean_text("x\ud800y") == "xy"
    kept = "Zoë \u202eRTL\u200b 😀 نور"
    assert clean_text(kept) == kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" 7 ", 7), ("0", 0), ("²", None), ("١٢", None), ("-1", None), ("1e3", None)],
)
def test_whole_numbers_are_ascii_digits(text: str, expected: int | None) -> None:
    assert whole_number(text) == expected


def test_whole_numbers_stay_in_range() -> None:
    assert whole_number("2147483647") == 2**31 - 1
    assert whole_number("2147483648") is None
    assert whole_number("99999999999999999999") is None
    assert whole_number("11", maximum=10) is None


def test_a_bad_version_is_zero_never_a_crash() -> None:
    for bad in ("", "²", "99999999999999999999", "abc"):
        assert Form({"version": bad}).version() == 0
    assert Form({"version": "3"}).version() == 3


def date_error(day: str, month: str, year: str) -> str | None:
    form = Form({"dob-day": day, "dob-month": month, "dob-year": year})
    form.date("dob", "a date of birth", today=date(2026, 12, 2))
    return form.errors.get("dob")


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2026"), "Date of birth must be a real date"),
        (("1", "1", "10000"), "Year must include 4 numbers"),
        (("1", "1", "99999999"), "Year must include 4 numbers"),
        (("1", "1", "0"), "Year must include 4 numbers"),
        (("1", "1", "1800"), "Date of birth must be between 1900 and 2100"),
        (("²", "1", "2020"), "Date of birth must be a real date"),
        (("1", "1", "２０２０"), "Year must include 4 numbers"),  # noqa: RUF001 (fullwidth, on purpose)
        (("1", "1", "2027"), "Date of birth must be today or in the past"),
        (("", "1", "2020"), "Date of birth must include a day"),
    ],
)
def test_dates_give_the_design_systems_messages(parts: tuple[str, str, str], message: str) -> None:
    assert date_error(*parts) == message


def test_a_good_date_is_read() -> None:
    form = Form({"dob-day": "4", "dob-month": "03", "dob-year": "2016"})
    assert form.date("dob", "a date of birth") == date(2016, 3, 4) and form.ok


def test_an_expected_date_of_birth_is_within_ten_months() -> None:
    from datetime import timedelta

    from portal.families.forms import read_person

    def expected_error(when: date) -> str | None:
        form = Form(
            {
                "given_names": "Baby",
                "family_name": "Okafor",
                "role": "child",
                "gender": "not_known",
                "expected-day": str(when.day),
                "expected-month": str(when.month),
                "expected-year": str(when.year),
            }
        )
        read_person(form)
        return form.errors.get("expected")

    assert expected_error(date.today() + timedelta(days=200)) is None
    assert expected_error(date.today() + timedelta(days=400)) == (
        "The expected date of birth must be within 10 months"
    )
