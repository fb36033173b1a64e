"""A throwaway area plugin made of hook functions, for tests of the contract."""

from types import ModuleType
from typing import Any


def fake_area(**hooks: Any) -> ModuleType:
    """A plugin object with these hooks (a module, as real area plugins are)."""
    plugin = ModuleType("fake_area")
    for name, function in hooks.items():
        setattr(plugin, name, function)
    return plugin
