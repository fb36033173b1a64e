"""Information requests (subject access): who may make one, finding the
person, and gathering everything held about them into one export.

Only an area manager of the person's family's area may: another area's person
is a 404 (areas are separate tenants), anyone else in the area gets a 403.
Every review and download is an audited export of the family's record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pluggy

from portal.areas import RecordSection, Redaction
from portal.audit import service as audit
from portal.families import matching
from portal.families import search as family_search
from portal.families import service as families
from portal.families.tables import Family, Person
from portal.info_requests import plan_records, records
from portal.info_requests.redaction import RULES, Subject
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotAllowed, NotFound
from portal.kernel.users import CurrentUser, is_area_manager
from portal.plugins import call_for_area

EXPORT_FORMAT = "early-help-portal/information-request/1"


@dataclass(frozen=True)
class InformationExport:
    subject: Subject
    family: Family
    generated_at: datetime
    generated_by: CurrentUser
    sections: Sequence[RecordSection] = field(default_factory=tuple)

    @property
    def redactions(self) -> list[tuple[str, Redaction]]:
        """Every redaction with the section it is in, in order."""
        return [(s.title, r) for s in self.sections for r in s.redactions]

    @property
    def rules(self) -> tuple[str, ...]:
        return RULES


def managed_areas(user: CurrentUser) -> frozenset[str]:
    return frozenset(a for a in user.areas if is_area_manager(user, a))


def require_manager(user: CurrentUser) -> None:
    if not managed_areas(user):
        raise NotAllowed("Only area managers can make information requests")


async def family_in_my_area(user: CurrentUser, family_id: int) -> Family:
    family = await Family.objects().get(Family.id == family_id)
    if family is None or family.area not in user.areas:
        raise NotFound()
    if not is_area_manager(user, family.area):
        raise NotAllowed("Only area managers can make information requests")
    return family


async def person_in_my_area(user: CurrentUser, person_id: int) -> tuple[Person, Family]:
    """The person and their family, if this user manages the family's area."""
    person = await Person.objects().get(Person.id == person_id)
    if person is None:
        raise NotFound()
    return person, await family_in_my_area(user, int(person.family))


async def find_people(user: CurrentUser, query: matching.PersonDetails) -> list[dict[str, Any]]:
    """Likely matches among the families of the areas this user manages."""
    mine = managed_areas(user)
    found = await family_search.find_candidates(query)
    return [
        {"person": person, "family": family, "match": match}
        for person, family, match in found
        if family["area"] in mine
    ]


async def gather(
    user: CurrentUser, person: Person, family: Family, plugin_manager: pluggy.PluginManager
) -> InformationExport:
    """Everything held about the person: the core's records, then the area's own."""
    subject = Subject(person, await families.people_of(family.id))
    sections: list[RecordSection] = [
        records.person_record(subject),
        records.household(subject, family),
        await records.consents(subject, family.id),
        await records.sharing_decisions(family.id),
        await records.consultations_with_the_line(family.id),
        await plan_records.assessment_records(subject, family),
        await plan_records.team_around_the_family(subject, family.id),
        await records.lead_practitioners(family.id),
        await records.escalations(family.id),
        await records.closures(family.id),
        await records.notifications(family.id),
    ]
    pending = call_for_area(
        plugin_manager,
        family.area,
        "portal_person_records",
        person_id=person.id,
        family_id=family.id,
    )
    if pending is not None:
        sections += list(await pending)
    sections.append(await records.access_log(family.id))
    return InformationExport(subject, family, now_utc(), user, tuple(sections))


async def record_access(
    user: CurrentUser, person: Person, family: Family, action: str, page: str, **detail: Any
) -> None:
    """Each review and download is a read of the family's record: audited."""
    await audit.record(
        action,
        "success",
        actor=user,
        record_type="person",
        record_id=person.id,
        family_id=family.id,
        page=page,
        person_id=person.id,
        **detail,
    )
