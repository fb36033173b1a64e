"""create_app(settings) wires the portal together; nothing happens at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.datastructures import State
from litestar.logging import LoggingConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from portal.access.controllers import ACCESS_HANDLERS, no_relationship
from portal.access.dependencies import FAMILY_DEPENDENCIES, require_area_role
from portal.access.service import NoRelationship
from portal.admin.controllers import ADMIN, ADMIN_ROUTER
from portal.areas import NavigationItem
from portal.assessments.appendix_controllers import APPENDIX_HANDLERS
from portal.assessments.controllers import HANDLERS as ASSESSMENT_HANDLERS
from portal.assessments.version_controllers import VERSION_HANDLERS
from portal.auth.controllers import AUTH_HANDLERS
from portal.auth.oidc import OidcClient
from portal.case_audit.controllers import HANDLERS as CASE_AUDIT_HANDLERS
from portal.caseload.controllers import CASELOAD_HANDLERS
from portal.caseload.drift_controllers import DRIFT_HANDLERS
from portal.closure.controllers import HANDLERS as CLOSURE_HANDLERS
from portal.closure.controllers import episode_closed
from portal.closure.service import EpisodeClosed
from portal.consent.controllers import CONSENT_HANDLERS
from portal.consultations.controllers import CONSULTATION_HANDLERS
from portal.db import bind_tables, close_pool, engine_from_url, open_pool
from portal.escalation.controllers import HANDLERS as ESCALATION_HANDLERS
from portal.info_requests.controllers import HANDLERS as INFO_REQUEST_HANDLERS
from portal.kept.controllers import KEPT_HANDLERS, form_kept
from portal.kept.guard import FormKept, closing_sent_forms, require_sign_in_keeping_forms
from portal.kernel.users import is_area_manager
from portal.lead.controllers import LEAD_HANDLERS
from portal.meetings.controllers import HANDLERS as MEETING_HANDLERS
from portal.meetings.nav import shows_meetings
from portal.notify.controllers import HANDLERS as NOTIFY_HANDLERS
from portal.notify.middleware import unread_notifications
from portal.plugins import (
    area_tables,
    build_plugin_manager,
    call_per_area,
    enabled_areas,
    with_area_roles,
)
from portal.record.cards import register_core_cards
from portal.record.find import FIND_HANDLERS
from portal.record.household import HOUSEHOLD_HANDLERS
from portal.record.page import RECORD_HANDLERS
from portal.reports.controllers import HANDLERS as REPORT_HANDLERS
from portal.request_facts import RequestFactsMiddleware
from portal.settings import Settings
from portal.sharing.controllers import SHARING_HANDLERS
from portal.tables import CORE_TABLES
from portal.taf.controllers import HANDLERS as TAF_HANDLERS
from portal.teams.controllers import HANDLERS as TEAM_HANDLERS
from portal.web.errors import EXCEPTION_HANDLERS
from portal.web.guards import signed_in_user
from portal.web.oversight_nav import oversight_navigation
from portal.web.pages import PAGE_HANDLERS
from portal.web.security import csrf_protect_hook, security_headers_hook
from portal.web.templating import template_engine
from portal.web.transaction import RequestTransactionMiddleware
from portal.workdays.controllers import HANDLERS as WORKDAYS_HANDLERS

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024


def create_app(settings: Settings, area_plugins: Mapping[str, object] | None = None) -> Litestar:
    """Build the portal. ``area_plugins`` replaces the installed entry points (tests)."""
    plugin_manager = build_plugin_manager(settings.areas, area_plugins)
    register_core_cards(plugin_manager)
    settings = with_area_roles(settings, plugin_manager)
    engine = engine_from_url(settings.database_url)
    bind_tables(engine, [*CORE_TABLES, *area_tables(plugin_manager)])
    oidc = OidcClient(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await open_pool(engine)
        try:
            yield
        finally:
            await close_pool(engine)
            await oidc.aclose()

    plugin_dirs = [
        Path(d) for dirs in plugin_manager.hook.portal_template_directories() for d in dirs
    ]
    templates = template_engine(settings, plugin_dirs)

    def navigation(ctx: Mapping[str, Any]) -> list[Any]:
        user = signed_in_user(ctx["request"])
        if user is None:
            return []
        return [
            item
            for items in plugin_manager.hook.portal_navigation_items(user=user)
            for item in items
        ]

    templates.register_template_callable("plugin_navigation", navigation)
    area_slugs = frozenset(a.slug for a in enabled_areas(plugin_manager))

    def core_navigation(ctx: Mapping[str, Any]) -> list[NavigationItem]:
        user = signed_in_user(ctx["request"])
        items = []
        if user is not None and user.areas & area_slugs:
            items.append(NavigationItem("Families", "/families"))
            if shows_meetings(ctx):
                items.append(NavigationItem("Meetings", "/meetings"))
            if any(is_area_manager(user, area) for area in user.areas & area_slugs):
                items.append(NavigationItem("Emergency access", "/access/break-glass"))
                items.append(NavigationItem("Teams", "/teams"))
                items.append(NavigationItem("Drift", "/drift"))
        if user is not None:
            items += oversight_navigation(user, area_slugs)
        if user is not None and user.has_role(ADMIN):
            items.append(NavigationItem("Users", "/admin/users"))
            items.append(NavigationItem("Bank holidays", "/admin/bank-holidays"))
            items.append(NavigationItem("Emails", "/admin/emails"))
        return items

    templates.register_template_callable("core_navigation", core_navigation)
    templates.register_template_callable("unread_notifications", unread_notifications)

    area_routers = [
        Router(path=f"/{slug}", route_handlers=list(handlers))
        for slug, handlers in call_per_area(plugin_manager, "portal_route_handlers")
        if handlers
    ]

    return Litestar(
        route_handlers=[
            *AUTH_HANDLERS,
            *PAGE_HANDLERS,
            *CASELOAD_HANDLERS,
            *DRIFT_HANDLERS,
            ADMIN_ROUTER,
            *NOTIFY_HANDLERS,
            *KEPT_HANDLERS,
            *WORKDAYS_HANDLERS,
            # Oversight pages guard themselves: analysts work across areas.
            *REPORT_HANDLERS,
            *CASE_AUDIT_HANDLERS,
            *INFO_REQUEST_HANDLERS,
            Router(
                path="/",
                route_handlers=[
                    *FIND_HANDLERS,
                    *RECORD_HANDLERS,
                    *HOUSEHOLD_HANDLERS,
                    *CONSENT_HANDLERS,
                    *SHARING_HANDLERS,
                    *CONSULTATION_HANDLERS,
                    *LEAD_HANDLERS,
                    *ACCESS_HANDLERS,
                    *ASSESSMENT_HANDLERS,
                    *APPENDIX_HANDLERS,
                    *VERSION_HANDLERS,
                    *TAF_HANDLERS,
                    *ESCALATION_HANDLERS,
                    *CLOSURE_HANDLERS,
                    *MEETING_HANDLERS,
                    *TEAM_HANDLERS,
                ],
                guards=[require_area_role],
            ),
            *area_routers,
            create_static_files_router(
                path="/static",
                directories=[STATIC_DIR],
                opt={"public": True, "without_session": True},
                send_as_attachment=False,
            ),
        ],
        guards=[require_sign_in_keeping_forms],
        dependencies=FAMILY_DEPENDENCIES,
        # The transaction is outermost: the session lookup runs on it too.
        middleware=[
            RequestTransactionMiddleware(engine),
            RequestFactsMiddleware(settings, area_slugs),
        ],
        before_request=closing_sent_forms(csrf_protect_hook(settings)),
        before_send=[security_headers_hook(settings)],
        exception_handlers={
            NoRelationship: no_relationship,
            EpisodeClosed: episode_closed,
            FormKept: form_kept,
            **EXCEPTION_HANDLERS,  # type: ignore[dict-item]
        },
        template_config=TemplateConfig(instance=templates),
        plugins=[HTMXPlugin()],
        allowed_hosts=AllowedHostsConfig(allowed_hosts=settings.allowed_hosts),
        request_max_body_size=MAX_REQUEST_BODY_BYTES,
        openapi_config=None,
        lifespan=[lifespan],
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            # authlib logs the PKCE verifier at DEBUG; httpx2 logs every URL at INFO.
            loggers={"authlib": {"level": "INFO"}, "httpx2": {"level": "WARNING"}},
            log_exceptions="never",
        ),
        state=State(
            {"engine": engine, "oidc": oidc, "plugin_manager": plugin_manager, "settings": settings}
        ),
        debug=False,
    )


def app_from_environment() -> Litestar:
    """Entry point for ASGI servers (uvicorn --factory portal.app:app_from_environment)."""
    return create_app(Settings.from_env())
