"""What Derby's pages share: the roles and guards, the family check (a family
of another area is a 404) and the page renderer with the area's helpers."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Template

from portal.plugin_api import (
    FamilyAccess,
    family_for,
    format_clock,
    format_weekday,
    require_area_role,
)
from portal_derby import common, submissions
from portal_derby.area import DERBY

PRACTITIONER = "derby.practitioner"
CLERK = "derby.spa_clerk"
CHAIR = "derby.vcm_chair"
MANAGER = "derby.area_manager"
DERBY_ROLES = (PRACTITIONER, CLERK, CHAIR, MANAGER)
# Another area's users get a 404 (as if these pages did not exist), not a 403.
any_derby_role = require_area_role("derby", *DERBY_ROLES)
clerks_only = require_area_role("derby", CLERK)
YES_NO = [("yes", "Yes"), ("no", "No")]

Req = Request[Any, Any, Any]


async def derby_family(request: Req, family_id: int) -> FamilyAccess:
    access = await family_for(request, family_id)
    if access.family.area != common.AREA:
        raise NotFoundException()
    return access


def by_family(row: dict[str, Any]) -> int:
    return int(row["family"])


def helpers() -> dict[str, Any]:
    return {
        "area": DERBY,
        "where_it_is": submissions.where_it_is,
        "uk_day": format_weekday,
        "uk_time": format_clock,
        "locality_name": common.locality_name,
        "inbox_name": common.inbox_name,
        "status_tags": common.STATUS_TAGS,
        "conclusions": common.CONCLUSIONS,
        "consent_methods": common.METHODS,
    }


def page(name: str, status_code: int = 200, **context: Any) -> Template:
    return Template(f"derby/{name}", context={**helpers(), **context}, status_code=status_code)
