"""The plugin contract: documented hook specs, strict loading, enabled areas only."""

from __future__ import annotations

import importlib
import inspect
from types import SimpleNamespace

import pytest

from portal import hookspecs
from portal.kernel.errors import ConfigError
from portal.plugin_api import hookimpl
from portal.plugins import (
    area_tables,
    build_plugin_manager,
    database_apps,
    enabled_areas,
    installed_area_plugins,
    installed_database_apps,
)
from tests.support import testshire


def spec_functions() -> list[object]:
    return [
        f
        for name, f in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("portal_")
    ]


def test_every_hook_spec_has_a_one_line_docstring() -> None:
    assert len(spec_functions()) >= 4
    for spec in spec_functions():
        doc = inspect.getdoc(spec)
        assert doc, f"{spec} has no docstring"
        assert len(doc.splitlines()) == 1, f"{spec}'s docstring should be one line"


def test_both_area_plugins_are_installed_through_entry_points() -> None:
    installed = installed_area_plugins()
    assert {"derby", "derbyshire"} <= set(installed)


def test_only_enabled_areas_are_registered_in_the_given_order() -> None:
    manager = build_plugin_manager(("derbyshire", "derby"))
    assert [a.slug for a in enabled_areas(manager)] == ["derbyshire", "derby"]
    manager = build_plugin_manager(("derby",))
    assert [a.slug for a in enabled_areas(manager)] == ["derby"]


def test_an_implementation_without_a_spec_stops_start_up() -> None:
    @hookimpl
    def portal_describe_areas() -> None:  # a typo: the spec is portal_describe_area
        return None

    bad = SimpleNamespace(
        portal_describe_area=testshire.portal_describe_area,
        portal_describe_areas=portal_describe_areas,
    )
    with pytest.raises(Exception, match="unknown hook"):
        build_plugin_manager(("testshire",), {"testshire": bad})


def test_a_plugin_must_describe_itself_under_its_entry_point_name() -> None:
    with pytest.raises(ConfigError, match="must describe itself with slug 'elsewhere'"):
        build_plugin_manager(("elsewhere",), {"elsewhere": testshire})


def test_derby_and_derbyshire_describe_their_real_structure() -> None:
    areas = {a.slug: a for a in enabled_areas(build_plugin_manager(("derby", "derbyshire")))}
    assert areas["derby"].advice_line.name == "Children's Services Professional Consultation Line"
    assert "Initial Response Team" in areas["derby"].social_care_front_door.name
    assert [loc.name for loc in areas["derbyshire"].localities] == [
        "Amber Valley",
        "Bolsover",
        "Chesterfield",
        "Derbyshire Dales",
        "Erewash",
        "High Peak",
        "North East Derbyshire",
        "South Derbyshire",
    ]
    assert areas["derbyshire"].advice_line.name == "Starting Point Consultation and Advice Service"


def _area_with_tables() -> SimpleNamespace:
    @hookimpl
    def portal_database_app() -> str:
        return "tests.support.area_app"

    return SimpleNamespace(
        portal_describe_area=testshire.portal_describe_area,
        portal_database_app=portal_database_app,
    )


def test_an_enabled_areas_tables_are_bound_with_the_core() -> None:
    from tests.support.area_app import AreaNote

    manager = build_plugin_manager(("testshire",), {"testshire": _area_with_tables()})
    assert database_apps(manager) == ["tests.support.area_app"]
    assert area_tables(manager) == [AreaNote]


def test_a_disabled_areas_tables_are_not_bound() -> None:
    installed = {"testshire": _area_with_tables(), "derby": installed_area_plugins()["derby"]}
    manager = build_plugin_manager(("derby",), installed)
    assert "tests.support.area_app" not in database_apps(manager)


def test_every_installed_areas_migrations_run_after_the_cores() -> None:
    for path in installed_database_apps():
        config = importlib.import_module(path).APP_CONFIG
        assert "portal.piccolo_app" in config.migration_dependencies, path
        assert config.app_name != "portal"
