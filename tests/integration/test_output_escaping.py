"""What practitioners type into a family record is shown escaped, and stays
inert, on every page that shows it (SECURITY.md items 20 and 21), on both databases.

Each round types its payloads into every free-text field of every form, tagged
with the field they went into ("<script>alert(1)</script> consent.notes"), and
checks each save (303) before anything is read back. Then it fetches every page
that shows those fields: the family record, "Your families", search results,
the edit forms, the error re-render (422) when another field is invalid, the
conflict page (409), the break-glass review list and the access history.
``FIELDS`` says on which pages each field's text must appear; there it must
appear escaped. On every page no payload appears raw, no real tag carries an
event handler, a javascript: URL, a script the layout did not add or an hx-
attribute, and nothing typed is evaluated as a template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import escape

from portal.access.tables import BreakGlassGrant
from portal.consent.tables import ConsentRecord
from portal.families.tables import Person
from portal.lead.tables import LeadTransfer
from tests.support.families import date_fields
from tests.support.portal import Portal

# Every field meets every payload in four rounds: a round types its payloads
# together, and they fit (with the field's tag) in the shortest free-text
# field, the town (100 characters).
ROUNDS = [
    ["<script>alert(1)</script>", '<div hx-post="/families" hx-trigger="load"></div>'],
    ['"><img src=x onerror=alert(1)>', '<a hx-get="/auth/logout" hx-trigger="load">x</a>'],
    ["' onmouseover='alert(1)", "javascript:alert(1)", "</textarea><script>alert(2)</script>"],
    ["{{ 7*7 }}", "{% if 1 %}49{% endif %}", "</title><svg onload=alert(3)>"],
]
TEMPLATES = {"{{ 7*7 }}": "49", "{% if 1 %}49{% endif %}": "49"}  # what evaluating would show
BORN = date(2016, 3, 4)
TODAY = date.today()
HEALTH_EMAIL = "samuel.okafor@derwent-vale-health.example"  # derby.health at the dev IdP


# The forms, by the names FIELDS uses, and where each is submitted.
FORMS = {
    "family": "/families",
    "household": "/families/{family}/household",
    "child": "/families/{family}/people/{child}",
    "person": "/families/{family}/people",
    "consent": "/families/{family}/consent",
    "withdrawal": "/families/{family}/consent/{consent}/withdraw",
    "sharing": "/families/{family}/sharing",
    "disagreement": "/families/{family}/lead/disagreement",
    "move": "/families/{family}/move",
    "transfer": "/families/{family}/lead/transfer",
    "answer": "/families/{family}/lead/transfer/{transfer}",
    "break_glass": "/families/{family}/break-glass",
    "review": "/access/break-glass/{grant}",
    "search": "/families/find",
    "history": "/families/{family}/access-history",  # GET: the filters
}


@dataclass(frozen=True)
class Field:
    form: str  # which form it is typed into (a key of FORMS)
    name: str  # the input's name (a date's three inputs share one entry)
    shown_on: tuple[str, ...]  # the pages that must show it (escaped)

    @property
    def tag(self) -> str:
        return f"{self.form}.{self.name}"


def fields(form: str, names: str, *shown_on: str) -> list[Field]:
    return [Field(form, name, shown_on) for name in names.split()]


# Where each field's text is shown. The family, child and household forms are
# typed in turn, so a page shows the version saved (or rejected) last before it.
FIELDS = [
    # Record a family (POST /families): refused once, then saved.
    *fields("family", "address_line_1 address_line_2 town", "family 422", "household form"),
    *fields("family", "given_names family_name", "family 422", "duplicates warning", "child form"),
    *fields("family", "other_names address", "family 422", "child form"),
    *fields("family", "postcode nhs_number unique_pupil_number dob expected", "family 422"),
    # Change the family's address.
    *fields("household", "address_line_1 address_line_2 town", "household 422", "household 409"),
    *fields("household", "address_line_1 address_line_2 town", "record"),
    *fields("household", "postcode", "household 422"),
    # Change the child: the names searched for and listed from then on.
    *fields(
        "child",
        "given_names family_name",
        "child 409",
        "record",
        "record (proposed lead)",
        "record (manager)",
        "record (htmx request)",
        "your families",
        "search results",
        "search 422",
        "new family from search",
        "consent form",
        "relationship form",
        "withdrawal form",
    ),
    *fields("child", "other_names address", "child 409", "record"),
    # Add a person.
    *fields(
        "person",
        "given_names family_name",
        "person 422",
        "person form",
        "record",
        "consent form",
        "relationship form",
    ),
    *fields("person", "other_names address", "person 422", "person form", "record"),
    *fields("person", "nhs_number unique_pupil_number dob expected", "person 422"),
    # Consent, and its withdrawal.
    *fields("consent", "given_by_name agencies", "consent 422", "record", "withdrawal form"),
    *fields("consent", "competence_judged_by", "consent 422", "record"),
    *fields("consent", "notes given_on", "consent 422"),
    *fields("withdrawal", "reason", "withdrawal 422", "record"),
    *fields("withdrawal", "withdrawn_on", "withdrawal 422"),
    # Information sharing.
    *fields(
        "sharing",
        "what with_agency with_person why basis_reason consultations",
        "sharing 422",
        "record",
    ),
    *fields("sharing", "decided_on", "sharing 422"),
    # Lead practitioner: disagreement, move, transfer, and the answer to it.
    *fields("disagreement", "detail", "disagreement 422", "record"),
    *fields("move", "reason", "move 422"),
    *fields("transfer", "reason", "transfer 422", "record", "record (proposed lead)"),
    *fields("transfer", "email", "transfer 422"),
    *fields("answer", "note", "record (manager)"),
    # Emergency access, and the area manager's review of it.
    *fields("break_glass", "reason", "break-glass 422", "break-glass reviews"),
    *fields("review", "note", "review 422"),
    # Search (the names searched for are the child's), and the access history filter.
    *fields("search", "postcode nhs_number dob", "search 422", "new family from search"),
    *fields("history", "who from to", "access history (filtered)"),
]

# The pages that re-render a form, and which forms' fields the table must name
# for every text input and textarea on them (so a new field cannot go unchecked).
FORM_PAGES = {
    "family 422": ("family",),
    "household 422": ("household",),
    "person 422": ("person",),
    "child form": ("child", "person"),
    "consent 422": ("consent",),
    "withdrawal 422": ("withdrawal",),
    "sharing 422": ("sharing",),
    "disagreement 422": ("disagreement",),
    "move 422": ("move",),
    "transfer 422": ("transfer",),
    "record (proposed lead)": ("answer",),
    "break-glass 422": ("break_glass",),
    "review 422": ("review",),
    "search 422": ("search", "child"),
    "access history (filtered)": ("history",),
}


class Browser:
    """The portal's test client as three signed-in users, switching between
    their cookies rather than signing in again."""

    def __init__(self, portal: Portal, *usernames: str) -> None:
        self.client = portal.client
        self.cookies: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, str] = {}
        self.user = ""
        for username in usernames:
            self.client.cookies.clear()
            portal.sign_in(username)
            self.tokens[username] = portal.csrf_token()
            self.cookies[username] = dict(self.client.cookies)
            self.user = username

    def be(self, username: str) -> None:
        self.cookies[self.user] = dict(self.client.cookies)
        self.client.cookies.clear()
        self.client.cookies.update(self.cookies[username])
        self.user = username

    def get(self, path: str, params: dict[str, str] | None = None, htmx: bool = False) -> str:
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.client.get(path, params=params, headers=headers)
        assert response.status_code == 200, (path, response.status_code, response.text[:2000])
        return response.text

    def post(self, path: str, data: dict[str, str], expect: int) -> Any:
        """Submit a form as the browser would; `expect` the save (303) or the re-render."""
        data = {**data, "_csrf_token": self.tokens[self.user]}
        response = self.client.post(path, data=data, follow_redirects=False)
        assert response.status_code == expect, (path, response.status_code, response.text[:2000])
        return response


def too_long(value: str, limit: int) -> str:
    """The value repeated past a field's length limit: refused, and shown back."""
    return " ".join([value] * (limit // len(value) + 1))


def typed(payloads: list[str], field: Field) -> str:
    return " ".join([*payloads, field.tag])


def typed_everywhere(portal: Portal, payloads: list[str]) -> dict[str, str]:
    """Type the payloads into every field in FIELDS; return every page that shows them."""
    values = {f.tag: typed(payloads, f) for f in FIELDS}
    ids: dict[str, int] = {}

    def form(name: str, *names: str) -> dict[str, str]:
        """The named fields of one form, each holding its tagged payloads."""
        data: dict[str, str] = {}
        for field in names:
            value = values[f"{name}.{field}"]
            if field in ("dob", "expected", "given_on", "withdrawn_on", "decided_on"):
                data.update({f"{field}-{part}": value for part in ("day", "month", "year")})
            else:
                data[field] = value
        return data

    def at(name: str) -> str:
        return FORMS[name].format(**ids)

    def first_id(query: Any) -> int:
        row = portal.run(query.first().run)
        assert row is not None
        return int(row["id"])

    pages: dict[str, str] = {}
    browser = Browser(portal, "derby.health", "derby.manager", "derby.school")

    # Record a family: refused (every validated field holds the payloads), then saved.
    family_text = {
        "place": "derby:north",
        "gender": "female",
        **form("family", "address_line_1", "address_line_2", "town", "given_names"),
        **form("family", "family_name", "other_names", "address"),
    }
    refused = form("family", "postcode", "nhs_number", "unique_pupil_number", "dob", "expected")
    pages["family 422"] = browser.post(at("family"), {**family_text, **refused}, 422).text
    valid = {**family_text, "postcode": "DE22 1HF", **date_fields("dob", BORN)}
    created = browser.post(at("family"), {**valid, "confirm_new": "yes", "form_key": "a"}, 303)
    ids["family"] = int(created.headers["location"].rsplit("/", 1)[1])
    family = created.headers["location"]
    pages["duplicates warning"] = browser.post(at("family"), {**valid, "form_key": "b"}, 200).text
    assert "This may be a child the portal already knows" in pages["duplicates warning"]

    # Change the family's address: refused, saved, then saved again from the same version.
    pages["household form"] = browser.get(f"{family}/household")
    household = {
        "place": "derby:north",
        "postcode": "DE22 1HF",
        "version": version_in(pages["household form"]),
        **form("household", "address_line_1", "address_line_2", "town"),
    }
    refused = form("household", "postcode")
    pages["household 422"] = browser.post(at("household"), {**household, **refused}, 422).text
    browser.post(at("household"), household, 303)
    pages["household 409"] = browser.post(at("household"), household, 409).text

    # Change the child, twice from the same version.
    ids["child"] = first_id(Person.select(Person.id).where(Person.family == ids["family"]))
    pages["child form"] = browser.get(at("child"))
    child = {
        "role": "child",
        "gender": "female",
        "version": version_in(pages["child form"]),
        **date_fields("dob", BORN),
        **form("child", "given_names", "family_name", "other_names", "address"),
    }
    browser.post(at("child"), child, 303)
    pages["child 409"] = browser.post(at("child"), child, 409).text

    # Add a person: refused (validated fields hold the payloads), then saved.
    person = {
        "role": "parent_carer",
        **form("person", "given_names", "family_name", "other_names", "address"),
    }
    refused = form("person", "nhs_number", "unique_pupil_number", "dob", "expected")
    pages["person 422"] = browser.post(at("person"), {**person, **refused}, 422).text
    person.update({"gender": "not_known", "confirm_new": "yes"})
    added = browser.post(at("person"), person, 303).headers["location"]
    pages["person form"] = browser.get(added.replace("#person-", "/people/"))

    # Consent (for sharing, given by a young person, so every text field is kept),
    # then its withdrawal.
    consent = {
        "person": str(ids["child"]),
        "purpose": "sharing",
        "decision": "given",
        "given_by": "young_person",
        "method": "written",
        **form("consent", "given_by_name", "competence_judged_by", "agencies", "notes"),
    }
    refused = form("consent", "given_on")
    pages["consent 422"] = browser.post(at("consent"), {**consent, **refused}, 422).text
    browser.post(at("consent"), {**consent, **date_fields("given_on", TODAY)}, 303)
    ids["consent"] = first_id(ConsentRecord.select(ConsentRecord.id))
    pages["withdrawal form"] = browser.get(at("withdrawal"))
    withdrawal = form("withdrawal", "reason")
    refused = form("withdrawal", "withdrawn_on")
    pages["withdrawal 422"] = browser.post(at("withdrawal"), {**withdrawal, **refused}, 422).text
    browser.post(at("withdrawal"), {**withdrawal, **date_fields("withdrawn_on", TODAY)}, 303)

    # A decision to share, without consent (so the reason for that is kept).
    sharing = {
        "decision": "shared",
        "basis": "safeguarding",
        **form("sharing", "what", "with_agency", "with_person", "why", "basis_reason"),
        **form("sharing", "consultations"),
    }
    refused = form("sharing", "decided_on")
    pages["sharing 422"] = browser.post(at("sharing"), {**sharing, **refused}, 422).text
    browser.post(at("sharing"), {**sharing, **date_fields("decided_on", TODAY)}, 303)

    # Lead practitioner: a disagreement (refused when too long), a move (refused
    # with no place chosen), and a proposed new lead (refused with no such email).
    detail = values["disagreement.detail"]
    refused = {"detail": too_long(detail, 4000)}
    pages["disagreement 422"] = browser.post(at("disagreement"), refused, 422).text
    browser.post(at("disagreement"), {"detail": detail}, 303)
    browser.post(f"{family}/lead/take", {}, 303)
    move = {"version": version_in(browser.get(at("move"))), **form("move", "reason")}
    pages["move 422"] = browser.post(at("move"), move, 422).text
    browser.post(at("move"), {**move, "place": "derby:south"}, 303)
    transfer = form("transfer", "email", "reason")
    pages["transfer 422"] = browser.post(at("transfer"), transfer, 422).text
    browser.post(at("transfer"), {**transfer, "email": HEALTH_EMAIL}, 303)

    # What the creator now sees, and finds when searching for the child.
    pages["record"] = browser.get(family)
    pages["your families"] = browser.get("/families")
    pages["consent form"] = browser.get(f"{family}/consent/new")
    pages["relationship form"] = browser.get(f"{family}/relationships/new")
    search = form("child", "given_names", "family_name")
    found = browser.post(at("search"), {**search, **date_fields("dob", BORN)}, 200).text
    assert f'href="{family}"' in found, "the search finds the child"
    pages["search results"] = found
    search.update(form("search", "postcode", "nhs_number", "dob"))
    pages["search 422"] = browser.post(at("search"), search, 422).text
    pages["new family from search"] = browser.post("/families/new", search, 200).text

    # Another practitioner: emergency access, then accepting the lead.
    browser.be("derby.health")
    reason = values["break_glass.reason"]
    refused = {"reason": too_long(reason, 2000)}
    pages["break-glass 422"] = browser.post(at("break_glass"), refused, 422).text
    browser.post(at("break_glass"), {"reason": reason}, 303)
    pages["record (proposed lead)"] = browser.get(family)
    ids["transfer"] = first_id(LeadTransfer.select(LeadTransfer.id))
    browser.post(at("answer"), {"answer": "accept", **form("answer", "note")}, 303)

    # The area manager: the review list, the access history, and the record.
    browser.be("derby.manager")
    pages["break-glass reviews"] = browser.get("/access/break-glass")
    ids["grant"] = first_id(BreakGlassGrant.select(BreakGlassGrant.id))
    pages["review 422"] = browser.post(at("review"), form("review", "note"), 422).text
    pages["access history"] = browser.get(at("history"))
    filters = {**form("history", "who", "from", "to"), "action": payloads[0]}
    pages["access history (filtered)"] = browser.get(at("history"), filters)
    pages["record (manager)"] = browser.get(family)
    pages["record (htmx request)"] = browser.get(family, htmx=True)
    return pages


def version_in(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "the form carries the version it was opened at"
    return match.group(1)


class Tags(HTMLParser):
    """The real tags of a page and their attributes (text, even escaped markup, is not a tag)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def inert(html: str) -> list[str]:
    """What on this page could run: an event handler, a javascript: URL, a script
    the layout did not put there, or an htmx attribute anywhere but the body's
    CSRF header."""
    problems = []
    for tag, attrs in Tags(html).tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...> event handler")
            if name.startswith(("hx-", "data-hx-")) and (tag, name) != ("body", "hx-headers"):
                problems.append(f"<{tag} {name}={value!r}> htmx attribute")
            url = re.sub(r"\s", "", value).lower()
            if name in ("href", "src", "action", "formaction") and url.startswith("javascript:"):
                problems.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "script" and not (
            attrs.get("src", "").startswith("/static/") or "nonce" in attrs
        ):
            problems.append(f"<script {attrs}> not the layout's")
        if tag in ("img", "svg", "iframe", "object", "embed", "base"):
            problems.append(f"<{tag} {attrs}>")
    for attribute in ('hx-get="/auth/logout"', 'hx-post="/families"', 'href="javascript:'):
        if attribute in html:
            problems.append(f"{attribute} in the page")
    return problems


def around(html: str, text: str) -> str:
    """Where `text` is in the page, on one line."""
    at = html.index(text)
    return " ".join(html[max(0, at - 80) : at + len(text) + 40].split())


def evaluations(text: str) -> set[str]:
    """What `text` would show if its template payloads were evaluated, one or all."""
    found = [t for t in TEMPLATES if t in text]
    every = text
    for template in found:
        every = every.replace(template, TEMPLATES[template])
    return {text.replace(t, TEMPLATES[t]) for t in found} | ({every} if found else set())


def problems_on(page: str, html: str, payloads: list[str]) -> list[str]:
    """Everything wrong with one page after a round typing `payloads`."""
    problems = [f"{page}: {problem}" for problem in inert(html)]
    for payload in payloads:
        if str(escape(payload)) != payload and payload in html:
            problems.append(f"{page}: {payload!r} rendered raw: ...{around(html, payload)}...")
    for field in FIELDS:
        text = typed(payloads, field)
        if page in field.shown_on and str(escape(text)) not in html:
            problems.append(f"{page}: {field.tag} not shown, or not escaped")
        for evaluated in evaluations(text):
            if str(escape(evaluated)) in html:
                problems.append(f"{page}: {field.tag} evaluated as a template: {evaluated!r}")
    for page_with_form, forms in FORM_PAGES.items():
        if page == page_with_form:
            named = {field.name for field in FIELDS if field.form in forms}
            problems.extend(f"{page}: {name} not in FIELDS" for name in text_inputs(html) - named)
    return problems


def text_inputs(html: str) -> set[str]:
    """Names of the inputs a user types into (a date's three inputs count as one)."""
    names = set()
    for tag, attrs in Tags(html).tags:
        typed_into = tag == "textarea" or (
            tag == "input" and attrs.get("type", "text") in ("text", "email", "search", "date")
        )
        if typed_into and "name" in attrs:
            names.add(re.sub(r"-(day|month|year)$", "", attrs["name"]))
    return names


@pytest.mark.parametrize("payloads", ROUNDS, ids=[f"round {n}" for n in range(1, len(ROUNDS) + 1)])
def test_what_is_typed_is_shown_escaped_and_inert_everywhere(
    portal: Portal, payloads: list[str]
) -> None:
    pages = typed_everywhere(portal, payloads)
    assert {page for field in FIELDS for page in field.shown_on} <= set(pages)
    problems = [p for page, html in pages.items() for p in problems_on(page, html, payloads)]
    assert not problems, "\n".join(problems)
