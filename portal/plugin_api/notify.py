"""Telling a practitioner something, in the portal and by email.

The names area plugins may use, and the core keeps stable."""

from portal.notify.service import notify

__all__ = ["notify"]
