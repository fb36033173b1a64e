"""Every setting comes from the environment and is validated once, at start-up.

A bad value stops the portal with a message naming the variable, so a
misconfigured deployment fails loudly instead of half-working.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from urllib.parse import urlsplit

from portal.kernel.errors import ConfigError
from portal.retention_schedule import RetentionRule, rules_from_env

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

# The core's own role values, as the development identity provider issues them.
# Each enabled area adds its own (AreaDescription.role_claims); a council sets
# its whole mapping in PORTAL_ROLE_MAP instead.
DEFAULT_ROLE_MAP = "Partnership.Analyst=partnership.analyst,Portal.Admin=portal.admin"


# `make demo` runs its own SMTP server (portal mail-catcher); without one the
# worker retries without crashing.
DEFAULT_SMTP_FROM = "Early Help Portal <no-reply@early-help-portal.invalid>"


@dataclass(frozen=True)
class Settings:
    database_url: str
    base_url: str
    oidc_issuer: str
    oidc_client_id: str
    oidc_client_secret: str = field(repr=False)
    session_secret: str = field(repr=False)
    oidc_scopes: str = "openid profile email"
    role_claim: str = "roles"
    organisation_claim: str = "organisation"
    role_map: Mapping[str, str] = field(default_factory=dict)
    role_map_from_env: bool = False  # PORTAL_ROLE_MAP set: the areas' defaults do not apply
    areas: tuple[str, ...] = ()  # PORTAL_AREAS; empty: every installed area, by slug
    session_idle_minutes: int = 30
    session_absolute_hours: int = 10
    # Find-before-create searches (duplicate checks included) per user per 10 minutes.
    search_limit: int = 30
    environment: str = "production"
    log_tracebacks: bool = False  # off in production: exception text may hold personal data
    # Email from the notification worker (portal notify-worker): an SMTP relay.
    smtp_host: str = "localhost"
    smtp_port: int = 1025
    smtp_from: str = DEFAULT_SMTP_FROM
    # `make demo` only: the folder where its mail catcher keeps what the worker
    # sent, shown to administrators on the Emails page. Never in production.
    demo_mailbox: str = ""
    # The council's retention schedule (PORTAL_RETENTION_<RULE>), checked at start.
    retention_rules: tuple[RetentionRule, ...] = ()
    # Reverse proxies whose X-Forwarded-For / -Proto the server believes (IPs or
    # networks); empty: none, so a client cannot claim another address.
    trusted_proxies: tuple[str, ...] = ()

    @property
    def is_https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def allowed_hosts(self) -> list[str]:
        """Host header values this deployment answers to; anything else gets a 400."""
        parts = urlsplit(self.base_url)
        return list(dict.fromkeys([parts.netloc, parts.hostname or ""]))

    @property
    def base_origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}/auth/callback"

    @property
    def post_logout_redirect_uri(self) -> str:
        return f"{self.base_url}/signed-out"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=database_url_from_env(env),
            base_url=_url(env, "PORTAL_BASE_URL", "http://127.0.0.1:8000"),
            oidc_issuer=_url(env, "PORTAL_OIDC_ISSUER", None),
            oidc_client_id=_required(env, "PORTAL_OIDC_CLIENT_ID"),
            oidc_client_secret=_required(env, "PORTAL_OIDC_CLIENT_SECRET"),
            session_secret=_secret(env, "PORTAL_SESSION_SECRET"),
            oidc_scopes=env.get("PORTAL_OIDC_SCOPES", "openid profile email"),
            role_claim=env.get("PORTAL_ROLE_CLAIM", "roles") or "roles",
            organisation_claim=env.get("PORTAL_ORGANISATION_CLAIM", "organisation"),
            role_map=_role_map(env.get("PORTAL_ROLE_MAP", DEFAULT_ROLE_MAP)),
            role_map_from_env="PORTAL_ROLE_MAP" in env,
            areas=_areas(env.get("PORTAL_AREAS")),
            session_idle_minutes=_int(env, "PORTAL_SESSION_IDLE_MINUTES", 30, 5, 60),
            session_absolute_hours=_int(env, "PORTAL_SESSION_ABSOLUTE_HOURS", 10, 1, 12),
            search_limit=_int(env, "PORTAL_SEARCH_LIMIT", 30, 1, 10_000),
            environment=_choice(
                env, "PORTAL_ENVIRONMENT", "production", ("production", "development", "test")
            ),
            log_tracebacks=_choice(env, "PORTAL_LOG_TRACEBACKS", "false", ("true", "false"))
            == "true",
            smtp_host=_host(env, "PORTAL_SMTP_HOST", "localhost"),
            smtp_port=_int(env, "PORTAL_SMTP_PORT", 1025, 1, 65535),
            smtp_from=_sender(env, "PORTAL_SMTP_FROM", DEFAULT_SMTP_FROM),
            demo_mailbox=_demo_mailbox(env),
            retention_rules=_retention_rules(env),
            trusted_proxies=_networks(env, "PORTAL_TRUSTED_PROXIES"),
        )


def database_url_from_env(env: Mapping[str, str] | None = None) -> str:
    """Just the database URL: enough for `portal migrate` and other offline commands."""
    env = os.environ if env is None else env
    return _database_url(_required(env, "PORTAL_DATABASE_URL"))


def _retention_rules(env: Mapping[str, str]) -> tuple[RetentionRule, ...]:
    return rules_from_env(env)


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set")
    return value


def _url(env: Mapping[str, str], name: str, default: str | None) -> str:
    value = env.get(name, "").strip() or default
    if not value:
        raise ConfigError(f"{name} is not set")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be a full URL such as https://portal.example.org")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise ConfigError(f"{name} must use https (plain http is only allowed on 127.0.0.1)")
    if parts.query or parts.fragment:
        raise ConfigError(f"{name} must not have a query string or fragment")
    return value.rstrip("/")


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks ("10.0.0.5, 10.1.0.0/16")."""
    networks = []
    for part in env.get(name, "").split(","):
        if not part.strip():
            continue
        try:
            networks.append(str(ipaddress.ip_network(part.strip())))
        except ValueError:
            raise ConfigError(
                f"{name}: {part.strip()!r} is not an IP address or network (e.g. 10.0.0.0/24)"
            ) from None
    return tuple(networks)


def _demo_mailbox(env: Mapping[str, str]) -> str:
    value = env.get("PORTAL_DEMO_MAILBOX", "").strip()
    if value and (env.get("PORTAL_ENVIRONMENT", "").strip() or "production") == "production":
        raise ConfigError(
            "PORTAL_DEMO_MAILBOX is for the demo only: unset it in production "
            "(or set PORTAL_ENVIRONMENT=development)"
        )
    return value


def _host(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    if not re.fullmatch(r"[A-Za-z0-9.-]{1,253}|[0-9A-Fa-f:]{2,39}", value):
        raise ConfigError(f"{name} must be a host name or IP address, such as smtp.example.org")
    return value


def _sender(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    _, address = parseaddr(value)
    if (
        "\r" in value
        or "\n" in value
        or not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", address)
    ):
        raise ConfigError(
            f"{name} must be an email address, such as "
            "Early Help Portal <no-reply@portal.example.org>"
        )
    return value


def _database_url(value: str) -> str:
    parts = urlsplit(value)
    # a server on a host, or on a Unix socket (?host=/run/postgresql, as the
    # embedded server of `make demo` and `portal db start` gives)
    on_socket = any(q.startswith("host=/") for q in parts.query.split("&"))
    if parts.scheme in ("postgres", "postgresql") and (parts.hostname or on_socket):
        return value
    raise ConfigError(
        "PORTAL_DATABASE_URL must be a PostgreSQL URL: postgresql://user@host:port/database "
        "(`portal db start` starts an embedded server and prints its URL)"
    )


def _secret(env: Mapping[str, str], name: str) -> str:
    value = _required(env, name)
    if len(value) < 32:
        raise ConfigError(f"{name} must be at least 32 characters of random text")
    return value


def _role_map(value: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in value.split(","))):
        claim_value, sep, role = pair.partition("=")
        if not sep or not claim_value.strip() or not role.strip():
            raise ConfigError(
                "PORTAL_ROLE_MAP must be comma-separated claim=role pairs, "
                f"such as Derby.Practitioner=derby.practitioner (got {pair!r})"
            )
        mapping[claim_value.strip()] = role.strip()
    return mapping


def _areas(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()  # every installed area plugin
    areas = tuple(dict.fromkeys(a.strip().lower() for a in value.split(",") if a.strip()))
    if not areas:
        raise ConfigError("PORTAL_AREAS must name at least one area, such as derby,derbyshire")
    return areas


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, "").strip() or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of: {', '.join(choices)}")
    return value
