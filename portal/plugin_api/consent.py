"""Consent: recording it, and the gate that asks for it.

The names area plugins may use, and the core keeps stable."""

from portal.consent.service import (
    GIVEN_BY,
    METHODS,
    ConsentRequired,
    NewConsent,
    SafeguardingOverride,
    consent_history,
    covers_agency,
    in_force,
    record_consent,
    require_referral_consent,
)

__all__ = [
    "GIVEN_BY",
    "METHODS",
    "ConsentRequired",
    "NewConsent",
    "SafeguardingOverride",
    "consent_history",
    "covers_agency",
    "in_force",
    "record_consent",
    "require_referral_consent",
]
