"""Information request pages: find the person (search by POST, or a family's
people by its record number), review what will be exported, download it.

Registered at the top level, outside the families Router: each handler checks
for an area manager itself (another area's person is a 404)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.audit import service as audit
from portal.families import service as families
from portal.info_requests import documents, service
from portal.info_requests.redaction import RULES
from portal.info_requests.service import require_manager
from portal.kernel.forms import Form, whole_number
from portal.record.find import check_search_rate, read_search
from portal.web.handlers import areas_by_slug, locality_name, see_other, user_of

BASE = "/information-requests"


def start_page(request: Request[Any, Any, Any], **context: Any) -> dict[str, Any]:
    return {
        "form": Form(),
        "family_form": Form(),
        "searched": False,
        "rules": RULES,
        **context,
    }


@get(BASE, name="information_requests")
async def start(request: Request[Any, Any, Any]) -> Template:
    require_manager(user_of(request))
    return Template("info_requests/start.html", context=start_page(request))


@post(BASE + "/find", name="information_request_find")
async def find(request: Request[Any, Any, Any]) -> Template:
    """Searches are POSTed: no names or dates of birth in URLs or logs."""
    user = user_of(request)
    require_manager(user)
    await check_search_rate(request)
    form = await Form.read(request)
    query = read_search(form)
    if query is None:
        return Template(
            "info_requests/start.html", context=start_page(request, form=form), status_code=422
        )
    results = await service.find_people(user, query)
    await audit.record(
        "family_search", "success", actor=user, results=len(results), purpose="information_request"
    )
    areas = areas_by_slug(request)
    for result in results:
        family = result["family"]
        result["place"] = locality_name(areas, family["area"], family["locality"])
    return Template(
        "info_requests/start.html",
        context=start_page(request, form=form, searched=True, results=results),
    )


@post(BASE + "/family", name="information_request_family_number")
async def family_number(request: Request[Any, Any, Any]) -> Template | Redirect:
    user = user_of(request)
    require_manager(user)
    form = await Form.read(request)
    number = form.text("family_id", "Enter the family record number", max_length=12)
    family = None
    if number and whole_number(number) is None:
        form.error("family_id", "Family record number must be a number, like 1042")
    elif number:
        family = await families.family_by_id(whole_number(number))
        if family is None or family.area not in service.managed_areas(user):
            form.error("family_id", "Enter the number of a family record in an area you manage")
    if not form.ok or family is None:
        return Template(
            "info_requests/start.html",
            context=start_page(request, family_form=form, errors=form.errors),
            status_code=422,
        )
    return see_other(f"{BASE}/families/{family.id}")


@get(BASE + "/families/{family_id:int}", name="information_request_family")
async def family_people(request: Request[Any, Any, Any], family_id: FromPath[int]) -> Template:
    user = user_of(request)
    family = await service.family_in_my_area(user, family_id)
    await audit.record(
        "family_viewed",
        "success",
        actor=user,
        record_type="family",
        record_id=family.id,
        family_id=family.id,
        page=request.url.path,
        access="area_manager",
        purpose="information_request",
    )
    return Template(
        "info_requests/family.html",
        context={
            "family": family,
            "people": await families.people_of(family.id),
            "roles": families.ROLES,
            "place": locality_name(areas_by_slug(request), family.area, family.locality),
        },
    )


@get(BASE + "/people/{person_id:int}", name="information_request_review")
async def review(request: Request[Any, Any, Any], person_id: FromPath[int]) -> Template:
    user = user_of(request)
    person, family = await service.person_in_my_area(user, person_id)
    await service.record_access(
        user, person, family, "information_request_review", request.url.path
    )
    export = await service.gather(user, person, family, request.app.state.plugin_manager)
    return Template("info_requests/review.html", context={"export": export})


async def download(request: Request[Any, Any, Any], person_id: int, kind: str) -> Response[bytes]:
    user = user_of(request)
    person, family = await service.person_in_my_area(user, person_id)
    await service.record_access(
        user, person, family, "information_request_export", request.url.path, format=kind
    )
    export = await service.gather(user, person, family, request.app.state.plugin_manager)
    body, media_type = (
        (documents.pdf_of(export), "application/pdf")
        if kind == "pdf"
        else (documents.json_of(export), "application/json")
    )
    # A server-made name: a record number and the date, never a name.
    name = f"information-request-person-{person.id}-{export.generated_at:%Y%m%d}.{kind}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@get(BASE + "/people/{person_id:int}/export.json", name="information_request_json")
async def export_json(request: Request[Any, Any, Any], person_id: FromPath[int]) -> Response[bytes]:
    return await download(request, person_id, "json")


@get(BASE + "/people/{person_id:int}/export.pdf", name="information_request_pdf")
async def export_pdf(request: Request[Any, Any, Any], person_id: FromPath[int]) -> Response[bytes]:
    return await download(request, person_id, "pdf")


HANDLERS: list[Any] = [start, find, family_number, family_people, review, export_json, export_pdf]
