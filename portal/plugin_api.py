"""The only module area plugins import from the core."""

import pluggy

from portal.areas import (
    AreaDescription,
    Contact,
    FamilyArrival,
    Locality,
    NavigationItem,
    SocialCareRoute,
)
from portal.auth.service import CurrentUser
from portal.hookspecs import PROJECT_NAME
from portal.web.guards import require_role

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = [
    "AreaDescription",
    "Contact",
    "CurrentUser",
    "FamilyArrival",
    "Locality",
    "NavigationItem",
    "SocialCareRoute",
    "hookimpl",
    "require_role",
]
