"""Recurring multi-agency meetings with an agenda of cases and a decision per
case: the building block both areas' Vulnerable Children's Meetings use."""
