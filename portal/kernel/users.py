"""The signed-in practitioner as every capability sees them, and their area roles."""

from __future__ import annotations

from dataclasses import dataclass

AREA_MANAGER = "area_manager"
AUDITOR = "auditor"


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in practitioner, as handlers and plugins see them."""

    id: int
    display_name: str
    email: str
    organisation: str
    roles: frozenset[str]
    identity_key: str = ""  # "<iss> <sub>", recorded in the audit trail

    @property
    def areas(self) -> frozenset[str]:
        """Area slugs this user holds a role in ("derby.spa_clerk" -> "derby")."""
        return frozenset(role.split(".", 1)[0] for role in self.roles if "." in role)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


def is_area_manager(user: CurrentUser, area: str) -> bool:
    return user.has_role(f"{area}.{AREA_MANAGER}")


def can_see_access_history(user: CurrentUser, area: str) -> bool:
    return user.has_role(f"{area}.{AREA_MANAGER}", f"{area}.{AUDITOR}")
