"""Loading area plugins: installed ones come from entry points, enabled ones from
PORTAL_AREAS. Only enabled areas are registered, so a disabled area adds no
page, route or menu item."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy

from portal import hookspecs
from portal.areas import AreaDescription
from portal.kernel.errors import ConfigError

ENTRY_POINT_GROUP = "portal"


def installed_area_plugins() -> dict[str, ModuleType]:
    """Every area plugin installed in this environment, by slug."""
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}


def build_plugin_manager(
    enabled: tuple[str, ...], installed: Mapping[str, object] | None = None
) -> pluggy.PluginManager:
    installed = installed_area_plugins() if installed is None else installed
    unknown = [slug for slug in enabled if slug not in installed]
    if unknown:
        available = ", ".join(sorted(installed)) or "none"
        raise ConfigError(
            f"PORTAL_AREAS names {', '.join(unknown)}, which is not installed "
            f"(installed areas: {available})"
        )
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    for slug in enabled:
        manager.register(installed[slug], name=slug)
    manager.check_pending()  # an implementation without a spec is a typo: fail at start-up
    _check_descriptions(manager)
    return manager


def _check_descriptions(manager: pluggy.PluginManager) -> None:
    described = dict(call_per_area(manager, "portal_describe_area"))
    for name, _ in manager.list_name_plugin():
        area = described.get(name)
        if not isinstance(area, AreaDescription) or area.slug != name:
            raise ConfigError(f"area plugin {name!r} must describe itself with slug {name!r}")


def call_per_area(
    manager: pluggy.PluginManager, hook_name: str, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Call one hook on each enabled area separately: [(slug, result), ...]."""
    implementations = getattr(manager.hook, hook_name).get_hookimpls()
    return [(impl.plugin_name, impl.function(**kwargs)) for impl in reversed(implementations)]


def call_for_area(manager: pluggy.PluginManager, slug: str, hook_name: str, **kwargs: Any) -> Any:
    """Call one hook on one area's plugin only (None if it doesn't implement it)."""
    for impl in getattr(manager.hook, hook_name).get_hookimpls():
        if impl.plugin_name == slug:
            return impl.function(**kwargs)
    return None


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
