"""The portal's Jinja environment answers every lookup as Jinja's own does: its
shortcuts (portal.web.templating.PortalEnvironment) change the cost, not the
result."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, StrictUndefined, UndefinedError

from portal.web.templating import PortalEnvironment

TEMPLATES = {
    "page.html": (
        '{% from "macros.html" import shout %}'
        "{{ row.name }}|{{ row.items() | list | length }}|{{ row.get('name') }}|"
        "{{ row.missing is defined }}|{{ obj.real }}|{{ shout(row.name) }}|{{ greeting }}"
    ),
    "macros.html": "{% macro shout(text) %}{{ text | upper }}{{ greeting }}{% endmacro %}",
}
CONTEXT = {"row": {"name": "Amy", "items": "a key named like a method"}, "obj": 3}


def render(env: Environment) -> str:
    env.globals["greeting"] = "!"
    return env.get_template("page.html").render(**CONTEXT)


def test_the_portal_environment_renders_exactly_as_jinja_does() -> None:
    plain = render(Environment(loader=DictLoader(TEMPLATES), autoescape=True))
    portal = render(PortalEnvironment(loader=DictLoader(TEMPLATES), autoescape=True))
    assert portal == plain == "Amy|2|Amy|False|3|AMY!|!"


def test_a_missing_key_is_still_undefined() -> None:
    env = PortalEnvironment(
        loader=DictLoader({"t": "{{ row.missing }}"}), undefined=StrictUndefined
    )
    try:
        env.get_template("t").render(row={"name": "Amy"})
    except UndefinedError as error:
        assert "missing" in str(error)
    else:
        raise AssertionError("a missing key rendered")
