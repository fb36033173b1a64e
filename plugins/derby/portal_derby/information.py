"""This area's records about a person, for an information request (being built)."""

from collections.abc import Sequence

from portal.plugin_api import RecordSection


async def person_records(person_id: int, family_id: int) -> Sequence[RecordSection]:
    return []
