"""The ceiling for `make bench`: a bare Litestar + Jinja page of about the size of a
portal page, with no database, no session and no middleware, served by uvicorn
with the same settings as `portal serve` (bench/run.py starts both the same way).

A portal page's rate divided by this page's is how close the portal comes to
what the framework and server can do on this machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

TEMPLATES = Path(__file__).resolve().parent / "templates"


@get("/", sync_to_thread=False)
def page() -> Template:
    rows = [
        {"name": f"Child {n}", "due": f"2026-12-{n % 28 + 1:02d}", "what": "TAF review"}
        for n in range(int(os.environ.get("CEILING_ROWS", "40")))
    ]
    return Template("ceiling.html", context={"rows": rows, "title": "Your families"})


def create_app() -> Litestar:
    return Litestar(
        route_handlers=[page],
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        openapi_config=None,
        debug=False,
    )


def main() -> int:
    import uvicorn

    port = int(sys.argv[1])
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    # The same arguments as portal.cli._serve.
    uvicorn.run(
        "bench.ceiling_app:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
        access_log=True,
        timeout_graceful_shutdown=10,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
