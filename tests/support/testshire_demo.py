"""Testshire's demo records (entry-point group ``portal_demo``, as the real
areas' are): where its fictional families live, and a visit to each of them.
Kept apart from ``testshire.py``: demo records are no part of the production
contract, so the production plugin manager would refuse these hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import date, timedelta

from portal.plugin_api import CurrentUser, DemoAddresses, Family, hookimpl
from tests.support.testshire import AREA, PRACTITIONER, record_visit
from tests.support.testshire_app.tables import TestshireVisit

DEMO_TOWN = "Testington"
DEMO_POSTCODES = ("TE1 1AA", "TE2 4BB", "TE3 9CD")
DEMO_NOTE = "Demo visit: talked through the morning routine with the family"


async def load(users: Mapping[str, CurrentUser]) -> int:
    """A visit to each of Testshire's demo families, once; how many were made."""
    practitioners = [u for u in users.values() if u.has_role(PRACTITIONER)]
    if not practitioners or await TestshireVisit.count() > 0:
        return 0
    rows = await Family.select(Family.id).where(Family.area == AREA).order_by(Family.id)
    for n, row in enumerate(rows):
        visited_on = date.today() - timedelta(days=7 * (n % 4))
        await record_visit(practitioners[n % len(practitioners)], row["id"], visited_on, DEMO_NOTE)
    return len(rows)


@hookimpl
def portal_demo_data(users: Mapping[str, CurrentUser]) -> Awaitable[int]:
    """Testshire's demo records: a visit to each demo family."""
    return load(users)


@hookimpl
def portal_demo_addresses() -> DemoAddresses:
    """Where Testshire's fictional demo families live."""
    return DemoAddresses(town=DEMO_TOWN, postcodes=DEMO_POSTCODES)
