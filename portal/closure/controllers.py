"""HTTP handlers for closure: close a family's early help with its outcome, and reopen it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.closure import service
from portal.families.access import FamilyAccess
from portal.kernel.errors import StaleVersion
from portal.kernel.forms import Form, new_form_key
from portal.web.handlers import see_other, user_of

if TYPE_CHECKING:
    from portal.families.tables import Family


def version_of(form: Form) -> int:
    return form.version()


def close_context(family: Family, form: Form, **extra: Any) -> dict[str, Any]:
    return {"family": family, "form": form, "reasons": list(service.REASONS.items()), **extra}


@get("/families/{family_id:int}/close", name="close_family")
async def close_form(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    family = change_access.family
    service.require_may_close(user_of(request), family)
    if family.status == "closed":
        return see_other(f"/families/{family.id}#closure")
    form = Form({"form_key": new_form_key(), "version": str(family.version)})
    return Template("closure/close.html", context=close_context(family, form))


def read_closure(form: Form) -> service.NewClosure | None:
    reason = form.choice("reason", service.REASONS, "Select why the family's early help is closing")
    detail = form.text("detail", max_length=2000, label="Detail")
    if reason == "other" and not detail:
        form.error("detail", "Enter why the family's early help is closing")
    summary = form.text(
        "summary", "Enter a closing summary", max_length=5000, label="Closing summary"
    )
    if not form.ok:
        return None
    return service.NewClosure(reason=reason, summary=summary, detail=detail)


@post("/families/{family_id:int}/close", name="save_closure")
async def save_closure(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    service.require_may_close(user, family)
    form = await Form.read(request)
    new = read_closure(form)
    if new is None:
        return Template("closure/close.html", context=close_context(family, form), status_code=422)
    try:
        await service.close_family(user, family, version_of(form), new, form.get("form_key"))
    except StaleVersion as stale:
        return await stale_page(family, form, stale.current, "close.html")
    except service.ClosureError as error:
        return problem(family, str(error))
    return see_other(f"/families/{family.id}#closure")


async def stale_page(family: Family, form: Form, current: Family | None, page: str) -> Template:
    """Someone changed the family first: say what happened, keep what was typed."""
    if current is None:
        return problem(family, "The family's record could not be found")
    if page == "close.html" and current.status == "closed":
        closures = await service.history(family.id)
        by = closures[0]["closed_by_name"] if closures else ""
        when = f" by {by}" if by else ""
        return problem(family, f"Someone else closed the family's early help{when} first")
    form.values["version"] = str(current.version)
    context = close_context(current, form, stale=True)
    return Template(f"closure/{page}", context=context, status_code=409)


def problem(family: Family, message: str) -> Template:
    return Template(
        "closure/problem.html", context={"family": family, "message": message}, status_code=409
    )


@get("/families/{family_id:int}/reopen", name="reopen_family")
async def reopen_form(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    family = change_access.family
    service.require_may_close(user_of(request), family)
    if family.status != "closed":
        return see_other(f"/families/{family.id}#closure")
    form = Form({"version": str(family.version)})
    return Template("closure/reopen.html", context={"family": family, "form": form})


@post("/families/{family_id:int}/reopen", name="save_reopening")
async def save_reopening(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    service.require_may_close(user, family)
    form = await Form.read(request)
    reason = form.text(
        "reason", "Enter why the family's early help is reopening", max_length=2000, label="Reason"
    )
    if not form.ok:
        return Template(
            "closure/reopen.html", context={"family": family, "form": form}, status_code=422
        )
    try:
        await service.reopen_family(user, family, version_of(form), reason)
    except StaleVersion as stale:
        return await stale_page(family, form, stale.current, "reopen.html")
    except service.ClosureError as error:
        return problem(family, str(error))
    return see_other(f"/families/{family.id}#closure")


def episode_closed(request: Request[Any, Any, Any], exc: service.EpisodeClosed) -> Response[str]:
    """The 409 for new work on a closed family: what reopening would allow, and
    the way back to the record, where the lead practitioner can reopen it."""
    template = request.app.template_engine.get_template("closure/closed.html")  # type: ignore[union-attr]
    html = template.render(request=request, family_id=exc.family_id, to=exc.to)
    return Response(html, status_code=409, media_type=MediaType.HTML)


HANDLERS: list[Any] = [close_form, save_closure, reopen_form, save_reopening]
