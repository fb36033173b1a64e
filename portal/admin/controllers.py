"""Portal administrators: find a user, sign them out everywhere, disable or
re-enable their account (SECURITY 12). Every action is audited."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.audit import service as audit
from portal.auth.service import end_user_sessions
from portal.auth.tables import PortalSession, PortalUser
from portal.db import contains_ignoring_case, write_transaction
from portal.web.guards import require_role
from portal.web.handlers import see_other, user_of

ADMIN = "portal.admin"
PAGE_SIZE = 50


@get("/users", name="admin_users")
async def users(request: Request[Any, Any, Any]) -> Template:
    who = request.query_params.get("who", "").strip()[:100]
    query = PortalUser.select(
        PortalUser.id,
        PortalUser.display_name,
        PortalUser.email,
        PortalUser.organisation,
        PortalUser.roles,
        PortalUser.last_signed_in_at,
        PortalUser.disabled,
    )
    if who:
        pattern = f"%{who}%"
        query = query.where(
            contains_ignoring_case(PortalUser.display_name, pattern)
            | contains_ignoring_case(PortalUser.email, pattern)
        )
    rows = await query.order_by(PortalUser.display_name).limit(PAGE_SIZE)
    ids = [r["id"] for r in rows]
    active = {
        r["user"]
        for r in (
            await PortalSession.select(PortalSession.user).where(PortalSession.user.is_in(ids))
            if ids
            else []
        )
    }
    return Template(
        "admin/users.html",
        context={"users": rows, "signed_in": active, "who": who, "page_size": PAGE_SIZE},
    )


@post("/users/{user_id:int}", name="admin_user_action")
async def user_action(request: Request[Any, Any, Any], user_id: FromPath[int]) -> Redirect:
    admin = user_of(request)
    action = (await request.form()).get("action")
    target = await PortalUser.objects().get(PortalUser.id == user_id)
    if target is None or action not in ("sign_out", "disable", "enable"):
        raise NotFoundException()
    async with write_transaction(PortalUser._meta.db):
        if action in ("disable", "enable"):
            await PortalUser.update({PortalUser.disabled: action == "disable"}).where(
                PortalUser.id == user_id
            )
        ended = await end_user_sessions(user_id) if action != "enable" else 0
        await audit.record(
            f"user_{action}" if action != "sign_out" else "sessions_ended",
            "success",
            actor=admin,
            record_type="user",
            record_id=user_id,
            sessions_ended=ended,
        )
    return see_other(f"/admin/users?done={action}")


ADMIN_ROUTER = Router(
    path="/admin", route_handlers=[users, user_action], guards=[require_role(ADMIN)]
)
