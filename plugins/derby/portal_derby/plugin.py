"""Derby's area plugin: the Pre-Assessment, the Professional Consultation Line,
and requests to the weekly locality Vulnerable Children's Meeting (VCM)
through the SPA clerks and The Lighthouse, allocated to Multi-Agency Teams."""

from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import Any

from portal.plugin_api import (
    AgendaDecision,
    AgendaOutcome,
    AreaDescription,
    AreaTeam,
    CardFromFact,
    CurrentUser,
    FamilyRecord,
    Measure,
    NavigationItem,
    RecordSection,
    ReportQuery,
    SocialCareRoute,
    hookimpl,
)
from portal_derby import card, controllers, information, reports, teams, vcm
from portal_derby.area import DERBY, SOCIAL_CARE_ROUTE

DERBY_ROLES = controllers.DERBY_ROLES


@hookimpl
def portal_describe_area() -> AreaDescription:
    return DERBY


@hookimpl
def portal_route_handlers() -> Sequence[Any]:
    return controllers.HANDLERS


@hookimpl
def portal_navigation_items(user: CurrentUser) -> Sequence[NavigationItem]:
    items = []
    if user.has_role(*DERBY_ROLES):
        items.append(NavigationItem("Derby", "/derby/"))
    if user.has_role(controllers.CLERK):
        items.append(NavigationItem("SPA inbox", "/derby/inbox"))
    if user.has_role(controllers.CHAIR):
        items.append(NavigationItem("VCM meetings", "/derby/meetings"))
    return items


@hookimpl
def portal_template_directories() -> Sequence[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def portal_database_app() -> str:
    return "portal_derby.piccolo_app"


@hookimpl
def portal_social_care_route(area: str) -> SocialCareRoute | None:
    return SOCIAL_CARE_ROUTE


@hookimpl
def portal_area_teams() -> Sequence[AreaTeam]:
    return teams.area_teams()


@hookimpl
def portal_agenda_outcomes(series_key: str) -> Sequence[AgendaOutcome]:
    return vcm.agenda_outcomes(series_key)


@hookimpl
def portal_agenda_decided(decision: AgendaDecision) -> Awaitable[None] | None:
    return vcm.on_decided(decision)


@hookimpl
def portal_family_card(family: FamilyRecord) -> CardFromFact:
    return card.family_card(family.id)


@hookimpl
def portal_report_measures(query: ReportQuery) -> Awaitable[Sequence[Measure]]:
    return reports.measures(query)


@hookimpl
def portal_person_records(person_id: int, family_id: int) -> Awaitable[Sequence[RecordSection]]:
    return information.person_records(person_id, family_id)
