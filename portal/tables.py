"""Every core table, in dependency order (migrations and table binding use this)."""

from portal.audit.tables import AuditEvent
from portal.auth.tables import LoginAttempt, PortalSession, PortalUser

CORE_TABLES = (PortalUser, PortalSession, LoginAttempt, AuditEvent)
