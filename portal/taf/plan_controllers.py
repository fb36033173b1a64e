"""Action plan pages: goals (adding, rewording, archiving), actions (adding,
updating: each member their own), the plan with each goal's trend across
reviews, and the plain-English family plan to print."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.audit import service as audit
from portal.closure.service import require_open
from portal.families.access import FamilyAccess
from portal.kernel.errors import NotAllowed, StaleVersion
from portal.kernel.forms import Form, new_form_key
from portal.taf import actions as plan_actions
from portal.taf import goals as plan_goals
from portal.taf import plan, reviews, service
from portal.taf.web import family_name, member_label, number
from portal.web.handlers import see_other, user_of

if TYPE_CHECKING:
    from portal.families.tables import Family


@get("/families/{family_id:int}/taf/plan", name="taf_plan")
async def plan_page(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    user = user_of(request)
    family = family_access.family
    today = service.today_uk()
    the_plan = await plan.plan_of(family.id, today)
    closed = family.status == "closed"  # read-only until it reopens
    latest = await reviews.latest_meeting(family.id)
    return Template(
        "taf/plan.html",
        context={
            "family": family,
            "name": await family_name(family),
            "plan": the_plan,
            "closed": closed,
            "can_manage": service.can_manage(user, family) and not closed,
            "may_update": set()
            if closed
            else {
                a["id"] for a in the_plan.all_actions if plan_actions.may_update(user, family, a)
            },
            "statuses": plan_actions.SHOWN_STATUSES,
            "review": reviews.review_state(latest, today),
            "cancelled_review_on": latest["cancelled_review_on"] if latest else None,
        },
    )


@get("/families/{family_id:int}/taf/plan/print", name="taf_family_plan")
async def family_plan(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    """What the family is told, in words a parent understands: no minutes, no
    professionals' meetings, no practitioners' notes."""
    user = user_of(request)
    family = family_access.family
    today = service.today_uk()
    await audit.record(
        "family_plan_printed",
        "success",
        actor=user,
        record_type="family",
        record_id=family.id,
        family_id=family.id,
        page=request.url.path,
    )
    members = await service.members_of(family.id)
    return Template(
        "taf/family_plan.html",
        context={
            "family": family,
            "name": await family_name(family),
            "plan": await plan.plan_of(family.id, today),
            "members": members,
            "statuses": plan_actions.PLAIN_SHOWN_STATUSES,
            "review": reviews.review_state(await reviews.latest_meeting(family.id), today),
            "today": today,
        },
    )


# Goals -----------------------------------------------------------------------------


def read_goal(form: Form) -> tuple[str, str] | None:
    text = form.text("text", "Enter the goal, in the family's words", max_length=2000, label="Goal")
    know = form.text(
        "how_we_will_know",
        "Enter how everyone will know things are better",
        max_length=2000,
        label="How we will know",
    )
    return (text, know) if form.ok else None


@get("/families/{family_id:int}/taf/goals/new", name="taf_new_goal")
async def new_goal(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    service.require_manager(user_of(request), family)
    require_open(family, plan_goals.GOALS_CLOSED)
    form = Form({"form_key": new_form_key()})
    return Template("taf/goal.html", context={"family": family, "form": form, "goal": None})


@post("/families/{family_id:int}/taf/goals", name="taf_add_goal")
async def add_goal(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    service.require_manager(user, family)
    require_open(family, plan_goals.GOALS_CLOSED)
    form = await Form.read(request)
    goal = read_goal(form)
    if goal is None:
        return Template(
            "taf/goal.html",
            context={"family": family, "form": form, "goal": None},
            status_code=422,
        )
    goal_id = await plan_goals.add_goal(user, family, *goal, form.get("form_key"))
    return see_other(f"/families/{family.id}/taf/plan#goal-{goal_id}")


def goal_form(goal: Any) -> Form:
    return Form(
        {
            "text": goal.text,
            "how_we_will_know": goal.how_we_will_know,
            "version": str(goal.version),
        }
    )


@get("/families/{family_id:int}/taf/goals/{goal_id:int}", name="taf_edit_goal")
async def edit_goal(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    goal_id: FromPath[int],
) -> Template:
    family = family_access.family
    service.require_manager(user_of(request), family)
    require_open(family, plan_goals.GOALS_CLOSED)
    goal = await plan_goals.goal_in(family.id, goal_id)
    return Template(
        "taf/goal.html", context={"family": family, "form": goal_form(goal), "goal": goal}
    )


@post("/families/{family_id:int}/taf/goals/{goal_id:int}", name="taf_save_goal")
async def save_goal(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    goal_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    service.require_manager(user, family)
    require_open(family, plan_goals.GOALS_CLOSED)
    goal = await plan_goals.goal_in(family.id, goal_id)
    form = await Form.read(request)
    read = read_goal(form)
    reason = form.text("reason", max_length=2000, label="Reason")
    if read and read[0] != goal.text and not reason:
        form.error("reason", "Enter why the goal has changed")
    if read is None or not form.ok:
        context = {"family": family, "form": form, "goal": goal}
        return Template("taf/goal.html", context=context, status_code=422)
    try:
        await plan_goals.reword_goal(user, family, goal_id, version_of(form), *read, reason)
    except StaleVersion as stale:
        return conflict(
            form,
            goal_form(stale.current),
            [("text", "Goal"), ("how_we_will_know", "How we will know things are better")],
            action=f"/families/{family.id}/taf/goals/{goal_id}",
            back=f"/families/{family.id}/taf/plan#goal-{goal_id}",
        )
    return see_other(f"/families/{family.id}/taf/plan#goal-{goal_id}")


@post("/families/{family_id:int}/taf/goals/{goal_id:int}/archive", name="taf_archive_goal")
async def archive_goal(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    goal_id: FromPath[int],
) -> Redirect:
    family = family_access.family
    await plan_goals.archive_goal(user_of(request), family, goal_id)
    return see_other(f"/families/{family.id}/taf/plan#archived-goals")


# Actions ---------------------------------------------------------------------------


async def action_context(family: Family, form: Form, **extra: Any) -> dict[str, Any]:
    members = [(str(m["id"]), member_label(m)) for m in await service.members_of(family.id)]
    action = extra.get("action")
    if action and action["owner_removed_at"] is not None:  # kept until someone else is chosen
        members.append((str(action["owner"]), f"{action['owner_name']} (no longer in the team)"))
    goals = await plan_goals.active_goals(family.id)
    return {
        "family": family,
        "form": form,
        "members": members,
        "goals": [(str(g["id"]), f"Goal {g['number']}: {g['text'][:80]}") for g in goals],
        "statuses": list(plan_actions.STATUSES.items()),
        **extra,
    }


def read_action(form: Form, context: dict[str, Any]) -> plan_actions.NewAction | None:
    what = form.text("what", "Enter what will be done", max_length=2000, label="Action")
    owner = form.choice(
        "owner", [m for m, _ in context["members"]], "Select who in the team will do it"
    )
    due_on = form.date("due_on", "the date it will be done by", when="any")
    goal = form.get("goal")
    goal_id = int(goal) if goal in {g for g, _ in context["goals"]} else None
    if not form.ok or due_on is None:
        return None
    return plan_actions.NewAction(what=what, owner_id=int(owner), due_on=due_on, goal_id=goal_id)


@get("/families/{family_id:int}/taf/actions/new", name="taf_new_action")
async def new_action(
    request: Request[Any, Any, Any],
    change_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template:
    family = change_access.family
    service.require_manager(user_of(request), family)
    require_open(family, plan_actions.ADD_CLOSED)
    form = Form({"form_key": new_form_key(), "goal": request.query_params.get("goal", "")})
    return Template("taf/action_new.html", context=await action_context(family, form))


@post("/families/{family_id:int}/taf/actions", name="taf_add_action")
async def add_action(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family = family_access.family
    service.require_manager(user, family)
    require_open(family, plan_actions.ADD_CLOSED)
    form = await Form.read(request)
    context = await action_context(family, form)
    new = read_action(form, context)
    if new is None:
        return Template("taf/action_new.html", context=context, status_code=422)
    action_id = await plan_actions.add_action(user, family, new, form.get("form_key"))
    return see_other(f"/families/{family.id}/taf/plan#action-{action_id}")


def action_form(action: dict[str, Any]) -> Form:
    form = Form(
        {
            "what": action["what"],
            "owner": str(action["owner"]),
            "status": action["status"],
            "progress_note": action["progress_note"],
            "version": str(action["version"]),
        }
    )
    form.set_date("due_on", action["due_on"])
    return form


async def editable_action(
    request: Request[Any, Any, Any], access: FamilyAccess, action_id: int
) -> tuple[Family, dict[str, Any], bool]:
    """The family, the action, and whether this user manages the plan; 403
    unless they may update this action."""
    user = user_of(request)
    family = access.family
    action = await plan_actions.action_in(family.id, action_id)
    if not plan_actions.may_update(user, family, action):
        raise NotAllowed(
            "You can only update your own actions. Ask the lead practitioner "
            "or whoever owns this action to update it"
        )
    require_open(family, plan_actions.UPDATE_CLOSED)
    return family, action, service.can_manage(user, family)


@get("/families/{family_id:int}/taf/actions/{action_id:int}", name="taf_edit_action")
async def edit_action(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    action_id: FromPath[int],
) -> Template:
    family, action, manager = await editable_action(request, family_access, action_id)
    context = await action_context(family, action_form(action), action=action, manager=manager)
    return Template("taf/action_edit.html", context=context)


ACTION_FIELDS = [
    ("what", "Action"),
    ("owner", "Who"),
    ("due_on", "By when"),
    ("status", "Status"),
    ("progress_note", "Progress"),
]


@post("/families/{family_id:int}/taf/actions/{action_id:int}", name="taf_save_action")
async def save_action(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    action_id: FromPath[int],
) -> Template | Redirect:
    user = user_of(request)
    family, action, manager = await editable_action(request, family_access, action_id)
    form = await Form.read(request)
    context = await action_context(family, form, action=action, manager=manager)
    status = form.choice("status", plan_actions.STATUSES, "Select the action's status")
    note = form.text("progress_note", max_length=4000, label="Progress note")
    update = plan_actions.ActionUpdate(status=status, progress_note=note)
    if manager:
        new = read_action(form, context)
        if new is not None:
            update = plan_actions.ActionUpdate(
                status=status,
                progress_note=note,
                what=new.what,
                owner_id=new.owner_id,
                due_on=new.due_on,
            )
    if not form.ok:
        return Template("taf/action_edit.html", context=context, status_code=422)
    try:
        await plan_actions.update_action(user, family, action_id, version_of(form), update)
    except StaleVersion as stale:
        return conflict(
            form,
            action_form(stale.current),
            ACTION_FIELDS if manager else ACTION_FIELDS[3:],
            action=f"/families/{family.id}/taf/actions/{action_id}",
            back=f"/families/{family.id}/taf/plan#action-{action_id}",
            labels={
                "owner": dict(context["members"]),
                "status": plan_actions.STATUSES,
            },
        )
    return see_other(f"/families/{family.id}/taf/plan#action-{action_id}")


# Helpers -----------------------------------------------------------------------------


def version_of(form: Form) -> int:
    return number(form.get("version")) or 0


def shown(form: Form, name: str, labels: dict[str, dict[str, str]]) -> str:
    if name == "due_on":
        parts = [form.get(f"due_on-{p}") for p in ("day", "month", "year")]
        return "/".join(parts) if any(parts) else ""
    value = form.get(name)
    return labels.get(name, {}).get(value, value)


def conflict(
    yours: Form,
    saved: Form,
    fields: list[tuple[str, str]],
    action: str,
    back: str,
    labels: dict[str, dict[str, str]] | None = None,
) -> Template:
    """Someone saved first: both versions side by side (in words, not codes),
    and this user's changes ready to save over the new version."""
    labels = labels or {}
    rows = []
    for name, label in fields:
        mine, theirs = shown(yours, name, labels), shown(saved, name, labels)
        rows.append({"label": label, "yours": mine, "saved": theirs, "differs": mine != theirs})
    resubmit = {**yours.values, "version": saved.get("version")}
    return Template(
        "errors/conflict.html",
        context={"rows": rows, "resubmit": resubmit, "action": action, "back": back},
        status_code=409,
    )


PLAN_HANDLERS: list[Any] = [
    plan_page,
    family_plan,
    new_goal,
    add_goal,
    edit_goal,
    save_goal,
    archive_goal,
    new_action,
    add_action,
    edit_action,
    save_action,
]
