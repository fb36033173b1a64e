"""The core's own plain pages: health checks, accessibility statement, cookies."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.response import Redirect, Template

from portal.db import ping

PUBLIC = {"public": True}


@get("/healthz", opt={**PUBLIC, "without_session": True}, name="healthz", media_type=MediaType.TEXT)
async def healthz() -> str:
    return "ok"


@get("/readyz", opt=PUBLIC, name="readyz", media_type=MediaType.TEXT)
async def readyz(request: Request[Any, Any, Any]) -> Response[str]:
    if await ping(request.app.state.engine):
        return Response("ready", media_type=MediaType.TEXT)
    return Response("database unavailable", status_code=503, media_type=MediaType.TEXT)


@get("/accessibility", opt=PUBLIC, name="accessibility")
async def accessibility(request: Request[Any, Any, Any]) -> Template:
    return Template("accessibility.html")


@get("/cookies", opt=PUBLIC, name="cookies")
async def cookies(request: Request[Any, Any, Any]) -> Template:
    return Template("cookies.html")


@get("/favicon.ico", opt=PUBLIC, include_in_schema=False)
async def favicon() -> Redirect:
    return Redirect("/static/images/favicon.svg", status_code=301)


PAGE_HANDLERS = [healthz, readyz, accessibility, cookies, favicon]
