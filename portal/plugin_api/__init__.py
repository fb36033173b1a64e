"""The only package area plugins import from the core: the list of what the
core promises to keep stable.

Here: the hook marker, the contract's data types, the request helpers, the
form base, the formatters and the kernel's errors. Core behaviour comes
through one small namespace per capability (``teams``, ``meetings``,
``notify`` ...), each a module of this package naming exactly the service
functions plugins may call; never the whole service module. A test checks
that every exported function and class says what it does in a docstring.
"""

from portal.access.dependencies import family_for
from portal.areas import (
    AgendaDecision,
    AgendaOutcome,
    AreaDescription,
    AreaTeam,
    CardFromFact,
    Contact,
    FamilyArrival,
    FamilyCard,
    FamilyRecord,
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
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser  # foreign-key target for plugin tables
from portal.db import Fact, row_from_json, write_transaction
from portal.demo_hookspecs import DemoAddresses
from portal.families.access import FamilyAccess
from portal.families.tables import Family, Person  # foreign-key targets for plugin tables
from portal.hookspecs import hookimpl
from portal.kernel.clock import UK, now_utc
from portal.kernel.errors import NotAllowed, NotFound, StaleVersion
from portal.kernel.formatting import (
    format_clock,
    format_day,
    format_slot,
    format_weekday,
    format_when,
    in_words,
)
from portal.kernel.forms import Form, new_form_key, whole_number
from portal.kernel.records import once, versioned_update
from portal.kernel.users import CurrentUser
from portal.plugin_api import (
    assessments,
    audit,
    closure,
    consent,
    escalation,
    families,
    lead,
    meetings,
    notify,
    teams,
)
from portal.web.guards import require_area_role, require_role
from portal.web.handlers import see_other, user_of

__all__ = [
    "UK",
    "AgendaDecision",
    "AgendaOutcome",
    "AreaDescription",
    "AreaTeam",
    "CardFromFact",
    "Contact",
    "CurrentUser",
    "DemoAddresses",
    "Fact",
    "Family",
    "FamilyAccess",
    "FamilyArrival",
    "FamilyCard",
    "FamilyRecord",
    "Form",
    "Locality",
    "Measure",
    "MeasureRow",
    "NavigationItem",
    "NotAllowed",
    "NotFound",
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
    "format_clock",
    "format_day",
    "format_slot",
    "format_weekday",
    "format_when",
    "hookimpl",
    "in_words",
    "lead",
    "meetings",
    "new_form_key",
    "notify",
    "now_utc",
    "once",
    "require_area_role",
    "require_role",
    "row_from_json",
    "see_other",
    "teams",
    "user_of",
    "versioned_update",
    "whole_number",
    "write_transaction",
]
