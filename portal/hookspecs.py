"""THE plugin contract between the core and an area plugin.

Each area (Derby, Derbyshire, ...) is a pluggy plugin registered under the
entry-point group ``portal``, whose entry-point name is the area's slug. A
plugin implements these hooks with ``portal.plugin_api.hookimpl``; the core
calls them and never imports a plugin. Every spec has a one-line docstring
(a test enforces it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from litestar.types import ControllerRouterHandler

    from portal.areas import (
        AgendaDecision,
        AgendaOutcome,
        AreaDescription,
        AreaTeam,
        CardFromFact,
        FamilyArrival,
        FamilyCard,
        FamilyRecord,
        Measure,
        NavigationItem,
        RecordSection,
        ReportQuery,
        SocialCareRoute,
    )
    from portal.kernel.users import CurrentUser

PROJECT_NAME = "portal"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)  # for plugins and the core's own record cards


@hookspec
def portal_describe_area() -> AreaDescription:
    """Describe the plugin's area: name, slug, localities, advice line and social-care front door."""


@hookspec
def portal_route_handlers() -> Sequence[ControllerRouterHandler]:
    """Return the area's route handlers (controllers or routers), mounted under /<slug>/."""


@hookspec
def portal_navigation_items(user: CurrentUser) -> Sequence[NavigationItem]:
    """Return service-navigation items to show this signed-in user (empty for none)."""


@hookspec
def portal_template_directories() -> Sequence[Path]:
    """Return folders of templates, searched before the core's (namespace them: derby/...)."""


@hookspec(firstresult=True)
def portal_family_arrived(arrival: FamilyArrival) -> None:
    """Tell the receiving area a family has moved in (called on that area's plugin only)."""


@hookspec(firstresult=True)
def portal_social_care_route(area: str) -> SocialCareRoute | None:
    """Return where to refer significant harm to Children's Social Care (family's area plugin only)."""


@hookspec
def portal_database_app() -> str:
    """Return the dotted path of the area's Piccolo app module (its tables and migrations)."""


@hookspec(firstresult=True)
def portal_agenda_outcomes(series_key: str) -> Sequence[AgendaOutcome]:
    """Return the decisions a meeting of this series can record for a case (family's area plugin only)."""


@hookspec(firstresult=True)
def portal_agenda_decided(decision: AgendaDecision) -> Awaitable[None] | None:
    """React to a case decided at a meeting, inside the decision's transaction (area plugin only)."""


@hookspec
def portal_area_teams() -> Sequence[AreaTeam]:
    """Return the area's teams (SPA inboxes, MATs, Early Help Teams) that area managers staff."""


@hookspec
def portal_family_card(
    family: FamilyRecord, user: CurrentUser, reason: str
) -> CardFromFact | Awaitable[FamilyCard | None] | None:
    """Return a record-page card as a CardFromFact, or a coroutine giving one (core and the family's area)."""


@hookspec(firstresult=True)
def portal_report_measures(query: ReportQuery) -> Awaitable[Sequence[Measure]]:
    """Return a coroutine giving the area's own report figures for the query (that area only)."""


@hookspec(firstresult=True)
def portal_person_records(person_id: int, family_id: int) -> Awaitable[Sequence[RecordSection]]:
    """Return a coroutine giving the area's records about a person, for an information request."""
