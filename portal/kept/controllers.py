"""The page where a practitioner signed back in reads and sends a kept form."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.kept import service
from portal.kept.guard import FormKept
from portal.web.handlers import user_of


def form_kept(request: Request[Any, Any, Any], exc: FormKept) -> Response[Any]:
    """Signed out with a form kept: sign in again, then straight to it."""
    login = f"/login?next={quote(f'/kept/{exc.kept_id}', safe='/')}"
    if request.headers.get("hx-request"):
        return Response("", status_code=401, headers={"HX-Redirect": login})
    return Redirect(login, status_code=303)


def send_again_to(kept: service.Kept) -> str:
    """The form's own address, marked so that sending it closes the kept copy."""
    parts = urlsplit(kept.action)
    query = "&".join(q for q in (parts.query, urlencode({"kept_form": kept.id})) if q)
    return f"{parts.path}?{query}"


@get("/kept/{kept_id:int}", name="kept_form")
async def kept_form(request: Request[Any, Any, Any], kept_id: FromPath[int]) -> Template:
    kept = await service.kept_for(user_of(request), kept_id)
    if kept is None:
        raise NotFoundException()
    typed, chosen, hidden = service.laid_out(kept)
    return Template(
        "kept/form.html",
        context={
            "kept": kept,
            "typed": typed,
            "chosen": chosen,
            "hidden": hidden,
            "action": send_again_to(kept),
        },
    )


@post("/kept/{kept_id:int}/discard", name="discard_kept_form")
async def discard(request: Request[Any, Any, Any], kept_id: FromPath[int]) -> Redirect:
    user = user_of(request)
    if await service.kept_for(user, kept_id) is None:
        raise NotFoundException()
    await service.close(user, kept_id, "discarded")
    return Redirect(f"/kept/{kept_id}", status_code=303)


KEPT_HANDLERS = [kept_form, discard]
