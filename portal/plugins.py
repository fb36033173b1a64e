"""Loading area plugins: installed ones come from entry points, enabled ones from
PORTAL_AREAS. Only enabled areas are registered, so a disabled area adds no
page, route or menu item."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import replace
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy
from pluggy import HookCaller

from portal import demo_hookspecs, hookspecs
from portal.areas import AreaDescription
from portal.kernel.errors import ConfigError
from portal.settings import Settings

ENTRY_POINT_GROUP = "portal"


def installed_area_plugins() -> dict[str, ModuleType]:
    """Every area plugin installed in this environment, by slug."""
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}


def build_plugin_manager(
    enabled: tuple[str, ...], installed: Mapping[str, object] | None = None
) -> pluggy.PluginManager:
    installed = installed_area_plugins() if installed is None else installed
    enabled = enabled or tuple(sorted(installed))
    unknown = [slug for slug in enabled if slug not in installed]
    if unknown:
        available = ", ".join(sorted(installed)) or "none"
        raise ConfigError(
            f"PORTAL_AREAS names {', '.join(unknown)}, which is not installed "
            f"(installed areas: {available})"
        )
    manager = AreaPluginManager(enabled)
    manager.add_hookspecs(hookspecs)
    for slug in enabled:
        manager.register(installed[slug], name=slug)
    manager.check_pending()  # an implementation without a spec is a typo: fail at start-up
    _check_descriptions(manager)
    return manager


def _check_descriptions(manager: AreaPluginManager) -> None:
    described = dict(call_per_area(manager, "portal_describe_area"))
    for name in manager.areas:
        area = described.get(name)
        if not isinstance(area, AreaDescription) or area.slug != name:
            raise ConfigError(f"area plugin {name!r} must describe itself with slug {name!r}")


class AreaPluginManager(pluggy.PluginManager):
    """A plugin manager that knows which of its plugins are areas (in
    PORTAL_AREAS order); any other plugin, such as a tracing hook wrapper,
    sees every call."""

    def __init__(self, areas: tuple[str, ...]) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self.areas = areas


def area_hook(manager: pluggy.PluginManager, slug: str, hook_name: str) -> HookCaller:
    """One hook as it reaches one area's plugin only: pluggy's own subset
    caller, so hook wrappers and tracing apply as to any other call."""
    names = [name for name, _ in manager.list_name_plugin()]
    areas = manager.areas if isinstance(manager, AreaPluginManager) else names
    others = [manager.get_plugin(name) for name in areas if name != slug and name in names]
    return manager.subset_hook_caller(hook_name, remove_plugins=others)


def _one_answer(caller: HookCaller, result: Any) -> Any:
    """A firstresult hook's answer is the value; any other's a list of one (or none)."""
    if caller.spec is not None and caller.spec.opts.get("firstresult"):
        return result
    return result[0] if result else None


def call_per_area(
    manager: pluggy.PluginManager, hook_name: str, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Call one hook on each enabled area separately: [(slug, answer), ...] in
    PORTAL_AREAS order, for areas that implement it."""
    answers = []
    names = [name for name, _ in manager.list_name_plugin()]
    for slug in manager.areas if isinstance(manager, AreaPluginManager) else names:
        caller = area_hook(manager, slug, hook_name)
        if caller.get_hookimpls():
            answers.append((slug, _one_answer(caller, caller(**kwargs))))
    return answers


def call_for_area(manager: pluggy.PluginManager, slug: str, hook_name: str, **kwargs: Any) -> Any:
    """Call one hook on one area's plugin only (None if it doesn't implement it)."""
    caller = area_hook(manager, slug, hook_name)
    return _one_answer(caller, caller(**kwargs))


def enabled_areas(manager: pluggy.PluginManager) -> list[AreaDescription]:
    """The enabled areas, in PORTAL_AREAS order (pluggy calls plugins in reverse)."""
    by_slug = {area.slug: area for area in manager.hook.portal_describe_area()}
    return [by_slug[name] for name, _ in manager.list_name_plugin() if name in by_slug]


def database_apps(manager: pluggy.PluginManager) -> list[str]:
    """Dotted paths of the areas' own Piccolo apps (tables and migrations)."""
    return [path for _, path in call_per_area(manager, "portal_database_app") if path]


def area_tables(manager: pluggy.PluginManager) -> list[type[Any]]:
    """The areas' own tables, to bind to the app's engine beside the core's."""
    tables: list[type[Any]] = []
    for path in database_apps(manager):
        tables.extend(importlib.import_module(path).APP_CONFIG.table_classes)
    return tables


def installed_database_apps() -> list[str]:
    """Every installed area's Piccolo app: `portal migrate` creates their tables
    whether or not the area is enabled, so enabling it later needs no migration."""
    installed = installed_area_plugins()
    return database_apps(build_plugin_manager(tuple(installed), installed))


def build_demo_manager(
    enabled: tuple[str, ...], installed: Mapping[str, object] | None = None
) -> pluggy.PluginManager:
    """The enabled areas' demo modules (entry-point group ``portal_demo``), for
    `portal demo-data` only: demo records are no part of the production contract."""
    if installed is None:
        group = demo_hookspecs.DEMO_ENTRY_POINT_GROUP
        installed = {ep.name: ep.load() for ep in entry_points(group=group)}
    enabled = enabled or tuple(sorted(installed))
    manager = AreaPluginManager(tuple(slug for slug in enabled if slug in installed))
    manager.add_hookspecs(demo_hookspecs)
    for slug in manager.areas:
        manager.register(installed[slug], name=slug)
    manager.check_pending()
    return manager


def with_area_roles(settings: Settings, manager: pluggy.PluginManager) -> Settings:
    """The settings with each enabled area's default role values added to the
    role map, unless PORTAL_ROLE_MAP set the whole map."""
    if settings.role_map_from_env:
        return settings
    role_map = dict(settings.role_map)
    for area in enabled_areas(manager):
        role_map.update(area.role_claims)
    return replace(settings, role_map=role_map)
