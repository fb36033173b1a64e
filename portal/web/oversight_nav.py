"""Menu items for oversight work: reports, case audits and information requests."""

from __future__ import annotations

from portal.areas import NavigationItem
from portal.kernel.users import CurrentUser

ANALYST = "partnership.analyst"


def oversight_navigation(user: CurrentUser, area_slugs: frozenset[str]) -> list[NavigationItem]:
    items = []
    areas = user.areas & area_slugs
    managed = [area for area in areas if user.has_role(f"{area}.area_manager")]
    if managed or user.has_role(ANALYST):
        items.append(NavigationItem("Reports", "/reports"))
    if any(user.has_role(f"{area}.auditor") for area in areas):
        items.append(NavigationItem("Case audits", "/case-audits"))
    if managed:
        items.append(NavigationItem("Information requests", "/information-requests"))
    return items
