"""Dates and times read the GOV.UK way, in UK time, wherever the portal writes them."""

from datetime import UTC, date, datetime, time

import pytest

from portal.kernel.formatting import format_clock, format_day, format_slot, format_when, in_words


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 3, 3, 10, 0, tzinfo=UTC), "10am"),
        (datetime(2026, 3, 3, 14, 5, tzinfo=UTC), "2:05pm"),
        (datetime(2026, 3, 3, 12, 0, tzinfo=UTC), "midday"),
        (datetime(2026, 3, 3, 0, 0, tzinfo=UTC), "midnight"),
        (datetime(2026, 3, 3, 0, 30, tzinfo=UTC), "12:30am"),
        # British Summer Time: 9am UTC is 10am in the UK.
        (datetime(2026, 7, 1, 9, 0, tzinfo=UTC), "10am"),
    ],
)
def test_times_are_written_as_the_style_guide_asks(moment: datetime, words: str) -> None:
    assert format_clock(moment) == words


def test_a_time_of_day_as_stored_reads_the_same_way() -> None:
    assert format_clock("13:30") == "1:30pm"
    assert format_clock(time(10)) == "10am"


def test_a_slot_names_the_day_and_a_moment_the_date() -> None:
    assert format_slot(datetime(2026, 3, 3, 10, 0, tzinfo=UTC)) == "Tuesday 3 March 2026 at 10am"
    assert format_when(datetime(2026, 3, 27, 14, 5, tzinfo=UTC)) == "27 March 2026 at 2:05pm"
    # A moment late on a summer evening belongs to the next UK day.
    assert format_when(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026 at 12:30am"


def test_stored_values_read_in_words() -> None:
    assert format_day("2026-03-27") == "27 March 2026"
    assert format_day(None) == ""
    assert in_words(None) == "Not recorded"
    assert in_words(date(2016, 3, 27)) == "27 March 2016"
