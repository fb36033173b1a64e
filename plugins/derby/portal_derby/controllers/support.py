"""A Multi-Agency Team member's answer to a pre-assessment's request for
low-level support: take it on (saying what support they will give) or decline
it (saying why). Reached from "My allocations"."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.plugin_api import Family, Form, StaleVersion, families, see_other, user_of
from portal_derby import pre_assessments
from portal_derby.controllers.web import Req, any_derby_role, derby_family, page

ANSWERS = {
    "take": ("taken", "support_plan", "Enter what support you will give", "The support"),
    "decline": ("declined", "decline_reason", "Enter why you are declining the request", "Reason"),
}


async def answerable(request: Req, pre_id: int) -> tuple[dict[str, Any], Family | None]:
    """The request, if this user is in the family's locality MAT (else 404), and
    the family while the user may open it: the request waits for their team, or
    they took it on. Once answered by someone else the family is not read."""
    user = user_of(request)
    row = await pre_assessments.support_request(pre_id)
    if not await pre_assessments.may_answer_support(user, row):
        raise NotFoundException()
    if row["support_outcome"] == "" or (
        row["support_outcome"] == "taken" and row["support_responded_by"] == user.id
    ):
        return row, (await derby_family(request, row["family"])).family
    return row, None


async def child_named(row: dict[str, Any], family: Family | None) -> str:
    """Who the request is about: the pre-assessment's child (else the family's
    children), named only while the user may open the family."""
    if family is None:
        return ""
    children = await families.child_choices(family.id)
    about = [name for person, name in children if person == str(row["child"])]
    return ", ".join(about or [name for _, name in children]) or "No children recorded"


async def support_page(
    row: dict[str, Any], family: Family | None, status_code: int = 200, **forms: Any
) -> Template:
    version = str(row["version"])
    take = forms.get("take") or Form({"version": version})
    decline = forms.get("decline") or Form({"version": version})
    return page(
        "support_request.html",
        status_code,
        row=row,
        family=family,
        child_name=await child_named(row, family),
        take=take,
        decline=decline,
        form=take if take.errors else decline,  # the one with errors titles the page
        changed=forms.get("changed", False),
    )


@get("/support-requests/{pre_id:int}", name="derby_support_request", guards=[any_derby_role])
async def support_request(request: Req, pre_id: FromPath[int]) -> Template:
    row, family = await answerable(request, pre_id)
    return await support_page(row, family)


async def _answer(request: Req, pre_id: int, action: str) -> Template | Redirect:
    user = user_of(request)
    row, family = await answerable(request, pre_id)
    outcome, field, missing, label = ANSWERS[action]
    form = await Form.read(request)
    if row["support_outcome"]:
        if row["support_outcome"] == outcome and row["support_responded_by"] == user.id:
            return see_other("/derby/allocations")  # a repeat of the same answer
        return page("support_answered.html", 409, row=row)
    text = form.text(field, missing, max_length=5000, label=label)
    if not form.ok:
        return await support_page(row, family, 422, **{action: form})
    try:
        version = form.version()
    except ValueError:
        version = 0
    try:
        await pre_assessments.answer_support(user, row, version, outcome, text)
    except pre_assessments.AlreadyAnswered as done:
        if done.row["support_outcome"] == outcome and done.row["support_responded_by"] == user.id:
            return see_other("/derby/allocations")
        return page("support_answered.html", 409, row=done.row)
    except StaleVersion as stale:
        form.values["version"] = str(stale.current["version"])
        return await support_page(stale.current, family, 409, changed=True, **{action: form})
    return see_other(f"/derby/allocations?{outcome}={pre_id}")


@post("/support-requests/{pre_id:int}/take", name="derby_take_support", guards=[any_derby_role])
async def take_support(request: Req, pre_id: FromPath[int]) -> Template | Redirect:
    return await _answer(request, pre_id, "take")


@post(
    "/support-requests/{pre_id:int}/decline", name="derby_decline_support", guards=[any_derby_role]
)
async def decline_support(request: Req, pre_id: FromPath[int]) -> Template | Redirect:
    return await _answer(request, pre_id, "decline")
