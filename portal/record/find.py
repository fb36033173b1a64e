"""Find before create: search for a child, and record a new family only after
looking (the duplicate check runs again on the create form)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from portal.access.service import relationships
from portal.audit import service as audit
from portal.families import forms, matching, search, service
from portal.kernel.errors import SearchLimitReached
from portal.kernel.forms import Form, new_form_key
from portal.kernel.users import CurrentUser
from portal.plugins import enabled_areas
from portal.web.handlers import areas_by_slug, see_other, user_of


def my_areas(request: Request[Any, Any, Any], user: CurrentUser) -> list[Any]:
    return [a for a in enabled_areas(request.app.state.plugin_manager) if a.slug in user.areas]


@get("/families/find", name="find_family")
async def find_form(request: Request[Any, Any, Any]) -> Template:
    return Template("families/find.html", context={"form": Form(), "searched": False})


async def check_search_rate(request: Request[Any, Any, Any], via: str = "search") -> None:
    """Raises SearchLimitReached (a 429 page, or the form's own error) over the limit."""
    await search.check_search_rate(user_of(request), request.app.state.settings.search_limit, via)


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
    bands = await search.find_in_bands(query, exclude_family=exclude_family)
    summaries = await match_summaries(user, bands)
    await audit_search(user, summaries, via="duplicate check")
    return summaries


async def audit_search(user: CurrentUser, summaries: list[dict[str, Any]], **detail: Any) -> None:
    """The search, and each family it showed in that family's own access
    history (whichever area it is in: its managers and auditors see who
    looked), in one statement."""
    events = [audit.Event("family_search", detail={"results": len(summaries), **detail})]
    events += [
        audit.Event(
            "found_in_search",
            "family",
            s["family"]["id"],
            s["family"]["id"],
            {"band": s["band"], **detail},
        )
        for s in summaries
    ]
    await audit.record_together(events, "success", actor=user)


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
    bands = await search.find_in_bands(query)
    results = await match_summaries(user, bands)
    await audit_search(user, results)
    return Template(
        "families/find.html",
        context={
            "form": form,
            "searched": True,
            "results": results,
            "likely": [r for r in results if r["band"] == search.LIKELY],
            "possible": [r for r in results if r["band"] == search.POSSIBLE],
            "more_possible": bands.more_possible,
            "without_dob": query.date_of_birth is None,
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
        "nhs_absent_reasons": forms.NHS_NUMBER_ABSENT,
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
        query = search.details_of(child.columns(), household.postcode)
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
                context=new_family_context(
                    request,
                    form,
                    duplicates=duplicates,
                    duplicate_who=service.role_noun(child.role),
                ),
            )
    family_id = await service.create_family(user, household, child, form.get("form_key"))
    return see_other(f"/families/{family_id}")


async def match_summaries(user: CurrentUser, bands: search.Bands) -> list[dict[str, Any]]:
    """The candidates grouped by family, likely ones first, each family in the
    band of its best candidate, with only what this user may see: the matching
    people only where they have a relationship with the family, otherwise
    just that it is known, its area and its lead practitioner."""
    found = [(row, search.LIKELY) for row in bands.likely]
    found += [(row, search.POSSIBLE) for row in bands.possible]
    leads = {f["id"]: f["lead_contact"] for (_, f, _), _ in found if f.get("lead_contact")}
    families = {f["id"]: service.family_from_row(f) for (_, f, _), _ in found}
    access_to = await relationships(user, list(families.values()))
    summaries: dict[int, dict[str, Any]] = {}
    for (person, family, match), band in found:
        entry = summaries.get(family["id"])
        if entry is None:
            access = access_to[family["id"]]
            entry = {"family": family, "lead": leads.get(family["id"]), "access": access}
            entry.update(people=[], band=band)
            summaries[family["id"]] = entry
        if entry["access"]:
            entry["people"].append({"person": person, "match": match, "band": band})
    return list(summaries.values())


FIND_HANDLERS = [
    find_form,
    find,
    new_family,
    new_family_from_search,
    create_family,
]
