"""This area's own report figures (being built)."""

from collections.abc import Sequence

from portal.plugin_api import Measure, ReportQuery


async def measures(query: ReportQuery) -> Sequence[Measure]:
    return []
