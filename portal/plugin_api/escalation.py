"""Referrals to Children's Social Care.

The names area plugins may use, and the core keeps stable."""

from portal.escalation.service import referrals_of

__all__ = ["referrals_of"]
