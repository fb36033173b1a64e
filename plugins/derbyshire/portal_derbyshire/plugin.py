"""Derbyshire's area plugin: Starting Point, the 24-hour screening of each
Initial Contact, and allocation at the district Vulnerable Children's Meetings."""

from __future__ import annotations

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
    now_utc,
)
from portal_derbyshire import card, common, information, reports, vcm
from portal_derbyshire.area import DERBYSHIRE, SOCIAL_CARE_ROUTE
from portal_derbyshire.controllers import DERBYSHIRE_ROLES, HANDLERS

EHT_MEMBER_ROLES = (
    "Lead practitioner",
    "Children's practitioner",
    "Education welfare officer",
    "Youth worker",
    "Crime prevention officer",
    "Children's centre worker",
    "Careers adviser",
)


@hookimpl
def portal_describe_area() -> AreaDescription:
    return DERBYSHIRE


@hookimpl
def portal_route_handlers() -> Sequence[Any]:
    return HANDLERS


@hookimpl
def portal_navigation_items(user: CurrentUser) -> Sequence[NavigationItem]:
    if not user.has_role(*DERBYSHIRE_ROLES):
        return []
    items = [NavigationItem("Derbyshire", "/derbyshire/")]
    if user.has_role(*common.SP_ROLES):
        items.append(NavigationItem("Starting Point queue", "/derbyshire/starting-point"))
    if user.has_role(common.PRACTITIONER):
        items.append(NavigationItem("My requests", "/derbyshire/requests"))
    if user.has_role(common.PRACTITIONER, common.ADVISOR):
        items.append(NavigationItem("My cases", "/derbyshire/cases"))
    if user.has_role(*common.SP_ROLES, common.MANAGER):
        items.append(NavigationItem("24-hour report", "/derbyshire/reports/timeliness"))
    return items


@hookimpl
def portal_template_directories() -> Sequence[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def portal_social_care_route(area: str) -> SocialCareRoute | None:
    return SOCIAL_CARE_ROUTE


@hookimpl
def portal_database_app() -> str:
    return "portal_derbyshire.piccolo_app"


@hookimpl
def portal_area_teams() -> Sequence[AreaTeam]:
    return [
        AreaTeam(
            key=common.eht_team(slug),
            name=f"{name} Early Help Team",
            description=(
                f"Lead Practitioners allocated cases at the {name} Vulnerable Children's Meeting."
            ),
            member_roles=EHT_MEMBER_ROLES,
        )
        for slug, name in common.DISTRICT_NAMES.items()
    ]


@hookimpl
def portal_agenda_outcomes(series_key: str) -> Sequence[AgendaOutcome]:
    return [
        AgendaOutcome(
            key=key,
            label=label,
            hint=hint,
            allocates=allocates,
            allocation_team=team,
        )
        for key, label, hint, allocates, team in vcm.vcm_outcomes(series_key)
    ]


@hookimpl
def portal_agenda_decided(decision: AgendaDecision) -> Awaitable[None] | None:
    if decision.kind != common.KIND:
        return None
    return vcm.vcm_decided(
        decision.record_id,
        decision.outcome,
        decision.decision,
        decision.decided_by,
        decision.allocated_to,
        decision.item_id,
        now_utc(),
    )


@hookimpl
def portal_family_card(family: FamilyRecord) -> CardFromFact:
    return card.family_card(family.id)


@hookimpl
def portal_report_measures(query: ReportQuery) -> Awaitable[Sequence[Measure]]:
    return reports.measures(query)


@hookimpl
def portal_person_records(person_id: int, family_id: int) -> Awaitable[Sequence[RecordSection]]:
    return information.person_records(person_id, family_id)
