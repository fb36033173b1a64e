"""What Starting Point's modules share: the area's names for its queue, roles
and districts, its words for request types, decisions and statuses, UK times,
and the error a rule raises. Only ``portal.plugin_api`` is used from the core."""

from __future__ import annotations

from datetime import datetime

from portal.plugin_api import format_slot
from portal_derbyshire.area import DISTRICTS

AREA = "derbyshire"
KIND = "sp_request"
QUEUE = "starting_point"
STARTING_POINT = "derbyshire.starting_point"
SENIOR = "derbyshire.senior_practitioner"
SP_ROLES = (STARTING_POINT, SENIOR)
ADVISOR = "derbyshire.advisor"
VCM_CHAIR = "derbyshire.vcm_chair"
MANAGER = "derbyshire.area_manager"
PRACTITIONER = "derbyshire.practitioner"
AGENCY = "Starting Point"  # the agency a consent to share must name

REQUEST_TYPES = {
    "service": "A service, for example support from the Early Help Team",
    "advice": "Advice",
    "information": "Information",
}
CONSENT_BASES = {
    "consent": "The family consented to sharing with Starting Point",
    "not_sought": "Safeguarding concern: consent was not sought",
    "refused": "Safeguarding concern: consent was refused",
}
TRIAGE = {
    "advice": "Give information and advice",
    "redirect": "Redirect to another service",
    "initial_contact": "Create an Initial Contact for a Senior Practitioner to screen",
}
SCREENING = {
    "vcm": (
        "Early Help Assessment and planning through a Lead Practitioner in the Early Help "
        "Team: allocate at the locality Vulnerable Children's Meeting"
    ),
    "advisor": "An Early Help Advisor supports the referring agency to provide early help",
    "no_further_action": "No further action",
    "social_care": "Referral to Children's Social Care for assessment by a social worker",
}
STATUSES = {  # status: (label, GOV.UK tag colour)
    "with_starting_point": ("With Starting Point", "govuk-tag--blue"),
    "advised": ("Advice given", "govuk-tag--grey"),
    "redirected": ("Redirected", "govuk-tag--grey"),
    "initial_contact": ("Initial Contact: screening", "govuk-tag--yellow"),
    "at_vcm": ("To be allocated at the VCM", "govuk-tag--purple"),
    "allocated": ("Allocated to a Lead Practitioner", "govuk-tag--green"),
    "advisor": ("Early Help Advisor supporting", "govuk-tag--green"),
    "closed": ("No further action", "govuk-tag--grey"),
    "social_care": ("Referred to Children's Social Care", "govuk-tag--red"),
}
OPEN_STATUSES = ("with_starting_point", "initial_contact")
VCM_OUTCOMES = {
    "allocate": "Allocate to a Lead Practitioner",
    "advisor": "Early Help Advisor to support the referrer",
    "no_further_action": "No further action",
    "social_care": "Refer to Children's Social Care",
}


class RequestError(Exception):
    """A change the rules do not allow now; the message says why."""


def district_slug(name: str) -> str:
    return name.lower().replace(" ", "-")


DISTRICT_NAMES = {district_slug(name): name for name in DISTRICTS}


def vcm_series_key(district: str) -> str:
    return f"{AREA}:vcm:{district}"


def eht_team(district: str) -> str:
    return f"eht:{district}"


def uk_time(moment: datetime) -> str:
    """ "Tuesday 3 March 2026 at 2:05pm": a meeting slot, in the core's style."""
    return format_slot(moment)
