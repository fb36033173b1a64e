"""Portal administrators: find a user, sign them out everywhere, disable or
re-enable their account (SECURITY 12). Every action is audited."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.auth import service as auth
from portal.web.guards import require_role
from portal.web.handlers import see_other, user_of

ADMIN = "portal.admin"
PAGE_SIZE = 50


@get("/users", name="admin_users")
async def users(request: Request[Any, Any, Any]) -> Template:
    who = request.query_params.get("who", "").strip()[:100]
    rows = await auth.list_users(who, PAGE_SIZE)
    active = await auth.signed_in_among([r["id"] for r in rows])
    return Template(
        "admin/users.html",
        context={"users": rows, "signed_in": active, "who": who, "page_size": PAGE_SIZE},
    )


@post("/users/{user_id:int}", name="admin_user_action")
async def user_action(request: Request[Any, Any, Any], user_id: FromPath[int]) -> Redirect:
    admin = user_of(request)
    action = (await request.form()).get("action")
    if action not in ("sign_out", "disable", "enable") or not await auth.administer_user(
        admin, user_id, str(action)
    ):
        raise NotFoundException()
    return see_other(f"/admin/users?done={action}")


ADMIN_ROUTER = Router(
    path="/admin", route_handlers=[users, user_action], guards=[require_role(ADMIN)]
)
