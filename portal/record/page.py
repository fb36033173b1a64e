"""The family record page, gathering every capability's card, and "My families"."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portal.areas import CARDS_BEFORE_THE_RECORD
from portal.consent import service as consent
from portal.families import forms, service
from portal.families.access import FamilyAccess
from portal.kernel.users import can_see_access_history, is_area_manager
from portal.lead import service as lead
from portal.record.cards import record_cards
from portal.sharing import service as sharing
from portal.web.handlers import areas_by_slug, locality_name, user_of


@get("/families/{family_id:int}", name="family")
async def family_record(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    user = user_of(request)
    access = family_access
    family = access.family
    # The record's own facts and every card's, in one statement.
    cards, facts = await record_cards(
        request.app.state.plugin_manager,
        family,
        user,
        access.reason,
        {
            "household": service.household_fact(family.id),
            "consents": consent.history_fact(family.id),
            "lead": lead.history_fact(family.id, family.lead_practitioner),
            "sharing": sharing.timeline_fact(family.id),
        },
    )
    household = facts["household"]
    people = household.people
    names = {p.id: f"{p.given_names} {p.family_name}" for p in people}
    relationships = [
        {**r, "person_name": names.get(r["person"]), "relative_name": names.get(r["relative"])}
        for r in household.relationships
    ]
    consents = facts["consents"]
    current_lead, lead_history = facts["lead"]
    areas = areas_by_slug(request)
    return Template(
        "families/record.html",
        context={
            "cards": cards,
            "cards_before_the_record": CARDS_BEFORE_THE_RECORD,
            "access": access,
            "read_only": not access.may_change,  # emergency access: no change links
            "family": family,
            "place": locality_name(areas, family.area, family.locality),
            "family_area": areas.get(family.area),
            "people": people,
            "relationships": relationships,
            "relationship_labels": dict(forms.RELATIONSHIPS),
            "roles": service.ROLES,
            "genders": dict(forms.GENDERS),
            "nhs_absent_reasons": dict(forms.NHS_NUMBER_ABSENT),
            "consents": consents,
            "consent_labels": consent,
            "in_force": consent.in_force,
            "sharing": facts["sharing"],
            "sharing_labels": sharing,
            "lead": current_lead,
            "lead_history": lead_history,
            "pending_transfer": next(
                (t for t in lead_history["transfers"] if t["status"] == "pending"), None
            ),
            "transfers": [
                {
                    **t,
                    "from_place": locality_name(areas, t["from_area"], t["from_locality"]),
                    "to_place": locality_name(areas, t["to_area"], t["to_locality"]),
                }
                for t in household.transfers
            ],
            "can_manage_lead": family.lead_practitioner in (None, user.id)
            or is_area_manager(user, family.area),
            "can_see_history": can_see_access_history(user, family.area),
        },
    )


@get("/families", name="my_families")
async def my_families(request: Request[Any, Any, Any]) -> Template:
    user = user_of(request)
    return Template(
        "families/mine.html",
        context={
            "families": await service.families_for(user),
            "areas": areas_by_slug(request),
            "transfers": await lead.transfers_waiting_for(user),
        },
    )


RECORD_HANDLERS = [
    family_record,
    my_families,
]
