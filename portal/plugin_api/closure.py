"""Closing a family's early help episode.

The names area plugins may use, and the core keeps stable."""

from portal.closure.service import EpisodeClosed, history, require_open

__all__ = ["EpisodeClosed", "history", "require_open"]
