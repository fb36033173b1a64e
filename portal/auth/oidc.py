"""OpenID Connect relying party: discovery, authorization URL, code exchange,
and ID-token verification.

authlib builds the authorization request (PKCE S256, state, nonce) and
exchanges the code; the ID token is verified here with joserfc, with every
check explicit: signature with an allow-listed algorithm and a key from the
provider's JWKS, issuer, audience, expiry, nonce.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portal.settings import Settings

# authlib logs the PKCE code_verifier at DEBUG: keep it quiet whatever the root level.
logging.getLogger("authlib").setLevel(logging.INFO)

ALLOWED_ALGORITHMS = ("RS256", "PS256", "ES256")
CLOCK_LEEWAY_SECONDS = 60
METADATA_TTL_SECONDS = 3600


class OidcError(Exception):
    """Sign-in could not be completed; the message is safe to log (no tokens)."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None


class OidcClient:
    def __init__(self, settings: Settings, http: httpx2.AsyncClient | None = None) -> None:
        self._settings = settings
        self._http = http or httpx2.AsyncClient(timeout=10)
        self._metadata: ProviderMetadata | None = None
        self._metadata_fetched_at = 0.0
        self._keys: KeySet | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def metadata(self) -> ProviderMetadata:
        fresh = time.monotonic() - self._metadata_fetched_at < METADATA_TTL_SECONDS
        if self._metadata and fresh:
            return self._metadata
        url = f"{self._settings.oidc_issuer}/.well-known/openid-configuration"
        document = await self._get_json(url)
        if document.get("issuer") != self._settings.oidc_issuer:
            # A provider may only speak for itself (mix-up attacks): SECURITY.md 4.
            raise OidcError("the provider's discovery issuer does not match PORTAL_OIDC_ISSUER")
        try:
            self._metadata = ProviderMetadata(
                issuer=document["issuer"],
                authorization_endpoint=document["authorization_endpoint"],
                token_endpoint=document["token_endpoint"],
                jwks_uri=document["jwks_uri"],
                end_session_endpoint=document.get("end_session_endpoint"),
            )
        except KeyError as missing:
            raise OidcError(f"the provider's discovery document lacks {missing}") from None
        self._metadata_fetched_at = time.monotonic()
        return self._metadata

    def _client(self) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self._settings.oidc_client_id,
            client_secret=self._settings.oidc_client_secret,
            scope=self._settings.oidc_scopes,
            redirect_uri=self._settings.redirect_uri,
            code_challenge_method="S256",
            timeout=10,
        )

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str) -> str:
        metadata = await self.metadata()
        async with self._client() as client:
            url, _ = client.create_authorization_url(
                metadata.authorization_endpoint,
                state=state,
                nonce=nonce,
                code_verifier=code_verifier,
            )
        return str(url)

    async def exchange_code(self, *, code: str, code_verifier: str) -> str:
        """Swap the authorization code for tokens and return the raw ID token."""
        metadata = await self.metadata()
        try:
            async with self._client() as client:
                token = await client.fetch_token(
                    metadata.token_endpoint, code=code, code_verifier=code_verifier
                )
        except Exception as error:  # authlib raises several types; none carry secrets
            raise OidcError(
                f"the token endpoint refused the code ({type(error).__name__})"
            ) from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("the token response has no ID token")
        return id_token

    async def verify_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        metadata = await self.metadata()
        try:
            header = jws.extract_compact(id_token.encode()).protected
        except (JoseError, ValueError):
            raise OidcError("the ID token is not a signed JWT") from None
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise OidcError(f"the ID token's algorithm {header.get('alg')!r} is not allowed")
        keys = await self._keys_for(header.get("kid"), metadata)
        try:
            token = jwt.decode(id_token, keys, algorithms=list(ALLOWED_ALGORITHMS))
            jwt.JWTClaimsRegistry(
                leeway=CLOCK_LEEWAY_SECONDS,
                iss={"essential": True, "value": metadata.issuer},
                aud={"essential": True, "value": self._settings.oidc_client_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except JoseError as error:
            raise OidcError(f"the ID token was refused ({error.error})") from None
        claims = token.claims
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self._settings.oidc_client_id:
            raise OidcError("the ID token names other audiences without azp for this portal")
        return claims

    async def end_session_url(self, id_token_hint: str) -> str | None:
        metadata = await self.metadata()
        if not metadata.end_session_endpoint:
            return None
        params = {
            "client_id": self._settings.oidc_client_id,
            "post_logout_redirect_uri": self._settings.post_logout_redirect_uri,
        }
        if id_token_hint:
            params["id_token_hint"] = id_token_hint
        return str(httpx2.URL(metadata.end_session_endpoint, params=params))

    async def _keys_for(self, kid: str | None, metadata: ProviderMetadata) -> KeySet:
        """The provider's keys, re-fetched once when a token names a key we don't hold
        (the provider rotated its keys); an unknown key after that is refused."""
        if self._keys is None or not _has_kid(self._keys, kid):
            self._keys = KeySet.import_key_set(await self._get_json(metadata.jwks_uri))  # type: ignore[arg-type]
        if not _has_kid(self._keys, kid):
            raise OidcError("the ID token is signed with a key the provider does not publish")
        return self._keys

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url)
            response.raise_for_status()
            document = response.json()
        except (httpx2.HTTPError, ValueError) as error:
            raise OidcError(f"the identity provider could not be reached ({error!r})") from None
        if not isinstance(document, dict):
            raise OidcError("the identity provider sent something other than a JSON object")
        return document


def _has_kid(keys: KeySet, kid: str | None) -> bool:
    if kid is None:
        return len(keys.keys) == 1
    return any(key.kid == kid for key in keys)
