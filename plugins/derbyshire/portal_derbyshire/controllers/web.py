"""What Derbyshire's pages share: the roles and guards, the clock, the context
every page gets, opening a family (Derbyshire's only), and the 409 page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Template

from portal.plugin_api import (
    Family,
    family_for,
    require_area_role,
    whole_number,
)
from portal_derbyshire import common
from portal_derbyshire.area import DERBYSHIRE
from portal_derbyshire.clock import clock_of, screening_clock, told_by

DERBYSHIRE_ROLES = (
    "derbyshire.practitioner",
    "derbyshire.starting_point",
    "derbyshire.senior_practitioner",
    "derbyshire.area_manager",
    "derbyshire.advisor",
    "derbyshire.vcm_chair",
)
# Another area's users get a 404 (as if these pages did not exist), not a 403.
ANY_ROLE = [require_area_role(common.AREA, *DERBYSHIRE_ROLES)]
STAFF = [require_area_role(common.AREA, *common.SP_ROLES)]
REPORT_READERS = [require_area_role(common.AREA, *common.SP_ROLES, common.MANAGER)]
SENIOR_ONLY = [require_area_role(common.AREA, common.SENIOR)]


def now_of(request: Request[Any, Any, Any]) -> datetime:
    return clock_of(request.app.state)()


def number(value: str) -> int | None:
    return whole_number(value)


def common_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return {
        "area": DERBYSHIRE,
        "statuses": common.STATUSES,
        "request_types": common.REQUEST_TYPES,
        "districts": common.DISTRICT_NAMES,
        "now": now_of(request),
        "screening_clock": screening_clock,
    }


def with_clocks(rows: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Requests for a list, each open one with its 24-hour clock: an Initial
    Contact's screening ``clock``, and ``told_by`` (when the referrer should hear)."""
    return [
        {
            **row,
            "clock": screening_clock(row["initial_contact_at"], now)
            if row["status"] == "initial_contact" and row["initial_contact_at"]
            else None,
            "told_by": told_by(row) if row["status"] in common.OPEN_STATUSES else None,
        }
        for row in rows
    ]


async def derbyshire_family(request: Request[Any, Any, Any], family_id: int) -> Family:
    """The family if this user may open it and it is Derbyshire's (else 403/404)."""
    family = (await family_for(request, family_id)).family
    if family.area != common.AREA:
        raise NotFoundException()
    return family


def conflict(row: dict[str, Any]) -> Template:
    return Template(
        "derbyshire/conflict.html",
        context={"area": DERBYSHIRE, "row": row},
        status_code=409,
    )
