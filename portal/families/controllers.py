"""Family pages: find before create, record a family, the family record,
household and person edits, relationships, moving area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.access.service import relationships
from portal.areas import FamilyArrival
from portal.audit import service as audit
from portal.audit.tables import AuditEvent
from portal.consent import service as consent
from portal.families import forms, matching, service
from portal.families.access import FamilyAccess
from portal.families.cards import area_card, practice_cards
from portal.families.tables import AreaTransfer, Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import StaleVersion
from portal.kernel.forms import Form, new_form_key
from portal.kernel.users import CurrentUser, can_see_access_history, is_area_manager
from portal.lead import service as lead
from portal.plugins import call_for_area, enabled_areas
from portal.sharing import service as sharing
from portal.web.handlers import areas_by_slug, locality_name, see_other, user_of

SEARCH_WINDOW = timedelta(minutes=10)  # PORTAL_SEARCH_LIMIT searches per user in this long
RELATIONSHIPS = (
    ("parent_of", "is a parent of"),
    ("carer_of", "is a carer of"),
    ("step_parent_of", "is a step-parent of"),
    ("grandparent_of", "is a grandparent of"),
    ("sibling_of", "is a sibling of"),
    ("half_sibling_of", "is a half-sibling of"),
    ("partner_of", "is the partner of"),
    ("other", "is related in another way to"),
)


def my_areas(request: Request[Any, Any, Any], user: CurrentUser) -> list[Any]:
    return [a for a in enabled_areas(request.app.state.plugin_manager) if a.slug in user.areas]


@get("/families/find", name="find_family")
async def find_form(request: Request[Any, Any, Any]) -> Template:
    return Template("families/find.html", context={"form": Form(), "searched": False})


class SearchLimitReached(HTTPException):
    status_code = 429


async def check_search_rate(request: Request[Any, Any, Any], via: str = "search") -> None:
    user = user_of(request)
    limit = request.app.state.settings.search_limit
    recent = await AuditEvent.count().where(
        (AuditEvent.actor_user_id == user.id)
        & (AuditEvent.action == "family_search")
        & (AuditEvent.at > now_utc() - SEARCH_WINDOW)
    )
    if recent >= limit:
        await audit.record("family_search", "refused", actor=user, reason="rate limit", via=via)
        raise SearchLimitReached(
            detail=f"You have searched {limit} times in the last 10 minutes. "
            "Wait a few minutes, then try again. If you need to search more often, "
            "contact your portal administrator.",
        )


async def duplicate_check(
    request: Request[Any, Any, Any],
    query: matching.PersonDetails,
    exclude_family: int | None = None,
) -> list[dict[str, Any]]:
    """The duplicate warning of a create form is a search like any other: it
    counts towards the same limit and is audited as one (issue 22, finding 4).
    Over the limit it raises SearchLimitReached."""
    user = user_of(request)
    await check_search_rate(request, via="duplicate check")
    found = await service.find_candidates(query, exclude_family=exclude_family)
    summaries = await match_summaries(user, found)
    await audit.record(
        "family_search", "success", actor=user, results=len(summaries), via="duplicate check"
    )
    return summaries


def limit_reached(form: Form, error: SearchLimitReached) -> None:
    """Over the limit, the form comes back with what was typed and says why."""
    form.error("given_names", str(error.detail))


def read_search(form: Form) -> matching.PersonDetails | None:
    given = form.text("given_names", "Enter the child's first name", label="First name")
    family_name = form.text("family_name", "Enter the child's last name", label="Last name")
    dob = form.date("dob", "the child's date of birth", required=False, when="any")
    postcode = form.text("postcode", max_length=10)
    nhs = form.text("nhs_number", max_length=12, label="NHS number")
    if nhs and not matching.valid_nhs_number(nhs):
        form.error("nhs_number", "Enter a valid NHS number, like 943 476 5919")
    if not form.ok:
        return None
    return matching.PersonDetails(
        given_names=given,
        family_name=family_name,
        date_of_birth=dob,
        postcode=postcode,
        nhs_number=nhs,
    )


@post("/families/find", name="find_family_results")
async def find(request: Request[Any, Any, Any]) -> Template:
    """Searches are POSTed: no names or dates of birth in URLs or logs."""
    user = user_of(request)
    await check_search_rate(request)
    form = await Form.read(request)
    query = read_search(form)
    if query is None:
        return Template("families/find.html", context={"form": form}, status_code=422)
    results = await match_summaries(user, await service.find_candidates(query))
    await audit.record("family_search", "success", actor=user, results=len(results))
    return Template(
        "families/find.html",
        context={
            "form": form,
            "searched": True,
            "results": results,
            "areas": areas_by_slug(request),
            "new_key": new_form_key(),
        },
    )


def new_family_context(request: Request[Any, Any, Any], form: Form, **extra: Any) -> dict[str, Any]:
    user = user_of(request)
    areas = my_areas(request, user)
    return {
        "form": form,
        "places": forms.locality_choices(areas),
        "genders": forms.GENDERS,
        **extra,
    }


@get("/families/new", name="new_family")
async def new_family(request: Request[Any, Any, Any]) -> Template:
    form = Form({"form_key": new_form_key()})
    return Template("families/new.html", context=new_family_context(request, form))


@post("/families/new", name="new_family_from_search")
async def new_family_from_search(request: Request[Any, Any, Any]) -> Template:
    """The create form, filled with what was searched for (carried by POST, not the URL)."""
    searched = await Form.read(request)
    keep = ("given_names", "family_name", "postcode", "nhs_number", "form_key")
    values = {k: searched.get(k) for k in keep}
    values.update({f"dob-{p}": searched.get(f"dob-{p}") for p in ("day", "month", "year")})
    return Template("families/new.html", context=new_family_context(request, Form(values)))


@post("/families", name="create_family")
async def create_family(request: Request[Any, Any, Any]) -> Template | Redirect:
    user = user_of(request)
    form = await Form.read(request)
    household = forms.read_household(form, my_areas(request, user))
    child = forms.read_person(form, role="child")
    if household is None or child is None:
        return Template(
            "families/new.html", context=new_family_context(request, form), status_code=422
        )
    if form.get("confirm_new") != "yes":
        query = service.details_of(child.columns(), household.postcode)
        try:
            duplicates = await duplicate_check(request, query)
        except SearchLimitReached as limit:
            limit_reached(form, limit)
            return Template(
                "families/new.html", context=new_family_context(request, form), status_code=429
            )
        if duplicates:
            return Template(
                "families/new.html",
                context=new_family_context(request, form, duplicates=duplicates),
            )
    family_id = await service.create_family(user, household, child, form.get("form_key"))
    return see_other(f"/families/{family_id}")


async def match_summaries(
    user: CurrentUser, found: list[tuple[dict[str, Any], dict[str, Any], matching.Match]]
) -> list[dict[str, Any]]:
    """Likely matches grouped by family, with only what this user may see:
    the matching people only where they have a relationship with the family,
    otherwise just that it is known, its area and its lead practitioner."""
    leads = await lead.leads_of(sorted({f["id"] for _, f, _ in found}))
    families = {f["id"]: Family(**f) for _, f, _ in found}
    access_to = await relationships(user, list(families.values()))
    summaries: dict[int, dict[str, Any]] = {}
    for person, family, match in found:
        entry = summaries.get(family["id"])
        if entry is None:
            access = access_to[family["id"]]
            entry = {"family": family, "lead": leads.get(family["id"]), "access": access}
            entry["people"] = []
            summaries[family["id"]] = entry
        if entry["access"]:
            entry["people"].append({"person": person, "match": match})
    return list(summaries.values())


@get("/families/{family_id:int}", name="family")
async def family_record(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    user = user_of(request)
    access = family_access
    family = access.family
    people = await service.people_of(family.id)
    names = {p.id: f"{p.given_names} {p.family_name}" for p in people}
    relationships = [
        {**r, "person_name": names.get(r["person"]), "relative_name": names.get(r["relative"])}
        for r in await service.relationships_of(family.id)
    ]
    consents = await consent.consent_history(family.id)
    lead_history = await lead.history(family.id)
    areas = areas_by_slug(request)
    return Template(
        "families/record.html",
        context={
            **await practice_cards(family, user),
            "area_card": await area_card(request.app.state.plugin_manager, family, user),
            "access": access,
            "read_only": not access.may_change,  # emergency access: no change links
            "family": family,
            "place": locality_name(areas, family.area, family.locality),
            "people": people,
            "relationships": relationships,
            "relationship_labels": dict(RELATIONSHIPS),
            "roles": service.ROLES,
            "genders": dict(forms.GENDERS),
            "consents": consents,
            "consent_labels": consent,
            "in_force": consent.in_force,
            "sharing": await sharing.timeline(family.id),
            "sharing_labels": sharing,
            "lead": await lead.lead_of(family),
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
                for t in await service.transfers_of(family.id)
            ],
            "can_manage_lead": family.lead_practitioner in (None, user.id)
            or is_area_manager(user, family.area),
            "can_see_history": can_see_access_history(user, family.area),
        },
    )


def area_of(request: Request[Any, Any, Any], family: Family) -> list[Any]:
    return [a for a in enabled_areas(request.app.state.plugin_manager) if a.slug == family.area]


def household_context(
    request: Request[Any, Any, Any], family: Family, form: Form
) -> dict[str, Any]:
    places = forms.locality_choices(area_of(request, family))
    return {"family": family, "form": form, "places": places}


@get("/families/{family_id:int}/household", name="edit_household")
async def edit_household(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    return Template(
        "families/household.html",
        context=household_context(request, family, forms.household_form(family)),
    )


@post("/families/{family_id:int}/household", name="save_household")
async def save_household(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    family = family_access.family
    form = await Form.read(request)
    household = forms.read_household(form, area_of(request, family))
    if household is None:
        return Template(
            "families/household.html",
            context=household_context(request, family, form),
            status_code=422,
        )
    try:
        await service.update_household(user_of(request), family, forms.version_of(form), household)
    except StaleVersion as stale:
        saved = forms.household_form(stale.current)
        return conflict(
            request,
            form,
            saved,
            fields=[
                ("place", "Locality"),
                ("address_line_1", "Address line 1"),
                ("address_line_2", "Address line 2"),
                ("town", "Town or city"),
                ("postcode", "Postcode"),
            ],
            action=f"/families/{family.id}/household",
            back=f"/families/{family.id}",
        )
    return see_other(f"/families/{family.id}#household")


def conflict(
    request: Request[Any, Any, Any],
    yours: Form,
    saved: Form,
    fields: list[tuple[str, str]],
    action: str,
    back: str,
) -> Template:
    """Someone saved first: show both versions side by side; the form below
    keeps every change this user typed, ready to save over the new version."""
    rows = [
        {
            "label": label,
            "yours": yours.get(name),
            "saved": saved.get(name),
            "differs": yours.get(name) != saved.get(name),
        }
        for name, label in fields
    ]
    resubmit = {**yours.values, "version": saved.get("version")}
    return Template(
        "errors/conflict.html",
        context={"rows": rows, "resubmit": resubmit, "action": action, "back": back},
        status_code=409,
    )


def person_context(family: Family, form: Form, **extra: Any) -> dict[str, Any]:
    return {
        "family": family,
        "form": form,
        "roles": list(service.ROLES.items()),
        "genders": forms.GENDERS,
        **extra,
    }


@get("/families/{family_id:int}/people/new", name="new_person")
async def new_person(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    form = Form({"form_key": new_form_key(), "family_name": ""})
    return Template("families/person.html", context=person_context(family, form))


@post("/families/{family_id:int}/people", name="add_person")
async def add_person(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    form = await Form.read(request)
    person = forms.read_person(form)
    if person is None:
        return Template(
            "families/person.html", context=person_context(family, form), status_code=422
        )
    if form.get("confirm_new") != "yes":
        query = service.details_of(person.columns(), family.postcode)
        try:
            duplicates = await duplicate_check(request, query, exclude_family=family.id)
        except SearchLimitReached as limit:
            limit_reached(form, limit)
            return Template(
                "families/person.html", context=person_context(family, form), status_code=429
            )
        if duplicates:
            return Template(
                "families/person.html",
                context=person_context(family, form, duplicates=duplicates),
            )
    person_id = await service.add_person(user, family, person, form.get("form_key"))
    return see_other(f"/families/{family.id}#person-{person_id}")


@get("/families/{family_id:int}/people/{person_id:int}", name="edit_person")
async def edit_person(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    person_id: FromPath[int],
) -> Template:
    family = change_access.family
    person = await service.person_in(family, person_id)
    return Template(
        "families/person.html",
        context=person_context(family, forms.person_form(person), person=person),
    )


PERSON_FIELDS = [
    ("given_names", "First names"),
    ("family_name", "Last name"),
    ("other_names", "Other names"),
    ("role", "Role in the family"),
    ("dob-day", "Date of birth: day"),
    ("dob-month", "Date of birth: month"),
    ("dob-year", "Date of birth: year"),
    ("expected-day", "Expected date: day"),
    ("expected-month", "Expected date: month"),
    ("expected-year", "Expected date: year"),
    ("gender", "Gender"),
    ("nhs_number", "NHS number"),
    ("unique_pupil_number", "Unique Pupil Number"),
    ("address", "Address"),
]


@post("/families/{family_id:int}/people/{person_id:int}", name="save_person")
async def save_person(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    person_id: FromPath[int],
) -> Template | Redirect:
    family = family_access.family
    saved_person = await service.person_in(family, person_id)
    form = await Form.read(request)
    data = forms.read_person(form)
    if data is None:
        return Template(
            "families/person.html",
            context=person_context(family, form, person=saved_person),
            status_code=422,
        )
    try:
        await service.update_person(
            user_of(request), family, person_id, forms.version_of(form), data
        )
    except StaleVersion as stale:
        return conflict(
            request,
            form,
            forms.person_form(stale.current),
            PERSON_FIELDS,
            action=f"/families/{family.id}/people/{person_id}",
            back=f"/families/{family.id}",
        )
    return see_other(f"/families/{family.id}#person-{person_id}")


@get("/families/{family_id:int}/relationships/new", name="new_relationship")
async def new_relationship(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    form = Form({"form_key": new_form_key()})
    return Template("families/relationship.html", context=await relationship_context(family, form))


async def relationship_context(family: Family, form: Form) -> dict[str, Any]:
    people = [
        (str(p.id), f"{p.given_names} {p.family_name}") for p in await service.people_of(family.id)
    ]
    return {"family": family, "form": form, "people": people, "kinds": RELATIONSHIPS}


@post("/families/{family_id:int}/relationships", name="add_relationship")
async def add_relationship(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    family = family_access.family
    form = await Form.read(request)
    context = await relationship_context(family, form)
    ids = [p for p, _ in context["people"]]
    person = form.choice("person", ids, "Select a person")
    kind = form.choice("relationship", [k for k, _ in RELATIONSHIPS], "Select the relationship")
    relative = form.choice("relative", ids, "Select who they are related to")
    if person and relative and person == relative:
        form.error("relative", "Select a different person: someone cannot be related to themselves")
    if not form.ok:
        return Template("families/relationship.html", context=context, status_code=422)
    await service.add_relationship(
        user_of(request), family, int(person), int(relative), kind, form.get("form_key")
    )
    return see_other(f"/families/{family.id}#relationships")


def move_choices(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    return forms.locality_choices(enabled_areas(request.app.state.plugin_manager))


@get("/families/{family_id:int}/move", name="move_family")
async def move_form(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    access = change_access
    require_lead_or_manager(user_of(request), access.family)
    form = Form({"version": str(access.family.version)})
    return Template(
        "families/move.html",
        context={"family": access.family, "form": form, "places": move_choices(request)},
    )


def require_lead_or_manager(user: CurrentUser, family: Family) -> None:
    if family.lead_practitioner != user.id and not is_area_manager(user, family.area):
        raise PermissionDeniedException(
            "Only the family's lead practitioner or an area manager can move the family"
        )


@post("/families/{family_id:int}/move", name="save_move")
async def save_move(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    require_lead_or_manager(user, family)
    form = await Form.read(request)
    choices = move_choices(request)
    place = form.choice("place", [v for v, _ in choices], "Select where the family has moved to")
    if place == f"{family.area}:{family.locality}":
        form.error("place", "Select a different locality from the family's current one")
    reason = form.text("reason", "Enter why the family is moving", max_length=2000, label="Reason")
    if not form.ok:
        return Template(
            "families/move.html",
            context={"family": family, "form": form, "places": choices},
            status_code=422,
        )
    to_area, to_locality = place.split(":", 1)
    manager = request.app.state.plugin_manager

    def tell_receiving_area(transfer: AreaTransfer) -> None:
        call_for_area(
            manager,
            to_area,
            "portal_family_arrived",
            arrival=FamilyArrival(
                family_id=family.id,
                transfer_id=transfer.id,
                from_area=transfer.from_area,
                from_locality=transfer.from_locality,
                to_locality=transfer.to_locality,
            ),
        )

    try:
        await service.move_family(
            user, family, forms.version_of(form), to_area, to_locality, reason, tell_receiving_area
        )
    except StaleVersion:
        return see_other(f"/families/{family.id}/move?stale=1")
    if to_area not in user.areas:
        return see_other("/?moved=1")
    return see_other(f"/families/{family.id}#moves")


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


FAMILY_HANDLERS = [
    find_form,
    find,
    new_family,
    new_family_from_search,
    create_family,
    family_record,
    edit_household,
    save_household,
    new_person,
    add_person,
    edit_person,
    save_person,
    new_relationship,
    add_relationship,
    move_form,
    save_move,
    my_families,
]
