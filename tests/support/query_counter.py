"""Count the SQL statements a request sends.

Piccolo's own hook: an engine with ``log_queries`` on hands every statement it
runs (queries, raw SQL and DDL, in or out of a transaction) to its
``print_query`` method. Engines use __slots__, so the method is swapped on the
engine's class for the duration, recording only this engine's statements.
BEGIN, COMMIT and savepoints go straight to the driver and are not counted.
It also counts the connections taken from the engine's pool (a request should
take one, issue 17), the same way: the pool's class is patched for the while.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

from piccolo.engine.base import Engine


class QueryLog:
    """The statements run while counting (appended from the app's own thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.statements: list[str] = []
        self.connections = 0  # taken from the pool

    def took_connection(self) -> None:
        with self._lock:
            self.connections += 1

    def add(self, statement: str) -> None:
        with self._lock:
            self.statements.append(statement)

    def matching(self, pattern: re.Pattern[str]) -> QueryLog:
        return self._filtered(lambda s: pattern.match(s) is not None)

    def without(self, pattern: re.Pattern[str]) -> QueryLog:
        return self._filtered(lambda s: pattern.match(s) is None)

    def _filtered(self, keep: Callable[[str], bool]) -> QueryLog:
        log = QueryLog()
        log.statements = [s for s in self.statements if keep(s)]
        return log

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return "\n".join(f"{n}. {s[:200]}" for n, s in enumerate(self.statements, 1))


@contextlib.contextmanager
def counting_queries(engine: Engine) -> Iterator[QueryLog]:  # type: ignore[type-arg]
    log = QueryLog()
    original = type(engine).print_query

    def record(self: Any, query_id: int, query: str) -> None:
        if self is engine:
            log.add(query)
        else:  # another engine that asked for logging keeps its printing
            original(self, query_id, query)

    pool = engine.pool  # type: ignore[attr-defined]
    original_acquire = type(pool).acquire

    def acquire(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self is pool:
            log.took_connection()
        return original_acquire(self, *args, **kwargs)

    was_logging = engine.log_queries
    with (
        mock.patch.object(type(engine), "print_query", record),
        mock.patch.object(type(pool), "acquire", acquire),
    ):
        engine.log_queries = True
        try:
            yield log
        finally:
            engine.log_queries = was_logging
