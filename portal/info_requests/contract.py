"""A section of an information request export: shared by the core's records
and each area plugin's own (``portal_person_records``)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
