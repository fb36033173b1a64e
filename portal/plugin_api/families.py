"""Families and the people in them.

The names area plugins may use, and the core keeps stable."""

from portal.families.service import child_choices, children_of, families_for, with_children

__all__ = ["child_choices", "children_of", "families_for", "with_children"]
