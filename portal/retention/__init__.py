"""Retention: how long each kind of record is kept, and disposing of what is due."""
