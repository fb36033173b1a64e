"""Family and person rules: creating and editing records (optimistic locking,
one record per submitted form), relationships, moving area. Finding a family
before creating one is in ``portal.families.search``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.audit import service as audit
from portal.db import Fact, row_list, write_transaction
from portal.families import matching
from portal.families.search import details_of, save_search_keys
from portal.families.tables import AreaTransfer, Family, Person, Relationship
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotFound, StaleVersion
from portal.kernel.records import once, versioned_update
from portal.kernel.users import CurrentUser

ROLES = {"child": "Child", "parent_carer": "Parent or carer", "other_adult": "Other adult"}
# what a person in each role is called in running text ("this may be an adult ...")
ROLE_NOUNS = {"child": "child", "parent_carer": "adult", "other_adult": "adult"}


def role_noun(role: str) -> str:
    """The word for someone in this role: child, adult, or person when unknown."""
    return ROLE_NOUNS.get(role, "person")


@dataclass(frozen=True)
class HouseholdDetails:
    area: str
    locality: str
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class PersonInput:
    given_names: str
    family_name: str
    role: str
    other_names: str = ""
    date_of_birth: date | None = None
    expected_date: date | None = None
    gender: str = ""
    nhs_number: str = ""
    nhs_number_absent: str = ""  # a key of forms.NHS_NUMBER_ABSENT: a child's only
    unique_pupil_number: str = ""
    address: str = ""

    def columns(self) -> dict[str, Any]:
        return {
            "given_names": self.given_names,
            "family_name": self.family_name,
            "role": self.role,
            "other_names": self.other_names,
            "date_of_birth": self.date_of_birth,
            "expected_date": self.expected_date,
            "gender": self.gender,
            "nhs_number": matching.normalise_nhs_number(self.nhs_number),
            "nhs_number_absent": self.nhs_number_absent
            if self.role == "child" and not self.nhs_number
            else "",
            "unique_pupil_number": self.unique_pupil_number.upper(),
            "address": self.address,
        }


async def create_family(
    user: CurrentUser, household: HouseholdDetails, first: PersonInput, form_key: str
) -> int:
    """Record a family with its first person; returns the family id (the
    existing one when this form was already submitted)."""

    async def create() -> int:
        now = now_utc()
        async with write_transaction(Family._meta.db):
            family = Family(
                **{
                    **household.__dict__,
                    "postcode": matching.normalise_postcode(household.postcode),
                },
                created_by=user.id,
                created_at=now,
                updated_at=now,
                idempotency_key=form_key or None,
            )
            await family.save()
            await audit.record(
                "family_created",
                "success",
                actor=user,
                record_type="family",
                record_id=family.id,
                family_id=family.id,
            )
            await _insert_person(user, family, first, None)
            return int(family.id)

    return await once(Family, form_key, create)


async def add_person(user: CurrentUser, family: Family, person: PersonInput, form_key: str) -> int:
    async def create() -> int:
        async with write_transaction(Family._meta.db):
            return await _insert_person(user, family, person, form_key or None)

    return await once(Person, form_key, create)


async def _insert_person(
    user: CurrentUser, family: Family, data: PersonInput, form_key: str | None
) -> int:
    now = now_utc()
    person = Person(
        family=family.id,
        **data.columns(),
        created_by=user.id,
        created_at=now,
        updated_at=now,
        idempotency_key=form_key,
    )
    await person.save()
    await save_search_keys(person.id, details_of(person, family.postcode))
    await audit.record(
        "person_added",
        "success",
        actor=user,
        record_type="person",
        record_id=person.id,
        family_id=family.id,
    )
    return int(person.id)


async def update_person(
    user: CurrentUser, family: Family, person_id: int, version: int, data: PersonInput
) -> None:
    async with write_transaction(Family._meta.db):
        await person_in(family, person_id)  # 404 unless the person is in this family
        if not await versioned_update(
            Person, person_id, version, {**data.columns(), "updated_at": now_utc()}
        ):
            raise StaleVersion(await person_in(family, person_id))  # as saved by the other
        await save_search_keys(person_id, details_of(data.columns(), family.postcode))
        await audit.record(
            "person_updated",
            "success",
            actor=user,
            record_type="person",
            record_id=person_id,
            family_id=family.id,
        )


async def update_household(
    user: CurrentUser, family: Family, version: int, household: HouseholdDetails
) -> None:
    values = {
        "address_line_1": household.address_line_1,
        "address_line_2": household.address_line_2,
        "town": household.town,
        "postcode": matching.normalise_postcode(household.postcode),
        "locality": household.locality,
        "updated_at": now_utc(),
    }
    async with write_transaction(Family._meta.db):
        if not await versioned_update(Family, family.id, version, values):
            current = await Family.objects().get(Family.id == family.id)
            raise StaleVersion(current)
        if values["postcode"] != family.postcode:
            for person in await Person.objects().where(Person.family == family.id):
                await save_search_keys(person.id, details_of(person, str(values["postcode"])))
        await audit.record(
            "family_updated",
            "success",
            actor=user,
            record_type="family",
            record_id=family.id,
            family_id=family.id,
        )


async def person_in(family: Family, person_id: int) -> Person:
    person = await Person.objects().get((Person.id == person_id) & (Person.family == family.id))
    if person is None:
        raise NotFound()
    return person


async def people_of(family_id: int) -> list[Person]:
    people = await Person.objects().where(Person.family == family_id).order_by(Person.id)
    return sorted(people, key=_household_order)


async def add_relationship(
    user: CurrentUser, family: Family, person_id: int, relative_id: int, kind: str, form_key: str
) -> None:
    await person_in(family, person_id)
    await person_in(family, relative_id)

    async def create() -> int:
        async with write_transaction(Family._meta.db):
            row = Relationship(
                family=family.id,
                person=person_id,
                relative=relative_id,
                relationship=kind,
                created_by=user.id,
                created_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await row.save()
            await audit.record(
                "relationship_added",
                "success",
                actor=user,
                record_type="relationship",
                record_id=row.id,
                family_id=family.id,
            )
            return int(row.id)

    await once(Relationship, form_key, create)


HOUSEHOLD_SQL = """
SELECT jsonb_build_object(
    'people', (SELECT jsonb_agg(to_jsonb(p) ORDER BY p.id) FROM person p WHERE p.family = {}),
    'relationships', (SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id)
                      FROM person_relationship r WHERE r.family = {}),
    'transfers', (SELECT jsonb_agg(to_jsonb(t) || jsonb_build_object('by_name', u.display_name)
                                   ORDER BY t.moved_at DESC)
                  FROM area_transfer t LEFT JOIN portal_user u ON u.id = t.moved_by
                  WHERE t.family = {})
)
"""


@dataclass(frozen=True)
class Household:
    people: list[Person]  # children first, then parents or carers, then other adults
    relationships: list[dict[str, Any]]
    transfers: list[dict[str, Any]]  # newest first, each with "by_name"


def household_fact(family_id: int) -> Fact:
    """The family record's people, relationships and area moves."""
    return Fact(Family, HOUSEHOLD_SQL, (family_id, family_id, family_id), _household)


def _household(value: str | None) -> Household:
    parts = json.loads(value) if value else {}
    people = [Person(_exists_in_db=True, **p) for p in row_list(Person, parts.get("people"))]
    return Household(
        people=sorted(people, key=_household_order),
        relationships=row_list(Relationship, parts.get("relationships")),
        transfers=row_list(AreaTransfer, parts.get("transfers")),
    )


def _household_order(person: Person) -> tuple[int, int]:
    order = list(ROLES)
    return (order.index(person.role) if person.role in order else 9, person.id)


async def move_family(
    user: CurrentUser,
    family: Family,
    version: int,
    to_area: str,
    to_locality: str,
    reason: str,
    notify: Callable[[AreaTransfer], None],
) -> AreaTransfer:
    """Move a family to another locality or area; the receiving area is told.

    Moving area ends the old area's access that came from area roles: the
    record now belongs to the receiving area."""
    async with write_transaction(Family._meta.db):
        values = {"area": to_area, "locality": to_locality, "updated_at": now_utc()}
        if not await versioned_update(Family, family.id, version, values):
            current = await Family.objects().get(Family.id == family.id)
            raise StaleVersion(current)
        transfer = AreaTransfer(
            family=family.id,
            from_area=family.area,
            from_locality=family.locality,
            to_area=to_area,
            to_locality=to_locality,
            reason=reason,
            moved_by=user.id,
            moved_at=now_utc(),
        )
        await transfer.save()
        await audit.record(
            "family_moved",
            "success",
            actor=user,
            record_type="family",
            record_id=family.id,
            family_id=family.id,
            from_area=family.area,
            to_area=to_area,
        )
    notify(transfer)
    return transfer


async def families_for(user: CurrentUser, limit: int = 50) -> list[dict[str, Any]]:
    """The user's own families: ones they lead or recorded, open first."""
    rows = await (
        Family.select(*Family.all_columns())
        .where(
            Family.area.is_in(list(user.areas) or [""])
            & (
                (Family.lead_practitioner == user.id)
                # a restricted record is its lead's and the managers' alone
                | ((Family.created_by == user.id) & (Family.restricted == False))  # noqa: E712
            )
        )
        .order_by(Family.status, ascending=False)
        .order_by(Family.updated_at, ascending=False)
        .limit(limit)
    )
    return await with_children(rows, lambda r: r["id"])


async def children_of(family_id: int) -> list[Person]:
    """The family's children, in the order they were recorded."""
    return list(
        await Person.objects()
        .where((Person.family == family_id) & (Person.role == "child"))
        .order_by(Person.id)
    )


async def child_choices(family_id: int) -> list[tuple[str, str]]:
    """The family's children as (id, name) choices for a form."""
    return [(str(p.id), f"{p.given_names} {p.family_name}") for p in await children_of(family_id)]


async def with_children(
    rows: list[dict[str, Any]], family_id: Callable[[dict[str, Any]], int]
) -> list[dict[str, Any]]:
    """Attach each family's children's names in one query (no N+1)."""
    ids = [family_id(r) for r in rows]
    children: dict[int, list[str]] = {}
    if ids:
        for p in (
            await Person.select(Person.family, Person.given_names, Person.family_name)
            .where(Person.family.is_in(ids) & (Person.role == "child"))
            .order_by(Person.id)
        ):
            children.setdefault(p["family"], []).append(f"{p['given_names']} {p['family_name']}")
    return [{**r, "children": children.get(family_id(r), [])} for r in rows]


async def family_by_id(family_id: int | None) -> Family | None:
    """The family with this id, or None (the caller decides whether the user may know)."""
    if family_id is None:
        return None
    return await Family.objects().get(Family.id == family_id)


async def restricted_among(family_ids: list[int]) -> set[int]:
    """Which of these families are restricted records."""
    if not family_ids:
        return set()
    rows = await Family.select(Family.id).where(
        Family.id.is_in(family_ids) & (Family.restricted == True)  # noqa: E712
    )
    return {r["id"] for r in rows}


def family_from_row(row: dict[str, Any]) -> Family:
    """A Family object from a selected row (the access check reads its fields);
    keys that are not columns (a search's "lead_contact") are left out."""
    columns = {c._meta.name for c in Family._meta.columns}
    return Family(_exists_in_db=True, **{k: v for k, v in row.items() if k in columns})
