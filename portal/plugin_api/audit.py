"""The audit trail: every read and change of a family's record is recorded.

The names area plugins may use, and the core keeps stable."""

from portal.audit.service import record

__all__ = ["record"]
