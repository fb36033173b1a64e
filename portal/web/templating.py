"""The Jinja environment: plugin templates first, then the core's, then the
GOV.UK Frontend macros. Autoescape is always on."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from litestar.plugins.jinja import JinjaTemplateEngine

from portal.kernel.formatting import format_clock, format_day, format_when, spaced_nhs_number
from portal.kernel.users import CurrentUser
from portal.settings import Settings
from portal.web.guards import signed_in_user
from portal.web.security import CSRF_FIELD, KEEP_FIELD, csp_nonce, csrf_token_for, keep_token_for

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


# Plain attributes of a dict (``d.items``, ``form.get``): for these Jinja's
# attribute lookup answers first; for any other name, the key.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class PortalEnvironment(Environment):
    """Jinja's environment with two lookups made cheap; they run thousands of
    times a page (py-spy: ~8% of the family record's time), and what they
    return is unchanged.

    - ``row.name`` on a dict tries ``getattr`` first and pays for an
      AttributeError each time; a dict's only attributes are its methods, so
      look the key up straight away for any other name.
    - Each template's globals are a plain dict, not a ChainMap over the
      environment's: every ``import`` (GOV.UK macros import their parts on each
      call) subtracts the two key sets, in C for a dict and key by key in Python
      for a ChainMap. Every global is registered before the first template
      loads (``template_engine``), as Jinja asks."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def build_environment(plugin_dirs: Sequence[Path]) -> Environment:
    loader = ChoiceLoader(
        [
            *(FileSystemLoader(str(d)) for d in plugin_dirs),
            FileSystemLoader(str(TEMPLATES_DIR)),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = PortalEnvironment(
        loader=loader,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["day"] = format_day
    env.filters["when"] = format_when
    env.filters["clock"] = format_clock
    env.filters["nhs_number"] = spaced_nhs_number
    return env


def template_engine(settings: Settings, plugin_dirs: Sequence[Path]) -> JinjaTemplateEngine:
    engine = JinjaTemplateEngine.from_environment(build_environment(plugin_dirs))

    def nonce(ctx: Mapping[str, Any]) -> str:
        return csp_nonce(ctx["request"].scope)

    def csrf_token(ctx: Mapping[str, Any]) -> str:
        session_hash = ctx["request"].scope.get("state", {}).get("session_hash")
        return csrf_token_for(session_hash, settings.session_secret) if session_hash else ""

    def current_user(ctx: Mapping[str, Any]) -> CurrentUser | None:
        return signed_in_user(ctx["request"])

    def keep_token(ctx: Mapping[str, Any]) -> str:
        state: dict[str, Any] = ctx["request"].scope.setdefault("state", {})
        if "keep_token" not in state:  # once a page, however many forms it has
            user = signed_in_user(ctx["request"])
            state["keep_token"] = keep_token_for(user.id, settings.session_secret) if user else ""
        return str(state["keep_token"])

    engine.register_template_callable("current_user", current_user)
    engine.register_template_callable("csp_nonce", nonce)
    engine.register_template_callable("csrf_token", csrf_token)
    engine.register_template_callable("keep_token", keep_token)
    engine.engine.globals["CSRF_FIELD"] = CSRF_FIELD
    engine.engine.globals["KEEP_FIELD"] = KEEP_FIELD
    return engine
