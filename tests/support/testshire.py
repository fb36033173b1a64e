"""A third area plugin that lives only in the tests: it proves an area can be
added through the hooks alone, without touching the core."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litestar import get
from litestar.response import Template

from portal.plugin_api import (
    AreaDescription,
    Contact,
    CurrentUser,
    FamilyArrival,
    Locality,
    NavigationItem,
    SocialCareRoute,
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
