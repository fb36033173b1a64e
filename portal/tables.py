"""Every core table, in dependency order (migrations and table binding use this)."""

from portal.access.tables import BreakGlassGrant
from portal.audit.tables import AuditEvent
from portal.auth.tables import LoginAttempt, PortalSession, PortalUser
from portal.consent.tables import ConsentRecord, ConsentWithdrawal
from portal.families.tables import AreaTransfer, Family, Person, PersonSearchKey, Relationship
from portal.lead.tables import LeadDisagreement, LeadSpell, LeadTransfer
from portal.sharing.tables import SharingDecision
from portal.taf.tables import TafMember

CORE_TABLES = (
    PortalUser,
    PortalSession,
    LoginAttempt,
    AuditEvent,
    Family,
    Person,
    PersonSearchKey,
    Relationship,
    AreaTransfer,
    ConsentRecord,
    ConsentWithdrawal,
    SharingDecision,
    LeadSpell,
    LeadTransfer,
    LeadDisagreement,
    TafMember,
    BreakGlassGrant,
)
