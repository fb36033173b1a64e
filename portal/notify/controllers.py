"""Notifications: the signed-in user's list, one notification (where an email
links), opening one (marks it read), and marking all read. Administrators also
see emails the worker could not send."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal import demo_mail
from portal.admin.controllers import ADMIN
from portal.notify import outbox, service
from portal.web.guards import require_role
from portal.web.handlers import see_other, user_of


@get("/notifications", name="notifications")
async def notifications(
    request: Request[Any, Any, Any], family_names: NamedDependency[service.FamilyNames]
) -> Template:
    rows = await service.notifications_for(user_of(request).id, family_names)
    return Template(
        "notify/list.html",
        context={"notifications": rows, "limit": service.LIST_LIMIT},
    )


@get("/notifications/{notification_id:int}", name="notification")
async def notification(
    request: Request[Any, Any, Any],
    notification_id: FromPath[int],
    family_names: NamedDependency[service.FamilyNames],
) -> Template:
    """One notification, where an email links: it names the family and what was
    decided, which the email does not. Reading it changes nothing; Open marks it read."""
    row = await service.notification_of(user_of(request).id, notification_id, family_names)
    if row is None:  # someone else's, or none at all: the same answer
        raise NotFoundException()
    return Template("notify/notification.html", context={"n": row})


@post("/notifications/{notification_id:int}/open", name="open_notification")
async def open_notification(
    request: Request[Any, Any, Any], notification_id: FromPath[int]
) -> Redirect:
    link = await service.open_notification(user_of(request).id, notification_id)
    if link is None:  # someone else's, or none at all: the same answer
        raise NotFoundException()
    return see_other(link)


@post("/notifications/read", name="mark_notifications_read")
async def mark_all_read(request: Request[Any, Any, Any]) -> Redirect:
    await service.mark_all_read(user_of(request).id)
    return see_other("/notifications")


@get("/", name="admin_emails")
async def emails(request: Request[Any, Any, Any]) -> Template:
    caught = await demo_mail.caught_in(request.app.state.settings.demo_mailbox)  # the demo's
    return Template(
        "notify/emails.html",
        context={"emails": await outbox.needing_attention(), "caught": caught},
    )


@post("/{email_id:int}/send-again", name="admin_email_send_again")
async def send_again(request: Request[Any, Any, Any], email_id: FromPath[int]) -> Redirect:
    if not await outbox.send_again(user_of(request), email_id):
        raise NotFoundException()
    return see_other("/admin/emails?done=queued")


HANDLERS: list[Any] = [
    notifications,
    notification,
    open_notification,
    mark_all_read,
    Router(path="/admin/emails", route_handlers=[emails, send_again], guards=[require_role(ADMIN)]),
]
