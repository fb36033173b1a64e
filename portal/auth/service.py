"""Sign-in rules: users from ID-token claims, server-side sessions with idle and
absolute time-outs, and one-use sign-in attempts."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.engine.base import Engine

from portal.audit import service as audit
from portal.auth.tables import LoginAttempt, PortalSession, PortalUser
from portal.db import after_commit, contains_ignoring_case, write_transaction
from portal.kernel.clock import now_utc
from portal.kernel.users import CurrentUser
from portal.settings import Settings

LOGIN_ATTEMPT_LIFETIME = timedelta(minutes=10)
# Recording every request's time would make each page a write; a minute's
# precision is plenty for a 30-minute idle time-out.
LAST_SEEN_PRECISION = timedelta(seconds=60)


@dataclass(frozen=True)
class ActiveSession:
    token_hash: str
    user: CurrentUser
    id_token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def map_roles(claim_value: Any, role_map: Mapping[str, str]) -> frozenset[str]:
    """Portal roles from the provider's role claim; unmapped values grant nothing."""
    values: Iterable[Any] = claim_value if isinstance(claim_value, list) else [claim_value]
    return frozenset(role_map[v] for v in values if isinstance(v, str) and v in role_map)


async def upsert_user(
    claims: Mapping[str, Any], settings: Settings, *, signing_in: bool = True
) -> PortalUser:
    """Create the user on first sign-in, refresh their profile and roles after."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    name = str(claims.get("name") or claims.get("preferred_username") or subject)[:200]
    values: dict[Any, Any] = {
        PortalUser.issuer: issuer,
        PortalUser.subject: subject,
        PortalUser.display_name: name,
        PortalUser.email: str(claims.get("email") or "")[:320],
        PortalUser.organisation: str(claims.get(settings.organisation_claim) or "")[:200],
        PortalUser.roles: " ".join(
            sorted(map_roles(claims.get(settings.role_claim), settings.role_map))
        ),
    }
    if signing_in:
        values[PortalUser.last_signed_in_at] = now_utc()
    key = f"{issuer} {subject}"
    user = await PortalUser.objects().get(PortalUser.identity_key == key)
    if user is None:
        user = PortalUser(identity_key=key, created_at=now_utc())
    for column, value in values.items():
        setattr(user, column._meta.name, value)
    await user.save()
    return user


def current_user_from(user: PortalUser) -> CurrentUser:
    """The CurrentUser for a stored user row."""
    return user_from_row(user.to_dict())


async def start_login_attempt(browser_token: str, return_to: str) -> tuple[str, str, str]:
    """Record a new attempt and return its (state, nonce, code_verifier)."""
    state, nonce, verifier = new_token(), new_token(), secrets.token_urlsafe(64)
    await LoginAttempt.delete().where(LoginAttempt.created_at < now_utc() - LOGIN_ATTEMPT_LIFETIME)
    await LoginAttempt(
        state_hash=hash_token(state),
        browser_hash=hash_token(browser_token),
        nonce=nonce,
        code_verifier=verifier,
        return_to=return_to,
        created_at=now_utc(),
    ).save()
    return state, nonce, verifier


async def take_login_attempt(state: str, browser_token: str) -> dict[str, Any] | None:
    """The attempt this browser started with this state, deleted in the same statement,
    so a replayed (or concurrently repeated) callback finds nothing."""
    taken = (
        await LoginAttempt.delete()
        .where(
            (LoginAttempt.state_hash == hash_token(state))
            & (LoginAttempt.browser_hash == hash_token(browser_token))
        )
        .returning(
            LoginAttempt.nonce,
            LoginAttempt.code_verifier,
            LoginAttempt.return_to,
            LoginAttempt.created_at,
        )
    )
    if not taken or taken[0]["created_at"] < now_utc() - LOGIN_ATTEMPT_LIFETIME:
        return None
    return taken[0]  # type: ignore[no-any-return]


async def start_session(engine: Engine, user_id: int, id_token: str, replaces: str | None) -> str:  # type: ignore[type-arg]
    """A brand-new session id at every sign-in (never one the browser offered)."""
    token = new_token()
    async with write_transaction(engine):
        if replaces:
            await PortalSession.delete().where(PortalSession.token_hash == hash_token(replaces))
        await PortalSession(
            token_hash=hash_token(token),
            user=user_id,
            created_at=now_utc(),
            last_seen_at=now_utc(),
            id_token=id_token,
        ).save()
    return token


@dataclass(frozen=True)
class StoredSession:
    """A session row and its user, as one read found them."""

    id: int
    token_hash: str
    created_at: datetime
    last_seen_at: datetime
    id_token: str
    user: CurrentUser
    user_disabled: bool


def user_from_row(row: Mapping[str, Any]) -> CurrentUser:
    """The CurrentUser from a selected row of portal_user's columns."""
    return CurrentUser(
        id=row["id"],
        display_name=row["display_name"],
        email=row["email"],
        organisation=row["organisation"],
        roles=frozenset(row["roles"].split()),
        identity_key=row["identity_key"],
    )


async def keep_alive(stored: StoredSession, settings: Settings) -> ActiveSession | None:
    """The live session, or None after ending one that timed out (idle or
    absolute) or whose user is disabled. The last-seen time is written at most
    once a minute, so most pages stay reads."""
    now = now_utc()
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    absolute_limit = timedelta(hours=settings.session_absolute_hours)
    expired = now - stored.last_seen_at > idle_limit or now - stored.created_at > absolute_limit
    if expired or stored.user_disabled:
        await PortalSession.delete().where(PortalSession.id == stored.id)
        return None
    if now - stored.last_seen_at > LAST_SEEN_PRECISION:
        # After the page's commit: two pages of one session may both write it.
        touch = PortalSession.update({PortalSession.last_seen_at: now}).where(
            PortalSession.id == stored.id
        )
        await after_commit(PortalSession._meta.db, touch)
    return ActiveSession(token_hash=stored.token_hash, user=stored.user, id_token=stored.id_token)


async def end_session(token_hash: str) -> None:
    await PortalSession.delete().where(PortalSession.token_hash == token_hash)


async def end_user_sessions(user_id: int) -> int:
    """End every session of one user (account disabled, or an admin's request)."""
    ended = (
        await PortalSession.delete()
        .where(PortalSession.user == user_id)
        .returning(PortalSession.id)
    )
    return len(ended)


async def list_users(who: str = "", limit: int = 50) -> list[dict[str, Any]]:
    """Portal users by name, optionally those whose name or email contains ``who``."""
    query = PortalUser.select(
        PortalUser.id,
        PortalUser.display_name,
        PortalUser.email,
        PortalUser.organisation,
        PortalUser.roles,
        PortalUser.last_signed_in_at,
        PortalUser.disabled,
    )
    if who:
        pattern = f"%{who}%"
        query = query.where(
            contains_ignoring_case(PortalUser.display_name, pattern)
            | contains_ignoring_case(PortalUser.email, pattern)
        )
    return await query.order_by(PortalUser.display_name).limit(limit)


async def signed_in_among(user_ids: list[int]) -> set[int]:
    """Which of these users have a live session."""
    if not user_ids:
        return set()
    rows = await PortalSession.select(PortalSession.user).where(PortalSession.user.is_in(user_ids))
    return {r["user"] for r in rows}


async def user_summary(user_id: int) -> dict[str, Any] | None:
    """Name, organisation and roles of one user (None if there is none)."""
    row: dict[str, Any] | None = (
        await PortalUser.select(
            PortalUser.id, PortalUser.display_name, PortalUser.organisation, PortalUser.roles
        )
        .where(PortalUser.id == user_id)
        .first()
    )
    return row


async def active_users() -> list[dict[str, Any]]:
    """Every user who may sign in, by name: id, name and roles."""
    return await (
        PortalUser.select(PortalUser.id, PortalUser.display_name, PortalUser.roles)
        .where(PortalUser.disabled == False)  # noqa: E712
        .order_by(PortalUser.display_name)
    )


async def administer_user(admin: CurrentUser, user_id: int, action: str) -> bool:
    """An administrator signs a user out, disables or re-enables them (audited);
    False if there is no such user."""
    if not await PortalUser.exists().where(PortalUser.id == user_id):
        return False
    async with write_transaction(PortalUser._meta.db):
        if action in ("disable", "enable"):
            await PortalUser.update({PortalUser.disabled: action == "disable"}).where(
                PortalUser.id == user_id
            )
        ended = await end_user_sessions(user_id) if action != "enable" else 0
        await audit.record(
            f"user_{action}" if action != "sign_out" else "sessions_ended",
            "success",
            actor=admin,
            record_type="user",
            record_id=user_id,
            sessions_ended=ended,
        )
    return True
