"""Settings are validated at start-up with a message naming the bad variable."""

from __future__ import annotations

import pytest

from portal.auth.service import map_roles
from portal.kernel.errors import ConfigError
from portal.settings import Settings

GOOD = {
    "PORTAL_OIDC_ISSUER": "https://login.example.org/tenant/v2.0",
    "PORTAL_OIDC_CLIENT_ID": "client",
    "PORTAL_OIDC_CLIENT_SECRET": "secret",
    "PORTAL_SESSION_SECRET": "s" * 40,
    "PORTAL_BASE_URL": "https://portal.example.org",
    "PORTAL_DATABASE_URL": "postgresql://portal@db.example.org:5432/portal",
}


def test_good_settings_load_with_defaults() -> None:
    settings = Settings.from_env(GOOD)
    assert settings.database_url == "postgresql://portal@db.example.org:5432/portal"
    assert settings.areas == ()  # every installed area plugin
    assert not settings.role_map_from_env and "Portal.Admin" in settings.role_map
    assert settings.session_idle_minutes == 30 and settings.session_absolute_hours == 10
    assert settings.is_https and settings.allowed_hosts == ["portal.example.org"]
    assert settings.redirect_uri == "https://portal.example.org/auth/callback"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORTAL_OIDC_ISSUER", "", "PORTAL_OIDC_ISSUER is not set"),
        ("PORTAL_OIDC_ISSUER", "http://idp.example.org", "PORTAL_OIDC_ISSUER must use https"),
        ("PORTAL_BASE_URL", "portal.example.org", "PORTAL_BASE_URL must be a full URL"),
        ("PORTAL_OIDC_CLIENT_SECRET", " ", "PORTAL_OIDC_CLIENT_SECRET is not set"),
        ("PORTAL_SESSION_SECRET", "short", "PORTAL_SESSION_SECRET must be at least 32"),
        ("PORTAL_DATABASE_URL", "mysql://x", "PORTAL_DATABASE_URL must be"),
        ("PORTAL_DATABASE_URL", "", "PORTAL_DATABASE_URL is not set"),
        ("PORTAL_DATABASE_URL", "postgresql:///portal", "must be a PostgreSQL URL"),
        ("PORTAL_ROLE_MAP", "Derby.Practitioner", "PORTAL_ROLE_MAP must be comma-separated"),
        ("PORTAL_AREAS", " , ", "PORTAL_AREAS must name at least one area"),
        ("PORTAL_SEARCH_LIMIT", "0", "PORTAL_SEARCH_LIMIT must be between 1 and 10000"),
        (
            "PORTAL_SESSION_IDLE_MINUTES",
            "abc",
            "PORTAL_SESSION_IDLE_MINUTES must be a whole number",
        ),
        (
            "PORTAL_SESSION_ABSOLUTE_HOURS",
            "48",
            "PORTAL_SESSION_ABSOLUTE_HOURS must be between 1 and 12",
        ),
        ("PORTAL_ENVIRONMENT", "staging", "PORTAL_ENVIRONMENT must be one of"),
        ("PORTAL_LOG_TRACEBACKS", "yes", "PORTAL_LOG_TRACEBACKS must be one of: true, false"),
    ],
)
def test_bad_settings_name_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({**GOOD, name: value})


def test_a_database_on_a_unix_socket_is_accepted() -> None:
    url = "postgresql://postgres:@/portal?host=/tmp/portal-pg"  # as `portal db start` prints
    assert Settings.from_env({**GOOD, "PORTAL_DATABASE_URL": url}).database_url == url


def test_plain_http_is_allowed_only_on_loopback() -> None:
    settings = Settings.from_env({**GOOD, "PORTAL_BASE_URL": "http://127.0.0.1:8000"})
    assert not settings.is_https
    assert settings.allowed_hosts == ["127.0.0.1:8000", "127.0.0.1"]


def test_roles_come_from_the_configured_mapping_only() -> None:
    settings = Settings.from_env(
        {**GOOD, "PORTAL_ROLE_MAP": "EH.Worker=derby.practitioner, EH.Boss=derby.area_manager"}
    )
    assert map_roles(["EH.Worker", "Global.Admin", 7], settings.role_map) == {"derby.practitioner"}
    assert map_roles("EH.Boss", settings.role_map) == {"derby.area_manager"}
    assert map_roles(None, settings.role_map) == frozenset()


def test_no_proxy_is_trusted_unless_configured() -> None:
    from portal.cli import server_options

    options = server_options(Settings.from_env(GOOD), "127.0.0.1", 8000, 2)
    assert options["proxy_headers"] is False and options["forwarded_allow_ips"] == []


def test_trusted_proxies_are_addresses_or_networks() -> None:
    from portal.cli import server_options

    settings = Settings.from_env({**GOOD, "PORTAL_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16"})
    assert settings.trusted_proxies == ("10.0.0.5/32", "10.1.0.0/16")
    options = server_options(settings, "127.0.0.1", 8000, 2)
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == ["10.0.0.5/32", "10.1.0.0/16"]
    with pytest.raises(ConfigError, match="PORTAL_TRUSTED_PROXIES"):
        Settings.from_env({**GOOD, "PORTAL_TRUSTED_PROXIES": "proxy.example.org"})


def test_each_enabled_area_brings_its_default_roles_unless_the_map_is_set() -> None:
    from portal.plugins import build_plugin_manager, enabled_areas, with_area_roles

    manager = build_plugin_manager(())
    assert [a.slug for a in enabled_areas(manager)] == ["derby", "derbyshire"]  # all installed
    mapped = with_area_roles(Settings.from_env(GOOD), manager).role_map
    assert mapped["Derby.SpaClerk"] == "derby.spa_clerk"
    assert mapped["Derbyshire.StartingPointSenior"] == "derbyshire.senior_practitioner"
    assert mapped["Portal.Admin"] == "portal.admin"
    only_derby = with_area_roles(Settings.from_env(GOOD), build_plugin_manager(("derby",)))
    assert "Derbyshire.Practitioner" not in only_derby.role_map
    council = Settings.from_env({**GOOD, "PORTAL_ROLE_MAP": "EH.Worker=derby.practitioner"})
    assert with_area_roles(council, manager).role_map == {"EH.Worker": "derby.practitioner"}
