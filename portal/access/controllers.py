"""Break-glass access, the area manager's review list, and a family's access history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from litestar import MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.access import service
from portal.access.service import NoRelationship
from portal.audit import service as audit
from portal.families import service as families

if TYPE_CHECKING:
    from portal.families.tables import Family
from portal.kernel.forms import Form, whole_number
from portal.kernel.users import can_see_access_history, is_area_manager
from portal.web.handlers import areas_by_slug, see_other, user_of

MIN_REASON = 10
HISTORY_PAGE_SIZE = 50


async def family_in_my_area(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Family:
    family = await families.family_by_id(family_id)
    if family is None or family.area not in user_of(request).areas:
        raise NotFoundException()
    return family


@get("/families/{family_id:int}/break-glass", name="break_glass")
async def break_glass_form(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Template:
    family = await family_in_my_area(request, family_id)
    if family.restricted:
        raise NoRelationship(family, restricted=True)
    return Template(
        "access/break_glass.html",
        context={"family_id": family.id, "form": Form(), "hours": service.BREAK_GLASS_HOURS},
    )


@post("/families/{family_id:int}/break-glass", name="save_break_glass")
async def break_glass(
    request: Request[Any, Any, Any], family_id: FromPath[int]
) -> Template | Redirect:
    family = await family_in_my_area(request, family_id)
    form = await Form.read(request)
    reason = form.text(
        "reason", "Enter why you need to see this record now", max_length=2000, label="Reason"
    )
    if reason and len(reason) < MIN_REASON:
        form.error(
            "reason", f"Reason must be at least {MIN_REASON} characters: say why you need it"
        )
    if not form.ok:
        return Template(
            "access/break_glass.html",
            context={"family_id": family.id, "form": form, "hours": service.BREAK_GLASS_HOURS},
            status_code=422,
        )
    await service.break_glass(user_of(request), family.id, reason)
    return see_other(f"/families/{family.id}")


def manager_areas(request: Request[Any, Any, Any]) -> frozenset[str]:
    user = user_of(request)
    areas = frozenset(a for a in user.areas if is_area_manager(user, a))
    if not areas:
        raise PermissionDeniedException("Only area managers review emergency access")
    return areas


async def reviews_page(
    request: Request[Any, Any, Any], status_code: int = 200, **extra: Any
) -> Template:
    """The manager's list; each family it names goes in that family's access history."""
    areas = manager_areas(request)
    grants = await service.break_glass_awaiting_review(areas)
    bursts = await service.refusal_bursts(areas)
    named = sorted({g["family"] for g in grants if g["family_name"] is not None})
    await audit.record_together(
        [audit.Event("break_glass_list_viewed")]
        + [audit.Event("family_listed", "family", family_id, family_id) for family_id in named],
        "success",
        actor=user_of(request),
        page=request.url.path,
    )
    return Template(
        "access/reviews.html",
        context={
            "grants": grants,
            "bursts": bursts,
            "burst_size": service.REFUSAL_BURST,
            "areas": areas_by_slug(request),
            **extra,
        },
        status_code=status_code,
    )


@get("/access/break-glass", name="break_glass_reviews")
async def reviews(request: Request[Any, Any, Any]) -> Template:
    return await reviews_page(request)


@post("/access/break-glass/{grant_id:int}", name="review_break_glass")
async def review(request: Request[Any, Any, Any], grant_id: FromPath[int]) -> Template | Redirect:
    manager_areas(request)
    form = await Form.read(request)
    outcome = form.choice(
        "outcome", ("justified", "not_justified"), "Select whether the access was justified"
    )
    note = form.text("note", max_length=2000, label="Note")
    if outcome == "not_justified" and not note:
        form.error("note", "Enter what you will do about access that was not justified")
    if not form.ok:
        return await reviews_page(request, 422, form=form, form_grant=grant_id)
    await service.review_break_glass(user_of(request), grant_id, outcome, note)
    return see_other("/access/break-glass")


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@get("/families/{family_id:int}/access-history", name="access_history")
async def access_history(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Template:
    """Who looked at or changed this family's record; area managers and auditors."""
    user = user_of(request)
    family = await family_in_my_area(request, family_id)
    if not can_see_access_history(user, family.area):
        raise PermissionDeniedException(
            "Only area managers and auditors can see a family's access history"
        )
    params = request.query_params
    who = params.get("who", "").strip()[:100]
    action = params.get("action", "").strip()[:100]
    since, until = parse_day(params.get("from", "")), parse_day(params.get("to", ""))
    page = max(1, whole_number(params.get("page", "1"), 100_000) or 1)
    events = await audit.family_history(
        family.id,
        who=who,
        action=action,
        since=since,
        until=until,
        limit=HISTORY_PAGE_SIZE + 1,
        offset=(page - 1) * HISTORY_PAGE_SIZE,
    )
    await audit.record(
        "access_history_viewed",
        "success",
        actor=user,
        record_type="family",
        record_id=family.id,
        family_id=family.id,
        page=request.url.path,
    )
    return Template(
        "access/history.html",
        context={
            "family": family,
            "events": events[:HISTORY_PAGE_SIZE],
            "more": len(events) > HISTORY_PAGE_SIZE,
            "page": page,
            "filters": {
                "who": who,
                "action": action,
                "from": params.get("from", ""),
                "to": params.get("to", ""),
            },
            "actions": await audit.family_history_actions(family.id),
        },
    )


def no_relationship(request: Request[Any, Any, Any], exc: NoRelationship) -> Response[str]:
    """The 403 for a same-area family: who to contact, and emergency access."""
    template = request.app.template_engine.get_template("access/no_access.html")  # type: ignore[union-attr]
    html = template.render(
        request=request,
        family_id=exc.family.id,
        restricted=exc.restricted,
        lead=exc.lead,
        area=areas_by_slug(request).get(exc.family.area),
    )
    return Response(html, status_code=403, media_type=MediaType.HTML)


ACCESS_HANDLERS = [break_glass_form, break_glass, reviews, review, access_history]
