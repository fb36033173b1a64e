"""ID-token verification: every forged or stale token is refused (SECURITY.md 3, 4)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from portal.auth.oidc import OidcClient, OidcError
from portal.settings import Settings

CLIENT_ID = "early-help-portal"
NONCE = "nonce-123"


class Provider:
    """A minimal real HTTP server publishing discovery and a JWKS we control."""

    def __init__(self) -> None:
        self.keys = [RSAKey.generate_key(2048, parameters={"kid": "key-1"})]
        self.jwks_hits = 0
        self.discovery_issuer: str | None = None
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    body: dict[str, Any] = {
                        "issuer": provider.discovery_issuer or provider.issuer,
                        "authorization_endpoint": f"{provider.issuer}/auth",
                        "token_endpoint": f"{provider.issuer}/token",
                        "jwks_uri": f"{provider.issuer}/jwks",
                    }
                elif self.path == "/jwks":
                    provider.jwks_hits += 1
                    body = {"keys": [k.as_dict(private=False) for k in provider.keys]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        # serve_forever polls for shutdown every 0.5 s by default: every test's
        # teardown waited that long
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "demo-0001",
            "iat": now,
            "exp": now + 300,
            "nonce": NONCE,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self, key: RSAKey | None = None, header: dict[str, Any] | None = None, **overrides: Any
    ) -> str:
        key = key or self.keys[0]
        return jwt.encode(header or {"alg": "RS256", "kid": key.kid}, self.claims(**overrides), key)


@pytest.fixture
def provider() -> Iterator[Provider]:
    instance = Provider()
    yield instance
    instance.server.shutdown()
    instance.server.server_close()


def settings_for(provider: Provider) -> Settings:
    return Settings.from_env(
        {
            "PORTAL_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/unused",
            "PORTAL_OIDC_ISSUER": provider.issuer,
            "PORTAL_OIDC_CLIENT_ID": CLIENT_ID,
            "PORTAL_OIDC_CLIENT_SECRET": "s",
            "PORTAL_SESSION_SECRET": "x" * 40,
        }
    )


def verify(provider: Provider, token: str, nonce: str = NONCE) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        client = OidcClient(settings_for(provider))
        try:
            return await client.verify_id_token(token, nonce=nonce)
        finally:
            await client.aclose()

    return asyncio.run(run())


def b64(data: bytes | dict[str, Any]) -> str:
    raw = json.dumps(data).encode() if isinstance(data, dict) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_good_token_is_accepted(provider: Provider) -> None:
    assert verify(provider, provider.sign())["sub"] == "demo-0001"


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"iss": "https://evil.example"}, "wrong issuer"),
        ({"aud": "another-client"}, "wrong audience"),
        ({"exp": int(time.time()) - 3600}, "expired beyond leeway"),
        ({"nonce": "other-nonce"}, "wrong nonce"),
        ({"nonce": None}, "missing nonce"),
        ({"sub": None}, "missing subject"),
        ({"aud": [CLIENT_ID, "another-client"]}, "several audiences without azp"),
    ],
)
def test_tokens_with_bad_claims_are_refused(
    provider: Provider, overrides: dict[str, Any], why: str
) -> None:
    with pytest.raises(OidcError):
        verify(provider, provider.sign(**overrides))


def test_expiry_within_leeway_is_accepted(provider: Provider) -> None:
    assert verify(provider, provider.sign(exp=int(time.time()) - 30))


def test_alg_none_is_refused(provider: Provider) -> None:
    token = f"{b64({'alg': 'none'})}.{b64(provider.claims())}."
    with pytest.raises(OidcError, match="algorithm"):
        verify(provider, token)


def test_hs256_signed_with_the_rsa_public_key_is_refused(provider: Provider) -> None:
    public_pem = provider.keys[0].as_pem(private=False)
    signing_input = f"{b64({'alg': 'HS256', 'kid': 'key-1'})}.{b64(provider.claims())}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(OidcError, match="algorithm"):
        verify(provider, f"{signing_input}.{b64(signature)}")


def test_embedded_jwk_header_is_not_trusted(provider: Provider) -> None:
    attacker = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
    header = {"alg": "RS256", "kid": "key-1", "jwk": attacker.as_dict(private=False)}
    with pytest.raises(OidcError):
        verify(provider, provider.sign(key=attacker, header=header))


def test_unknown_kid_refetches_the_jwks_once_then_refuses(provider: Provider) -> None:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "key-unknown"})
    with pytest.raises(OidcError, match="key the provider does not publish"):
        verify(provider, provider.sign(key=stranger))
    assert provider.jwks_hits == 1  # a fresh client fetched once; no loop


def test_rotated_key_is_picked_up_by_refetching(provider: Provider) -> None:
    settings_token = provider.sign()
    rotated = RSAKey.generate_key(2048, parameters={"kid": "key-2"})

    async def run() -> None:
        client = OidcClient(settings_for(provider))
        try:
            await client.verify_id_token(settings_token, nonce=NONCE)
            provider.keys.append(rotated)
            claims = await client.verify_id_token(provider.sign(key=rotated), nonce=NONCE)
            assert claims["sub"] == "demo-0001"
            await client.verify_id_token(provider.sign(key=rotated), nonce=NONCE)
        finally:
            await client.aclose()

    asyncio.run(run())
    assert provider.jwks_hits == 2  # once at first use, once for the new kid, then cached


def test_discovery_issuer_must_equal_the_configured_issuer(provider: Provider) -> None:
    provider.discovery_issuer = "https://evil.example"
    with pytest.raises(OidcError, match="discovery issuer"):
        verify(provider, provider.sign())
