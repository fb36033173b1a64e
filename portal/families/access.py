"""What a user's access to a family's record allows: the reasons a record may
be opened, and which of them allow changes. The access service decides the
reason; every capability's pages read the decision from here."""

from __future__ import annotations

from dataclasses import dataclass

from portal.families.tables import Family
from portal.kernel.errors import NotAllowed

REASONS = {
    "lead": "You are the lead practitioner",
    "creator": "You recorded this family",
    "taf": "You are in the Team Around the Family",
    "proposed_lead": "You have been asked to become the lead practitioner",
    "area_manager": "You are an area manager",
    "queue": "A request for this family is with a team you work in",
    "break_glass": "Emergency access (break-glass)",
}

# Reasons that let a user change the record. Emergency access is for reading
# only: it must never turn into lead access or allow writes (issue 22). A
# proposed lead reads until they accept (answering the proposal is its own
# permission, checked by the lead service against the proposal itself).
CHANGE_REASONS = frozenset({"lead", "creator", "taf", "area_manager", "queue"})
READ_ONLY_MESSAGE = (
    "Emergency access does not allow changes. If you think a child may be at risk of "
    "significant harm, contact Children's Social Care now, and tell the lead practitioner"
)


@dataclass(frozen=True)
class FamilyAccess:
    family: Family
    reason: str  # a key of REASONS

    @property
    def explanation(self) -> str:
        return REASONS[self.reason]

    @property
    def is_manager(self) -> bool:
        return self.reason == "area_manager"

    @property
    def may_change(self) -> bool:
        """Whether this reason lets the user change the record (not break-glass)."""
        return self.reason in CHANGE_REASONS


class ReadOnlyAccess(NotAllowed):
    """The user may read the record (emergency access) but not change it."""

    def __init__(self, reason: str) -> None:
        message = (
            "You have been asked to become the lead practitioner: accept first to make changes"
            if reason == "proposed_lead"
            else READ_ONLY_MESSAGE
        )
        super().__init__(message)
