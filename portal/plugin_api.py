"""The only module area plugins import from the core.

Plugins reach core behaviour through the service modules re-exported here
(``queues``, ``meetings``, ``notify`` ...), never by importing core packages
themselves: this file is the list of what the core promises to keep stable.
"""

import pluggy

from portal.access.dependencies import family_for
from portal.areas import (
    AgendaDecision,
    AgendaOutcome,
    AreaDescription,
    AreaTeam,
    Contact,
    FamilyArrival,
    FamilyCard,
    Locality,
    Measure,
    MeasureRow,
    NavigationItem,
    RecordItem,
    RecordSection,
    Redaction,
    ReportQuery,
    SocialCareRoute,
)
from portal.assessments import service as assessments
from portal.audit import service as audit
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser  # foreign-key target for plugin tables
from portal.closure import service as closure
from portal.consent import service as consent
from portal.db import write_transaction
from portal.escalation import service as escalation
from portal.families import service as families
from portal.families.access import FamilyAccess
from portal.families.tables import Family, Person  # foreign-key targets for plugin tables
from portal.hookspecs import PROJECT_NAME
from portal.kernel.clock import now_utc
from portal.kernel.errors import StaleVersion
from portal.kernel.forms import Form, new_form_key, whole_number
from portal.kernel.records import once, versioned_update
from portal.kernel.users import CurrentUser
from portal.lead import service as lead
from portal.meetings import service as meetings
from portal.notify import service as notify
from portal.queues import service as queues
from portal.web.guards import require_area_role, require_role
from portal.web.handlers import see_other, user_of
from portal.workdays import service as workdays

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = [
    "AgendaDecision",
    "AgendaOutcome",
    "AreaDescription",
    "AreaTeam",
    "Contact",
    "CurrentUser",
    "Family",
    "FamilyAccess",
    "FamilyArrival",
    "FamilyCard",
    "Form",
    "Locality",
    "Measure",
    "MeasureRow",
    "NavigationItem",
    "Person",
    "PortalUser",
    "RecordItem",
    "RecordSection",
    "Redaction",
    "ReportQuery",
    "SocialCareRoute",
    "StaleVersion",
    "assessments",
    "audit",
    "closure",
    "consent",
    "current_user_from",
    "escalation",
    "families",
    "family_for",
    "hookimpl",
    "lead",
    "meetings",
    "new_form_key",
    "notify",
    "now_utc",
    "once",
    "queues",
    "require_area_role",
    "require_role",
    "see_other",
    "user_of",
    "versioned_update",
    "whole_number",
    "workdays",
    "write_transaction",
]
