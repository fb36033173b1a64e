"""Rows read as one JSON array come back with the types Piccolo's select gives."""

import json
from datetime import UTC, date, datetime

from portal.consent.tables import ConsentWithdrawal
from portal.db import rows_from_json
from portal.lead.tables import LeadSpell


def test_dates_and_times_are_python_values_again() -> None:
    spells = rows_from_json(
        LeadSpell,
        json.dumps(
            [
                {
                    "id": 2,
                    "started_at": "2026-11-02T09:30:00.123456+00:00",
                    "ended_at": None,
                    "name": "Hannah Ashworth",
                }
            ]
        ),
    )
    assert spells == [
        {
            "id": 2,
            "started_at": datetime(2026, 11, 2, 9, 30, 0, 123456, tzinfo=UTC),
            "ended_at": None,
            "name": "Hannah Ashworth",  # what the statement added stays as it is
        }
    ]
    withdrawal = rows_from_json(ConsentWithdrawal, '[{"withdrawn_on": "2026-11-10"}]')
    assert withdrawal == [{"withdrawn_on": date(2026, 11, 10)}]
    assert rows_from_json(LeadSpell, None) == []  # no rows: SQL's jsonb_agg gives NULL
