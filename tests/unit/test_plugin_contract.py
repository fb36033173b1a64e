"""The plugin contract: documented hook specs, strict loading, enabled areas only."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from types import ModuleType

import pytest

from portal import demo_hookspecs, hookspecs, plugin_api
from portal.kernel.errors import ConfigError
from portal.plugin_api import hookimpl
from portal.plugins import (
    area_tables,
    build_demo_manager,
    build_plugin_manager,
    call_for_area,
    call_per_area,
    database_apps,
    enabled_areas,
    installed_area_plugins,
    installed_database_apps,
)
from tests.support import testshire
from tests.support.fake_area import fake_area


def spec_functions() -> list[Callable[..., object]]:
    return [
        f
        for module in (hookspecs, demo_hookspecs)
        for name, f in inspect.getmembers(module, inspect.isfunction)
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

    bad = fake_area(
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


def _area_with_tables() -> ModuleType:
    @hookimpl
    def portal_database_app() -> str:
        return "tests.support.area_app"

    return fake_area(
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


def test_spec_bodies_are_docstrings_only() -> None:
    for spec in spec_functions():
        body = inspect.getsource(spec).split('"""')[-1].strip()  # what follows the docstring
        assert body == "", f"{spec} has a body: pluggy never runs it"


def exported(module: object, prefix: str = "") -> list[tuple[str, object]]:
    names: list[tuple[str, object]] = []
    for name in module.__all__:  # type: ignore[attr-defined]
        value = getattr(module, name)
        if inspect.ismodule(value):
            names.extend(exported(value, f"{name}."))
        else:
            names.append((prefix + name, value))
    return names


def test_plugin_api_exports_an_explicit_documented_list() -> None:
    names = dict(exported(plugin_api))
    assert "teams.place" in names and "audit.record" in names
    # Namespaces name functions, never whole service modules.
    assert not any(inspect.ismodule(v) for v in names.values())
    undocumented = [
        name
        for name, value in names.items()
        if (inspect.isfunction(value) or inspect.isclass(value)) and not inspect.getdoc(value)
    ]
    assert undocumented == []
    for name in plugin_api.teams.__all__:
        assert hasattr(plugin_api.teams, name)
    assert not hasattr(plugin_api.teams, "works")  # a service helper plugins are not promised


class Tracer:
    """A hook wrapper, as a monitoring plugin would add: it sees every hook call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    @hookimpl(wrapper=True)
    def portal_social_care_route(self, area: str) -> object:
        self.calls.append(area)
        return (yield)


def test_area_hooks_are_called_through_pluggy_so_wrappers_see_them() -> None:
    manager = build_plugin_manager(("derby", "derbyshire"))
    tracer = Tracer()
    manager.register(tracer, name="tracer")
    route = call_for_area(manager, "derbyshire", "portal_social_care_route", area="derbyshire")
    assert route is not None and "Starting Point" in route.service
    assert tracer.calls == ["derbyshire"]  # the wrapper ran, and only Derbyshire answered


def test_one_answer_hooks_are_firstresult() -> None:
    manager = build_plugin_manager(("derby",))
    for name in ("portal_social_care_route", "portal_report_measures", "portal_person_records"):
        assert getattr(manager.hook, name).spec.opts["firstresult"], name
    teams = call_for_area(manager, "derby", "portal_area_teams")
    assert teams and all(hasattr(t, "key") for t in teams)  # a list hook: that area's list
    assert [slug for slug, _ in call_per_area(manager, "portal_area_teams")] == ["derby"]


def test_demo_data_is_outside_the_production_contract() -> None:
    production = build_plugin_manager(("derby", "derbyshire"))
    assert not hasattr(production.hook, "portal_demo_data")
    demo = build_demo_manager(("derby", "derbyshire"))
    assert [name for name, _ in demo.list_name_plugin()] == ["derby", "derbyshire"]
    assert build_demo_manager(("derby",)).list_name_plugin()[0][0] == "derby"
