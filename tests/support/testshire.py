"""A third area plugin that lives only in the tests: it proves an area can be
added through the hooks alone, without touching the core."""

from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import Any

from litestar import get
from litestar.response import Template

from portal.plugin_api import (
    AgendaDecision,
    AgendaOutcome,
    AreaDescription,
    AreaTeam,
    Contact,
    CurrentUser,
    FamilyArrival,
    Locality,
    NavigationItem,
    SocialCareRoute,
    audit,
    hookimpl,
    require_role,
)

TESTSHIRE = AreaDescription(
    slug="testshire",
    name="Testshire",
    localities=(Locality("upper", "Upper Testing"), Locality("lower", "Lower Testing")),
    advice_line=Contact(name="Testshire Advice Line", phone="01000 000001"),
    social_care_front_door=Contact(name="Testshire Front Door", phone="01000 000002"),
)


@get("/", name="testshire_home", guards=[require_role("testshire.practitioner")])
async def testshire_home() -> Template:
    return Template("testshire/home.html", context={"area": TESTSHIRE})


@get("/boom", name="testshire_boom")
async def boom() -> str:
    raise RuntimeError("secret detail: Jane Doe 01/02/2019")  # must never reach the page


@hookimpl
def portal_describe_area() -> AreaDescription:
    return TESTSHIRE


@hookimpl
def portal_route_handlers() -> Sequence[Any]:
    return [testshire_home, boom]


@hookimpl
def portal_navigation_items(user: CurrentUser) -> Sequence[NavigationItem]:
    return [NavigationItem("Testshire", "/testshire/")] if "testshire" in user.areas else []


@hookimpl
def portal_template_directories() -> Sequence[Path]:
    return [Path(__file__).parent / "templates"]


ARRIVALS: list[FamilyArrival] = []  # what the hook was told, for tests to inspect


@hookimpl
def portal_family_arrived(arrival: FamilyArrival) -> None:
    ARRIVALS.append(arrival)


TESTSHIRE_ROUTE = SocialCareRoute(
    service="Testshire Children's Front Door",
    council="Testshire County Council",
    phone="01000 000002",
    out_of_hours_phone="01000 000003",
    email="front.door@testshire.example",
    online_form_url="https://testshire.example/refer",
    guidance="Phone the Testshire Children's Front Door at once.",
    confirmed=True,
)
ROUTE_REQUESTS: list[str] = []  # areas the hook was asked about, for tests to inspect


@hookimpl
def portal_social_care_route(area: str) -> SocialCareRoute | None:
    ROUTE_REQUESTS.append(area)
    return TESTSHIRE_ROUTE


# Meetings and teams ---------------------------------------------------------

TESTSHIRE_OUTCOMES = (
    AgendaOutcome(
        "allocate",
        "Allocate to the Upper Testing Team",
        hint="A practitioner in the team assesses and works with the family",
        detail_label="What the team will do",
        allocates=True,
        allocation_team="team:upper",
    ),
    AgendaOutcome("refer", "Refer to other services", detail_label="Which services, and why"),
    AgendaOutcome("no_action", "No action needed at this time"),
)
OUTCOME_REQUESTS: list[str] = []  # series keys the outcomes hook was asked about
DECISIONS: list[AgendaDecision] = []  # decisions the reaction hook heard of
FAIL_REACTIONS: list[str] = []  # while non-empty, the reaction fails (after writing)


@hookimpl
def portal_agenda_outcomes(series_key: str) -> Sequence[AgendaOutcome]:
    OUTCOME_REQUESTS.append(series_key)
    return TESTSHIRE_OUTCOMES


@hookimpl
def portal_agenda_decided(decision: AgendaDecision) -> Awaitable[None]:
    async def react() -> None:
        DECISIONS.append(decision)
        # a write of the plugin's own, which must stand or fall with the decision
        await audit.record(
            "testshire_decision_heard",
            "ok",
            actor_label="testshire",
            record_type="agenda_item",
            record_id=decision.item_id,
            family_id=decision.family_id,
        )
        if FAIL_REACTIONS:
            raise RuntimeError(FAIL_REACTIONS[0])

    return react()


TESTSHIRE_TEAMS = (
    AreaTeam(
        "team:upper",
        "Upper Testing Team",
        "Practitioners working with families in Upper Testing",
        member_roles=("Youth worker", "Family support worker"),
    ),
    AreaTeam("spa:upper", "Upper Testing inbox", "Clerks who take requests for Upper Testing"),
)


@hookimpl
def portal_area_teams() -> Sequence[AreaTeam]:
    return TESTSHIRE_TEAMS
