"""Every form route, core and both plugins, posted the values a careless user
or an attacker sends (issue 22, finding 5): empty, 100 kB, NUL and other
controls, right-to-left and zero-width marks, emoji, a lone surrogate, huge
and Unicode numbers, impossible years and 31 February, duplicated and missing
fields, each with a valid session and CSRF token. Never a 5xx; a form that
re-renders shows the typed text back; a route that refused every value
changed no row. A few GET pages are given bad query strings and path ids too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from bs4 import BeautifulSoup
from litestar.handlers import HTTPRouteHandler

from portal.assessments.sections import SECTIONS
from portal.audit.tables import AuditEvent
from portal.auth.tables import LoginAttempt, PortalSession
from portal.notify.tables import Notification, OutboxEmail
from portal.tables import CORE_TABLES
from tests.support.families import consent_form, date_fields
from tests.support.portal import Portal, create_family, post
from tests.support.processes import ROOT

# Rows that a refused request may still write: its audit event, the session's
# last-seen time, notifications of the refusal.
NOT_COUNTED = {AuditEvent, PortalSession, LoginAttempt, Notification, OutboxEmail}
MARKER = "Zoë fuzz \u202eRTL\u200b"  # printable: a re-rendered form shows it back
BIG = "x" * 100_000
TEXT_VALUES: dict[str, bytes] = {
    "empty": b"",
    "NUL": b"a\x00b",
    "controls": b"\x01\x02\x1b[31m\x7f",
    "marks": MARKER.encode(),
    "emoji": "😀👨‍👩‍👧".encode(),
    "lone surrogate": b"\xed\xa0\x80",  # how a browser bug or attacker sends U+D800
    "huge number": b"99999999999999999999",
    "Unicode digits": "²١٢٣".encode(),
    "negative": b"-1",
}
DATES = {  # (day, month, year)
    "year 0": ("1", "1", "0"),
    "year 1800": ("1", "1", "1800"),
    "year 10000": ("1", "1", "10000"),
    "year 99999999": ("1", "1", "99999999"),
    "31 February": ("31", "2", "2026"),
    "Unicode year": ("1", "1", "\uff12\uff10\uff12\uff16"),  # fullwidth 2026
}


def field_names() -> list[str]:
    """Every field name the portal's forms use: from the templates (name="..."
    and the form macros' second argument) and the assessment's questions."""
    folders = [ROOT / "templates", *Path(ROOT / "plugins").glob("*/portal_*/templates")]
    text = "\n".join(p.read_text() for f in folders for p in f.rglob("*.html"))
    names = set(re.findall(r'name="([a-z_][a-z_0-9-]*)"', text))
    names |= set(re.findall(r'\(\s*(?:f|\w*form)\s*,\s*"([a-z_][a-z_0-9]*)"', text))
    names |= {q.name for s in SECTIONS for q in s.questions}
    names.discard("_csrf_token")
    return sorted(names)


def date_field_names(names: list[str]) -> list[str]:
    return sorted({n.removesuffix("-day") for n in names if n.endswith("-day")})


def form_body(pairs: list[tuple[str, bytes]]) -> bytes:
    return b"&".join(
        quote_from_bytes(k.encode()).encode() + b"=" + quote_from_bytes(v).encode()
        for k, v in pairs
    )


def value_sets(names: list[str]) -> dict[str, list[tuple[str, bytes]]]:
    """Each kind of bad input, as the fields of one submission."""
    dates = date_field_names(names)
    plain = [n for n in names if not n.endswith(("-day", "-month", "-year"))]
    sets = {kind: [(n, value) for n in plain] for kind, value in TEXT_VALUES.items()}
    sets["100 kB"] = [(n, BIG.encode()) for n in plain[::16]]  # ~1 MB: under the body cap
    sets["duplicated"] = [(n, v) for n in plain for v in (b"first", b"second")]
    sets["missing"] = []
    for kind, (day, month, year) in DATES.items():
        sets[kind] = [
            pair
            for d in dates
            for pair in (
                (f"{d}-day", day.encode()),
                (f"{d}-month", month.encode()),
                (f"{d}-year", year.encode()),
            )
        ]
    return sets


def shows_text_fields(html: str, url: str) -> bool:
    """Whether the page re-renders the posted form with a field one types into."""
    soup = BeautifulSoup(html, "html.parser")
    for form in soup.find_all("form", action=url):
        if form.find("textarea") or form.find("input", attrs={"type": "text"}):
            return True
    return False


def post_routes(portal: Portal) -> list[str]:
    paths = set()
    for route in portal.app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler) and "POST" in handler.http_methods:
                paths.add(route.path)
    # signing in and out are tested on their own; they end this test's session
    return sorted(p for p in paths if not p.startswith("/auth/"))


def filler(ids: dict[str, int]) -> Callable[[str], str]:
    def fill(path: str) -> str:
        for name, value in ids.items():
            path = path.replace(f"{{{name}:int}}", str(value))
        path = re.sub(r"\{[a-z_]+:int\}", "1", path)
        return re.sub(r"\{[a-z_]+:str\}", "strengths", path)

    return fill


async def row_counts() -> dict[str, int]:
    return {t._meta.tablename: await t.count() for t in CORE_TABLES if t not in NOT_COUNTED}


def a_family_with_an_assessment(portal: Portal, place: str = "derby:north") -> dict[str, int]:
    family_id = create_family(portal, place=place)
    post(portal, f"/families/{family_id}/lead/take", {})
    record = portal.client.get(f"/families/{family_id}").text
    person_id = int(re.findall(rf"/families/{family_id}/people/(\d+)", record)[0])
    for purpose in ("record", "assessment"):
        post(portal, f"/families/{family_id}/consent", consent_form(person_id, purpose))
    started = post(
        portal,
        f"/families/{family_id}/assessments",
        {"child": str(person_id), **date_fields("started_on", date(2026, 11, 2))},
    )
    assessment_id = int(started.headers["location"].rsplit("/", 1)[1])
    return {"family_id": family_id, "person_id": person_id, "assessment_id": assessment_id}


PLACES = {"derby.manager": "derby:north", "derbyshire.senior": "derbyshire:erewash"}
# The core's routes run the same code in both areas: fuzz them once, as Derby's
# manager, with Derby's own pages; a Starting Point senior fuzzes Derbyshire's.
ROUTES_OF: dict[str, Callable[[str], bool]] = {
    "derby.manager": lambda path: not path.startswith("/derbyshire/"),
    "derbyshire.senior": lambda path: path.startswith("/derbyshire/"),
}
FEWEST_ROUTES = {"derby.manager": 55, "derbyshire.senior": 3}  # consultations are the core's now


@pytest.mark.parametrize("manager", sorted(PLACES))
def test_every_form_survives_bad_input(portal: Portal, manager: str) -> None:
    portal.sign_in(manager)  # who reaches the most forms, with their area's own
    ids = a_family_with_an_assessment(portal, PLACES[manager])
    fill = filler(ids)
    names = field_names()
    sets = value_sets(names)
    routes = [path for path in post_routes(portal) if ROUTES_OF[manager](path)]
    assert len(routes) >= FEWEST_ROUTES[manager] and len(names) >= 100, (len(routes), len(names))
    token = portal.csrf_token()
    statuses: Counter[int] = Counter()
    server_errors: list[str] = []
    not_shown_back: list[str] = []
    changed: list[str] = []
    for path in routes:
        url = fill(path)
        before = portal.run(row_counts)
        accepted = False
        for kind, pairs in sets.items():
            response = portal.client.post(
                url,
                content=form_body([("_csrf_token", token.encode()), *pairs]),
                headers={"content-type": "application/x-www-form-urlencoded"},
                follow_redirects=False,
            )
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                server_errors.append(f"{kind} -> POST {url}: {response.status_code}")
            elif response.status_code < 400:
                accepted = True
            elif (
                kind == "marks"
                and response.status_code == 422
                and shows_text_fields(response.text, url)
                and "Zoë fuzz" not in response.text
            ):
                not_shown_back.append(f"POST {url}")
        if not accepted and portal.run(row_counts) != before:
            changed.append(f"POST {url}")
    tried = len(routes) * len(sets)
    print(f"fuzz: {len(routes)} routes x {len(sets)} value sets = {tried} posts over ")
    print(f"      {len(names)} field names; statuses {dict(sorted(statuses.items()))}")
    assert not server_errors, server_errors
    assert not not_shown_back, not_shown_back
    assert not changed, changed
    assert statuses[422] > 2 * len(routes)  # the forms really checked what they were sent


BAD_QUERIES = [
    "/families/99999999999999999999",
    "/families/{family_id}/access-history?page=%C2%B2",
    "/families/{family_id}/access-history?page=99999999999999999999",
    "/families/{family_id}/assessments/99999999999999999999",
    "/case-audits/new?again=99999999999999999999",
    "/case-audits/new?size=%C2%B2",
    "/meetings/99999999999999999999",
    "/families/{family_id}/access-history?who=%00",
]


def test_bad_query_strings_and_path_ids_are_never_a_server_error(portal: Portal) -> None:
    portal.sign_in("derby.manager")
    family_id = create_family(portal)
    for path in BAD_QUERIES:
        response = portal.client.get(path.format(family_id=family_id))
        assert response.status_code < 500, (path, response.status_code)
    assert portal.client.get("/families/99999999999999999999").status_code == 404
