"""What an area plugin tells the core about its local authority area."""

from __future__ import annotations

from dataclasses import dataclass, field


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
