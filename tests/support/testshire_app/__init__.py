"""Testshire's own Piccolo app: its table and the migration that makes it."""
