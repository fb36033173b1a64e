"""Household and person edits, relationships between people, and moving a
family to another area."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.areas import FamilyArrival
from portal.families import forms, search, service
from portal.families.access import FamilyAccess
from portal.kernel.errors import SearchLimitReached, StaleVersion
from portal.kernel.forms import Form, new_form_key
from portal.kernel.users import CurrentUser, is_area_manager
from portal.plugins import call_for_area, enabled_areas
from portal.record.find import duplicate_check, limit_reached
from portal.web.handlers import see_other, user_of

if TYPE_CHECKING:
    from portal.families.tables import AreaTransfer, Family


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
        "nhs_absent_reasons": forms.NHS_NUMBER_ABSENT,
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
        query = search.details_of(person.columns(), family.postcode)
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
                context=person_context(
                    family,
                    form,
                    duplicates=duplicates,
                    duplicate_who=service.role_noun(person.role),
                ),
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
    return {"family": family, "form": form, "people": people, "kinds": forms.RELATIONSHIPS}


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
    kind = form.choice(
        "relationship", [k for k, _ in forms.RELATIONSHIPS], "Select the relationship"
    )
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


HOUSEHOLD_HANDLERS = [
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
]
