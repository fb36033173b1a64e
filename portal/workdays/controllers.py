"""Bank holidays for portal administrators: see England's coming bank holidays
and add a newly announced one-off before the ``holidays`` package knows it.
Due dates (the assessment's 10 working days) count from this list."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Router, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.admin.controllers import ADMIN
from portal.kernel.forms import Form
from portal.web.guards import require_role
from portal.web.handlers import see_other, user_of
from portal.workdays import service

PAGE = "workdays/bank_holidays.html"


async def page_context(form: Form) -> dict[str, Any]:
    today = date.today()
    return {
        "form": form,
        "holidays": await service.upcoming_bank_holidays(today),
        "overrides": await service.overrides(),
        "this_year": today.year,
    }


@get("/", name="bank_holidays")
async def bank_holidays(request: Request[Any, Any, Any]) -> Template:
    return Template(PAGE, context=await page_context(Form()))


@post("/", name="add_bank_holiday")
async def add_bank_holiday(request: Request[Any, Any, Any]) -> Template | Redirect:
    form = await Form.read(request)
    day = form.date("day", "the date of the bank holiday", when="any")
    name = form.text("name", "Enter the name of the bank holiday", max_length=200, label="Name")
    if day is not None and not form.errors:
        try:
            await service.add_bank_holiday(user_of(request), day, name)
        except service.OverrideRefused as refused:
            form.error("day", str(refused), "day-day")
    if not form.ok:
        return Template(PAGE, context=await page_context(form), status_code=422)
    return see_other("/admin/bank-holidays?done=added")


@post("/{override_id:int}/remove", name="remove_bank_holiday_override")
async def remove_override(request: Request[Any, Any, Any], override_id: FromPath[int]) -> Redirect:
    # Removing twice (a double click) is not an error: the override is gone either way.
    await service.remove_override(user_of(request), override_id)
    return see_other("/admin/bank-holidays?done=removed")


HANDLERS: list[Any] = [
    Router(
        path="/admin/bank-holidays",
        route_handlers=[bank_holidays, add_bank_holiday, remove_override],
        guards=[require_role(ADMIN)],
    )
]
