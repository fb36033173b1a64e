"""The bottom floor: what every capability stands on.

The current user, the clock, date formatting, idempotent and versioned
writes, the form base and the core's own domain errors. Nothing here imports
a capability (import-linter holds it so); capabilities import from here.
"""
