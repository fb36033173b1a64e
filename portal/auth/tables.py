"""Who may sign in, their server-side sessions, and sign-in attempts in flight."""

from piccolo.columns import Boolean, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class PortalUser(Table, tablename="portal_user"):
    """A person known to the identity provider, keyed by issuer + subject (never email)."""

    id = Serial(primary_key=True)

    identity_key = Varchar(length=800, unique=True)  # "<iss> <sub>"
    issuer = Varchar(length=500)
    subject = Varchar(length=255)
    display_name = Varchar(length=200)
    email = Varchar(length=320, default="")
    organisation = Varchar(length=200, default="")
    roles = Text(default="")  # space-separated portal roles, refreshed at each sign-in
    created_at = Timestamptz()
    last_signed_in_at = Timestamptz(null=True, default=None)
    disabled = Boolean(default=False)


class PortalSession(Table, tablename="portal_session"):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored."""

    id = Serial(primary_key=True)

    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(references=PortalUser, null=False)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    id_token = Text(default="")  # kept for the provider's end-session id_token_hint


class LoginAttempt(Table, tablename="login_attempt"):
    """One sign-in started in one tab: its state, nonce and PKCE verifier.

    Each attempt is its own row, so several tabs signing in at once don't
    overwrite each other; the row is deleted when its callback arrives, so a
    replayed state or code is refused.
    """

    id = Serial(primary_key=True)

    state_hash = Varchar(length=64, unique=True)
    browser_hash = Varchar(length=64, index=True)
    nonce = Varchar(length=100)
    code_verifier = Varchar(length=200)
    return_to = Varchar(length=500, default="/")
    created_at = Timestamptz()
