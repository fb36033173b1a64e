"""The data the core and area plugins exchange through the hooks: what an area
tells the core about itself, its report figures (``portal_report_measures``)
and its records for an information request (``portal_person_records``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from portal.db import Fact


@dataclass(frozen=True)
class Contact:
    """A service practitioners phone or email: an advice line or a front door."""

    name: str
    phone: str = ""
    email: str = ""
    hours: str = ""
    description: str = ""


@dataclass(frozen=True)
class Locality:
    slug: str
    name: str


@dataclass(frozen=True)
class AreaDescription:
    slug: str  # lower-case, used in URLs and role names ("derby.spa_clerk")
    name: str
    localities: tuple[Locality, ...]
    advice_line: Contact
    social_care_front_door: Contact  # where a significant-harm referral goes, at once
    out_of_hours: Contact | None = None
    summary: str = ""
    extra_contacts: tuple[Contact, ...] = field(default_factory=tuple)
    locality_word: str = "Localities"  # what the area calls its parts ("Districts")
    # Identity-provider role values -> this area's portal roles, used when
    # PORTAL_ROLE_MAP is not set (the development identity provider issues these).
    role_claims: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SocialCareRoute:
    """Where a practitioner refers a child they fear is suffering, or likely to
    suffer, significant harm: the area's Children's Social Care front door.

    Empty contact fields are shown as "to be confirmed by the council";
    ``confirmed`` is False until the council has checked the details for the portal.
    """

    service: str  # the team that takes referrals, e.g. "Initial Response Team"
    council: str  # whose service it is, e.g. "Derby City Council Children's Services"
    phone: str = ""
    out_of_hours_phone: str = ""
    email: str = ""
    online_form_url: str = ""  # an https:// address of the council's online referral form
    guidance: str = ""  # what to do, in the area's words
    confirmed: bool = False


@dataclass(frozen=True)
class NavigationItem:
    text: str
    href: str


@dataclass(frozen=True)
class FamilyArrival:
    """A family has moved into an area (or between its localities)."""

    family_id: int
    transfer_id: int
    from_area: str
    from_locality: str
    to_locality: str


@dataclass(frozen=True)
class AgendaOutcome:
    """One decision a meeting can record for a case on its agenda.

    ``detail_label`` names the text the chair must write (the reasons, which
    services); ``allocates`` asks the chair to choose a practitioner from
    ``allocation_team`` (a team key in the area; "" = anyone with an area role).
    """

    key: str
    label: str
    hint: str = ""
    detail_label: str = "Reasons for the decision"
    allocates: bool = False
    allocation_team: str = ""


@dataclass(frozen=True)
class AgendaDecision:
    """A case decided at a meeting, as the area plugin hears of it."""

    item_id: int
    meeting_id: int
    series_key: str
    family_id: int
    kind: str  # the plugin's record type that put the case on the agenda
    record_id: int
    outcome: str
    decision: str
    decided_by: int  # user id of the chair
    allocated_to: int | None = None
    meeting_starts_at: datetime | None = None


@dataclass(frozen=True)
class AreaTeam:
    """A team area managers post people to: a locality SPA inbox, a MAT, an Early Help Team.

    ``key`` is the plugin's (e.g. "mat:north"); ``member_roles`` lists what a
    member can be recorded as doing in it (e.g. the MAT disciplines), empty for free text.
    """

    key: str
    name: str
    description: str = ""
    member_roles: tuple[str, ...] = ()


class FamilyRecord(Protocol):
    """What a record card is told about the family (the record page has
    checked the user's access): the core's family row satisfies it."""

    id: Any
    area: Any
    locality: Any
    status: Any
    lead_practitioner: Any
    statutory_lead: Any


# Record cards: where each sits on the family's record page.
CARDS_BEFORE_THE_RECORD = 50  # a card ordered below this comes before lead, people and consent


@dataclass(frozen=True)
class FamilyCard:
    """One section of a family's record page, from a core capability or the
    family's own area: its template (namespaced, e.g. "derby/_family_card.html",
    given ``family`` and ``card``, the ``context``), ``title`` heads it and names
    its link, ``anchor`` is its id. ``order`` places it: the escalation banner
    is 0, the area's card 20, the assessment 30, the TAF 40, closure 90; below
    50 comes before the record's own sections. A ``banner`` sits above the
    sections' list with no heading of its own."""

    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    anchor: str = "area"
    order: int = 20
    banner: bool = False


@dataclass(frozen=True)
class CardFromFact:
    """A record-page card as what it reads and how it is made: the page reads
    every card's ``fact`` with its own in one statement, then ``build`` makes
    the card from the fact's parsed answer (None: no card for this family)."""

    fact: Fact
    build: Callable[[Any], Awaitable[FamilyCard | None]]


# Reports: what a report asks for, and each figure.


@dataclass(frozen=True)
class ReportQuery:
    """One area's figures for a period (inclusive dates), optionally one locality."""

    area: str
    start: date
    end: date
    locality: str = ""  # a locality slug of the area, or "" for all


@dataclass(frozen=True)
class MeasureRow:
    label: str  # e.g. "Completed within 10 working days", "North", "No action"
    value: float
    # Optional denominator: a row with one is shown as "value of total (n%)".
    total: float | None = None


@dataclass(frozen=True)
class Measure:
    """One figure of a report: drawn as a bar chart, listed as a table, downloaded as CSV."""

    key: str  # unique within the report, used in ids and CSV file names ("derby-vcm-outcomes")
    title: str  # "VCM decisions by outcome"
    unit: str = "count"  # "count", "percent", "days" or "hours": how values are read
    rows: tuple[MeasureRow, ...] = field(default_factory=tuple)
    note: str = ""  # how the figure is counted, in plain words


# Information requests: a section of the export.


@dataclass(frozen=True)
class RecordItem:
    """One record (a consent, an assessment section, a VCM request ...)."""

    heading: str
    fields: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (label, value)
    recorded: str = ""  # when and by whom, in words


@dataclass(frozen=True)
class Redaction:
    """What was withheld from the export and why, listed for the reviewer."""

    where: str  # "Assessment v2, Family history"
    reason: str  # "Another family member's health details"


@dataclass(frozen=True)
class RecordSection:
    title: str  # "Derby VCM requests"
    items: tuple[RecordItem, ...] = field(default_factory=tuple)
    redactions: tuple[Redaction, ...] = field(default_factory=tuple)
