"""Multi-agency meetings (the VCM, Starting Point's panels): series, slots and agendas.

The names area plugins may use, and the core keeps stable."""

from portal.meetings.series import WEEKDAYS, ensure_series, next_slots, series_by_key
from portal.meetings.service import (
    MeetingHeld,
    meeting_at,
    meetings_of_series,
    open_slots,
    place_on_agenda,
    placement_of,
)

__all__ = [
    "WEEKDAYS",
    "MeetingHeld",
    "ensure_series",
    "meeting_at",
    "meetings_of_series",
    "next_slots",
    "open_slots",
    "place_on_agenda",
    "placement_of",
    "series_by_key",
]
