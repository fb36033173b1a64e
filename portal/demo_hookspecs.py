"""The demo contract: how an area plugin loads its fictional demo records.

Kept out of the production contract (``hookspecs``): an area offers its demo
records through a second entry-point group, ``portal_demo``, naming a module
that implements this hook. Only `portal demo-data` loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pluggy

from portal.hookspecs import PROJECT_NAME

if TYPE_CHECKING:
    from collections.abc import Awaitable, Mapping

    from portal.kernel.users import CurrentUser

DEMO_ENTRY_POINT_GROUP = "portal_demo"


@dataclass(frozen=True)
class DemoAddresses:
    """Where an area's fictional demo families live: a town and real-looking postcodes."""

    town: str
    postcodes: tuple[str, ...] = ()


hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec(firstresult=True)
def portal_demo_data(users: Mapping[str, CurrentUser]) -> Awaitable[int]:
    """Return a coroutine loading the area's demo records (users by email local part); it returns how many."""


@hookspec(firstresult=True)
def portal_demo_addresses() -> DemoAddresses:
    """Return where the area's fictional demo families live (town and postcodes)."""
