"""Every core table, in dependency order (migrations and table binding use this)."""

from portal.access.tables import BreakGlassGrant
from portal.assessments.tables import (
    Assessment,
    AssessmentAppendix,
    AssessmentSection,
    AssessmentVersion,
    SectionDraft,
)
from portal.audit.tables import AuditEvent, AuditSeal
from portal.auth.tables import LoginAttempt, PortalSession, PortalUser
from portal.case_audit.tables import CaseAuditFinding, CaseAuditSample
from portal.closure.tables import Closure
from portal.consent.tables import ConsentRecord, ConsentWithdrawal
from portal.consultations.tables import Consultation
from portal.escalation.tables import SocialCareReferral, StepDown
from portal.families.tables import AreaTransfer, Family, Person, PersonSearchKey, Relationship
from portal.kept.tables import KeptForm
from portal.lead.tables import LeadDisagreement, LeadSpell, LeadTransfer
from portal.meetings.tables import AgendaItem, Meeting, MeetingAttendance, MeetingSeries
from portal.notify.tables import Notification, OutboxEmail
from portal.sharing.tables import SharingDecision
from portal.taf.tables import (
    FamilyGoal,
    GoalChange,
    GoalScore,
    MeetingAttendee,
    PlanAction,
    TafMeeting,
    TafMember,
)
from portal.teams.tables import QueueEntry, TeamMember
from portal.workdays.tables import BankHolidayOverride

CORE_TABLES = (
    PortalUser,
    PortalSession,
    LoginAttempt,
    AuditEvent,
    AuditSeal,
    Family,
    Person,
    PersonSearchKey,
    Relationship,
    AreaTransfer,
    ConsentRecord,
    ConsentWithdrawal,
    SharingDecision,
    Consultation,
    LeadSpell,
    LeadTransfer,
    LeadDisagreement,
    TafMember,
    BreakGlassGrant,
    BankHolidayOverride,
    Assessment,
    AssessmentSection,
    SectionDraft,
    AssessmentVersion,
    AssessmentAppendix,
    TafMeeting,
    MeetingAttendee,
    FamilyGoal,
    GoalChange,
    PlanAction,
    GoalScore,
    SocialCareReferral,
    StepDown,
    Closure,
    Notification,
    OutboxEmail,
    KeptForm,
    QueueEntry,
    TeamMember,
    MeetingSeries,
    Meeting,
    AgendaItem,
    MeetingAttendance,
    CaseAuditSample,
    CaseAuditFinding,
)
