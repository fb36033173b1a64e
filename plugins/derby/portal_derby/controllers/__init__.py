"""Derby's pages, mounted under /derby/. Every handler is guarded by a Derby
role, and every family read goes through the core's ``family_for`` (access
checked and audited); a family of another area is a 404."""

from typing import Any

from portal_derby.controllers import (
    area,
    inbox,
    pre_assessments,
    submissions,
    support,
)
from portal_derby.controllers.web import CHAIR, CLERK, DERBY_ROLES, MANAGER, PRACTITIONER

__all__ = ["CHAIR", "CLERK", "DERBY_ROLES", "HANDLERS", "MANAGER", "PRACTITIONER"]

HANDLERS: list[Any] = [
    area.about,
    area.my_submissions,
    area.my_allocations,
    area.vcm_meetings,
    area.family_page,
    pre_assessments.new_pre_assessment,
    pre_assessments.create_pre_assessment,
    pre_assessments.pre_assessment,
    pre_assessments.review_pre_assessment,
    pre_assessments.start_assessment,
    pre_assessments.request_support,
    submissions.new_submission,
    submissions.submit,
    submissions.submission_page,
    submissions.resubmit,
    inbox.inbox,
    inbox.inbox_item,
    inbox.place,
    inbox.return_submission,
    support.support_request,
    support.take_support,
    support.decline_support,
]
