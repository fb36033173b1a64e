"""What Derby's modules share: the area's names for its inboxes, queues and
localities, its words for statuses and conclusions, UK dates, and the error a
rule raises. Only ``portal.plugin_api`` is used from the core."""

from __future__ import annotations

from portal.plugin_api import consent
from portal_derby.area import DERBY

AREA = "derby"
SUBMISSION = "derby_vcm_submission"  # queue / agenda kind of a submission
ALLOCATION = "derby_allocation"  # the allocated MAT member's entry
SUPPORT_REQUEST = "derby_support_request"  # a pre-assessment's low-level request to the MAT
SUPPORT_TAKEN = "derby_support_taken"  # the MAT member who took such a request on
VCM_AGENCY = "Derby Vulnerable Children's Meeting"
LIGHTHOUSE = "lighthouse"
LOCALITIES = {loc.slug: loc.name for loc in DERBY.localities}

CONCLUSIONS = {
    "single_agency": "Our single-agency action plan should meet the needs",
    "eha_needed": "A full Early Help Assessment is needed",
}
GIVEN_BY = consent.GIVEN_BY
METHODS = consent.METHODS

STATUS_TAGS = {
    "with_clerk": ("With the SPA clerk", "govuk-tag--blue"),
    "returned": ("Returned", "govuk-tag--orange"),
    "on_agenda": ("On the agenda", "govuk-tag--purple"),
    "decided": ("Decided", "govuk-tag--green"),
}


class DerbyError(Exception):
    """A rule stopped the action; the message says what to do instead."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Localities, inboxes and meetings ------------------------------------------


def locality_name(slug: str) -> str:
    return LOCALITIES.get(slug, slug)


def inbox_for(locality: str, significant_disability: bool) -> str:
    return LIGHTHOUSE if significant_disability else f"spa:{locality}"


def inbox_name(inbox: str) -> str:
    if inbox == LIGHTHOUSE:
        return "The Lighthouse"
    return f"the SPA clerk for {locality_name(inbox.removeprefix('spa:'))}"
