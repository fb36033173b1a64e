"""Derbyshire's pages, mounted under /derbyshire: the online referral to Starting
Point, the family's Derbyshire page, Starting Point's queue with
the 24-hour clock, triage and screening, the referrer's and staff's lists,
and the timeliness report. Every handler is guarded by a Derbyshire role."""

from pathlib import Path
from typing import Any

from litestar.static_files import create_static_files_router

from portal_derbyshire.controllers import area, queue, referral, requests
from portal_derbyshire.controllers.web import DERBYSHIRE_ROLES

__all__ = ["DERBYSHIRE_ROLES", "HANDLERS"]

STATIC = create_static_files_router(
    path="/static",
    directories=[Path(__file__).parent.parent / "static"],
    name="derbyshire_static",  # signed-in users only, like every Derbyshire page
    send_as_attachment=False,
)

HANDLERS: list[Any] = [
    STATIC,
    area.about,
    area.start_referral,
    area.my_requests,
    area.my_cases,
    area.family_page,
    referral.new_referral,
    referral.send_referral,
    requests.request_page,
    requests.triage_request,
    requests.screen_request,
    queue.queue,
    queue.timeliness_report,
]
