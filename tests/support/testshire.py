"""A third area plugin that lives only in the tests: it proves an area can be
added through the hooks alone, without touching the core.

It implements every hook of ``portal/hookspecs.py`` and imports only
``portal.plugin_api``, as the real areas do. Its own table (visits to a family,
``testshire_app/``) is made by its own migration; visits are recorded on its
own page and come back on the family's record page (its card), in its
report, and in an information request. Its demo records are in
``testshire_demo.py`` (the ``portal_demo`` contract, kept apart from this one).
"""

from collections.abc import Awaitable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from piccolo.query.functions.aggregate import Count

from portal.plugin_api import (
    AgendaDecision,
    AgendaOutcome,
    AreaDescription,
    AreaTeam,
    Contact,
    CurrentUser,
    FamilyAccess,
    FamilyArrival,
    FamilyCard,
    FamilyRecord,
    Form,
    Locality,
    Measure,
    MeasureRow,
    NavigationItem,
    RecordItem,
    RecordSection,
    ReportQuery,
    SocialCareRoute,
    audit,
    family_for,
    format_day,
    hookimpl,
    in_words,
    new_form_key,
    now_utc,
    once,
    require_area_role,
    require_role,
    see_other,
    user_of,
    write_transaction,
)
from tests.support.testshire_app.tables import TestshireVisit

AREA = "testshire"
PRACTITIONER = "testshire.practitioner"
MANAGER = "testshire.area_manager"

TESTSHIRE = AreaDescription(
    slug=AREA,
    name="Testshire",
    localities=(Locality("upper", "Upper Testing"), Locality("lower", "Lower Testing")),
    advice_line=Contact(name="Testshire Advice Line", phone="01000 000001"),
    social_care_front_door=Contact(name="Testshire Front Door", phone="01000 000002"),
    # Testshire's own role values (no demo account holds them: tests that play
    # Testshire's people with the demo accounts set PORTAL_ROLE_MAP instead).
    role_claims={
        "Testshire.Practitioner": PRACTITIONER,
        "Testshire.AreaManager": MANAGER,
    },
)
LOCALITY_NAMES = {loc.slug: loc.name for loc in TESTSHIRE.localities}


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
    return [testshire_home, boom, new_visit, record_visit_page]


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


# Its own table: visits to a family --------------------------------------------

VISIT_RECORDED = "testshire_visit_recorded"


async def record_visit(
    user: CurrentUser, family_id: int, visited_on: date, note: str, form_key: str = ""
) -> int:
    """Record a visit and its audit event together; a form sent twice makes one."""

    async def create() -> int:
        async with write_transaction(TestshireVisit._meta.db):
            visit = TestshireVisit(
                family=family_id,
                visited_on=visited_on,
                note=note,
                recorded_by=user.id,
                recorded_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await visit.save()
            await audit.record(
                VISIT_RECORDED,
                "success",
                actor=user,
                record_type="testshire_visit",
                record_id=visit.id,
                family_id=family_id,
            )
            return int(visit.id)

    return await once(TestshireVisit, form_key, create)


async def visits_of(family_id: int) -> list[dict[str, Any]]:
    """The family's visits, the latest first, with who recorded each."""
    return list(
        await TestshireVisit.select(
            TestshireVisit.id,
            TestshireVisit.visited_on,
            TestshireVisit.note,
            TestshireVisit.recorded_at,
            TestshireVisit.recorded_by.display_name.as_alias("recorded_by_name"),
        )
        .where(TestshireVisit.family == family_id)
        .order_by(TestshireVisit.visited_on, ascending=False)
        .order_by(TestshireVisit.id, ascending=False)
    )


# Its pages --------------------------------------------------------------------

any_testshire_role = require_area_role(AREA, PRACTITIONER, MANAGER)


async def testshire_family(
    request: Request[Any, Any, Any], family_id: int, *, for_change: bool | None = None
) -> FamilyAccess:
    """The family through the core's access check (audited, and refused under
    emergency access for a change); another area's family is a 404."""
    access = await family_for(request, family_id, for_change=for_change)
    if access.family.area != AREA:
        raise NotFoundException()
    return access


def visit_page(family: Any, form: Form, status_code: int = 200) -> Template:
    return Template(
        "testshire/visit_new.html",
        context={"family": family, "form": form},
        status_code=status_code,
    )


@get(
    "/families/{family_id:int}/visits/new",
    name="testshire_new_visit",
    guards=[any_testshire_role],
)
async def new_visit(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Template:
    family = (await testshire_family(request, family_id, for_change=True)).family
    return visit_page(family, Form({"form_key": new_form_key()}))


@post(
    "/families/{family_id:int}/visits",
    name="testshire_record_visit",
    guards=[any_testshire_role],
)
async def record_visit_page(
    request: Request[Any, Any, Any], family_id: FromPath[int]
) -> Template | Redirect:
    family = (await testshire_family(request, family_id)).family
    form = await Form.read(request)
    visited_on = form.date("visited_on", "the date of the visit")
    note = form.text("note", "Enter what happened at the visit", max_length=2000, label="Note")
    if not form.ok or visited_on is None:
        return visit_page(family, form, 422)
    await record_visit(user_of(request), family.id, visited_on, note, form.get("form_key"))
    return see_other(f"/families/{family.id}#visits")


# The record page, reports and information requests ------------------------------

CARD_REQUESTS: list[int] = []  # the families the card hook was asked about, for tests


@hookimpl
def portal_database_app() -> str:
    return "tests.support.testshire_app.piccolo_app"


@hookimpl
def portal_family_card(family: FamilyRecord, user: CurrentUser) -> Awaitable[FamilyCard | None]:
    CARD_REQUESTS.append(int(family.id))
    return family_card(family, user)


async def family_card(family: FamilyRecord, user: CurrentUser) -> FamilyCard:
    """The family's visits, and the way to record one (for Testshire's own people)."""
    return FamilyCard(
        title="Visits in Testshire",
        template="testshire/_family_card.html",
        context={
            "visits": await visits_of(int(family.id)),
            "may_record": user.has_role(PRACTITIONER, MANAGER),
        },
        anchor="visits",
        order=20,
    )


@hookimpl
def portal_report_measures(query: ReportQuery) -> Awaitable[Sequence[Measure]]:
    return report_measures(query)


async def report_measures(query: ReportQuery) -> Sequence[Measure]:
    """Visits made in the period (by the visit's date), by the family's locality."""
    in_period = (
        (TestshireVisit.family.area == query.area)
        & (TestshireVisit.visited_on >= query.start)
        & (TestshireVisit.visited_on <= query.end)
    )
    if query.locality:
        in_period &= TestshireVisit.family.locality == query.locality
    locality = TestshireVisit.family.locality
    found = (
        await TestshireVisit.select(locality.as_alias("locality"), Count(alias="n"))
        .where(in_period)
        .group_by(locality)
    )
    counts = {row["locality"]: int(row["n"]) for row in found}
    shown = [slug for slug in LOCALITY_NAMES if not query.locality or slug == query.locality]
    return [
        Measure(
            key="testshire-visits",
            title="Visits to families in Testshire",
            rows=tuple(MeasureRow(LOCALITY_NAMES[slug], counts.get(slug, 0)) for slug in shown),
            note="Visits made in the period, by the family's locality.",
        )
    ]


@hookimpl
def portal_person_records(person_id: int, family_id: int) -> Awaitable[Sequence[RecordSection]]:
    return person_records(person_id, family_id)


async def person_records(person_id: int, family_id: int) -> Sequence[RecordSection]:
    """Every visit to the person's family: each is part of the family's early help record."""
    items = tuple(
        RecordItem(
            f"Visit on {format_day(visit['visited_on'])}",
            (("Visited on", in_words(visit["visited_on"])), ("Note", in_words(visit["note"]))),
            f"Recorded by {visit['recorded_by_name'] or 'someone'} on "
            f"{in_words(visit['recorded_at'])}",
        )
        for visit in reversed(await visits_of(family_id))
    )
    return [RecordSection("Testshire visits", items)]
