"""Keeping what was typed when a session times out mid-section.

A section form carries a rescue token: an HMAC over (user, section, expiry)
made with the session secret when the page was rendered. If the session has
ended by the time the form (or an autosave) is posted, the sign-in guard
refuses the request, and the error handler hands it here: a valid token lets
us park the text as that user's draft of that section (never the saved
section), then send them to sign in and back to the section. The token is
only ever in a page served to that user over the portal's own origin, so it
works as the request's CSRF token too; it can write nothing but their draft.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect

from portal.assessments import service
from portal.assessments.sections import BY_SLUG, answers_from
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.families.tables import Family
from portal.kernel.forms import Form, whole_number

LIFETIME_SECONDS = 12 * 3600  # longer than the absolute session limit


def _signature(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def make_token(secret: str, user_id: int, section_id: int, now: float | None = None) -> str:
    expires = int((now or time.time()) + LIFETIME_SECONDS)
    payload = f"{user_id}.{section_id}.{expires}"
    return f"{payload}.{_signature(secret, payload)}"


def user_in_token(secret: str, token: str, section_id: int, now: float | None = None) -> int | None:
    """The user the token was made for, if it is genuine, unexpired and for this section."""
    parts = token.split(".")
    if len(parts) != 4 or not all(whole_number(p, 2**63) is not None for p in parts[:3]):
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _signature(secret, payload)):
        return None
    user_id, token_section, expires = (int(p) for p in parts[:3])
    if token_section != section_id or expires < (now or time.time()):
        return None
    return user_id


async def rescue_section_post(request: Request[Any, Any, Any]) -> str | None:
    """Park a signed-out section post as its author's draft; returns the
    section's path to come back to after signing in, or None to refuse."""
    params = request.path_params
    family = await Family.objects().get(Family.id == params.get("family_id", 0))
    slug = str(params.get("slug", ""))
    if family is None or slug not in BY_SLUG:
        return None
    try:
        assessment = await service.assessment_in(family, int(params["assessment_id"]))
        section = await service.section_of(assessment["id"], slug)
    except Exception:
        return None
    form = await Form.read(request)
    secret = request.app.state.settings.session_secret
    user_id = user_in_token(secret, form.get("rescue_token"), section["id"])
    if user_id is None:
        return None
    row = await PortalUser.objects().get(
        (PortalUser.id == user_id) & (PortalUser.disabled.eq(False))
    )
    if row is None:
        return None
    author = current_user_from(row)
    base = form.get("base_version")
    await service.save_draft(
        author,
        family.id,
        section,
        answers_from(form, BY_SLUG[slug]),
        whole_number(base) or section["version"],
        request.url.path,
    )
    return f"/families/{family.id}/assessments/{assessment['id']}/sections/{slug}"


async def signed_out_post(request: Request[Any, Any, Any]) -> Response[Any]:
    """The answer to a section post whose session has ended: keep the text if
    the rescue token allows, then sign in again and come back to the section."""
    back = await rescue_section_post(request)
    if back is None:
        raise NotAuthorizedException("Sign in to use the Early Help Portal")
    login = f"/login?next={quote(back, safe='/')}"
    if request.headers.get("hx-request"):
        return Response("", status_code=401, headers={"HX-Redirect": login})
    return Redirect(login, status_code=303)
