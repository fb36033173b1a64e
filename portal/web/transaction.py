"""One connection and one transaction per request (issue 17).

Every statement a request runs, from the session lookup to the last audit
event, runs on one connection in one transaction: a read page (GET, HEAD) in a
REPEATABLE READ snapshot, so it is consistent however many statements build it
and whatever lands meanwhile; a change (POST) in READ COMMITTED, so a
versioned save that lost the race finds no row and says so rather than failing.

The transaction ends when the response starts, before its body is sent:
committed for any answer below 500 (refusals and "someone saved first" keep
their audit events), rolled back for a server error or a request that never
answered, so a fault leaves no half-written record. If committing fails, the
response is not sent and the error page is. A read page whose snapshot lost a
write conflict (two pages writing one row at once) is run again, up to
``ATTEMPTS`` times, before its error page is sent.
"""

from __future__ import annotations

import logging

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from piccolo.engine.postgres import PostgresEngine

from portal.db import RequestConnection, RequestTransaction

log = logging.getLogger("portal.transaction")

ATTEMPTS = 3
READS = frozenset({"GET", "HEAD"})


class RunAgain(Exception):
    """A read page's snapshot conflicted with another write: run it again."""


class RequestTransactionMiddleware(ASGIMiddleware):
    """Puts each request on its own connection and transaction (see the module)."""

    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "without_session"  # static files and probes read nothing

    def __init__(self, engine: PostgresEngine) -> None:
        self.engine = engine

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        method = scope["method"]  # type: ignore[typeddict-item]  # HTTP scopes only
        reads = method in READS
        for attempt in range(1, ATTEMPTS + 1):
            try:
                await self.run(scope, receive, send, next_app, reads, reads and attempt < ATTEMPTS)
                return
            except RunAgain:
                log.info("Read page run again after a write conflict (attempt %d)", attempt)

    async def run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        next_app: ASGIApp,
        reads: bool,
        may_repeat: bool,
    ) -> None:
        isolation = "repeatable_read" if reads else "read_committed"
        transaction = RequestTransaction(self.engine, isolation)
        connection: RequestConnection = transaction.connection
        token = self.engine.current_transaction.set(transaction)
        finished = False

        async def finish(commit: bool) -> None:
            nonlocal finished
            if finished:
                return
            finished = True
            self.engine.current_transaction.reset(token)
            await connection.finish(commit)
            if commit:
                await write_bookkeeping(transaction)

        async def send_after_commit(message: Message) -> None:
            if message["type"] == "http.response.start" and not finished:
                failed = message["status"] >= 500
                if failed and may_repeat and connection.conflicted:
                    await finish(commit=False)
                    raise RunAgain
                await finish(commit=not failed)
            await send(message)

        try:
            await next_app(scope, receive, send_after_commit)
        finally:
            await finish(commit=False)  # no response started: keep nothing


async def write_bookkeeping(transaction: RequestTransaction) -> None:
    """The request's ``after_commit`` writes, each on its own: one failing
    (the database gone a moment) costs a last-seen time, never the page."""
    for query in transaction.after_commit:
        try:
            await query
        except Exception as error:
            log.warning("Bookkeeping write failed after commit: %s", type(error).__name__)
