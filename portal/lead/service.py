"""Lead Practitioner: assigning, proposed hand-overs the receiver accepts or
declines, who led when, and disagreements (which go to the multi-agency
dispute resolution and escalation policy)."""

from __future__ import annotations

import json
from typing import Any

from portal.audit import service as audit
from portal.auth.tables import PortalUser
from portal.db import (
    Fact,
    contains_ignoring_case,
    fetch_fact,
    row_list,
    write_transaction,
)
from portal.families.access import CHANGE_REASONS
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.records import once
from portal.kernel.users import CurrentUser, is_area_manager
from portal.lead.tables import LeadDisagreement, LeadSpell, LeadTransfer
from portal.notify.service import notify


class LeadError(Exception):
    """A lead practitioner change that the rules do not allow; the message says why."""


async def practitioner_by_email(email: str, area: str) -> PortalUser | None:
    """An active portal user with a role in the area, found by email address."""
    users = await PortalUser.objects().where(
        contains_ignoring_case(PortalUser.email, email.strip().replace("%", ""))
        & (PortalUser.disabled == False)  # noqa: E712
    )
    wanted = email.strip().casefold()
    return next(
        (
            u
            for u in users
            if u.email.casefold() == wanted
            and any(r.startswith(f"{area}.") for r in u.roles.split())
        ),
        None,
    )


async def _start_spell(family: Family, practitioner: PortalUser, how: str) -> None:
    now = now_utc()
    await LeadSpell.update({LeadSpell.ended_at: now}).where(
        (LeadSpell.family == family.id) & LeadSpell.ended_at.is_null()
    )
    await LeadSpell(
        family=family.id,
        practitioner=practitioner.id,
        agency=practitioner.organisation,
        started_at=now,
        how=how,
    ).save()
    await Family.update(
        {
            Family.lead_practitioner: practitioner.id,
            Family.updated_at: now,
            Family.version: Family.version + 1,
        }
    ).where(Family.id == family.id)


async def take_lead(user: CurrentUser, family: Family, access: str) -> None:
    """A practitioner becomes the lead of a family that has none.

    ``access`` is why they can see the family: it must be a working
    relationship, never emergency access, which is for reading only."""
    if access not in CHANGE_REASONS:
        raise LeadError(
            "Emergency access does not let you take the lead: ask the area manager "
            "or the practitioners working with the family"
        )
    async with write_transaction(Family._meta.db):
        current = (
            await Family.select(Family.lead_practitioner, Family.statutory_lead)
            .where(Family.id == family.id)
            .first()
        )
        if current and current["statutory_lead"]:
            raise LeadError(
                f"{current['statutory_lead']} leads for this family: record a step-down first"
            )
        if current and current["lead_practitioner"] == user.id:
            return  # a second click of the same button
        if current and current["lead_practitioner"] is not None:
            raise LeadError("This family already has a lead practitioner: propose a transfer")
        me = await PortalUser.objects().get(PortalUser.id == user.id)
        assert me is not None
        await _start_spell(family, me, "took the lead")
        await audit.record(
            "lead_assigned",
            "success",
            actor=user,
            record_type="family",
            record_id=family.id,
            family_id=family.id,
            how="took the lead",
            access=access,
        )


async def propose_transfer(
    user: CurrentUser,
    family: Family,
    to: PortalUser,
    reason: str,
    form_key: str,
    *,
    allocated_at_meeting: bool = False,
) -> int:
    """Ask ``to`` to become the lead practitioner; they accept or decline.

    The lead or an area manager proposes; so does the chair of an area's
    multi-agency meeting that allocated the family (``allocated_at_meeting``),
    whoever leads now."""
    may_propose = family.lead_practitioner in (None, user.id) or is_area_manager(user, family.area)
    if not (may_propose or allocated_at_meeting):
        raise LeadError("Only the lead practitioner or an area manager can propose a new lead")
    if to.id == family.lead_practitioner:
        raise LeadError(f"{to.display_name} is already the lead practitioner")

    async def create() -> int:
        async with write_transaction(Family._meta.db):
            if await LeadTransfer.exists().where(
                (LeadTransfer.family == family.id) & (LeadTransfer.status == "pending")
            ):
                raise LeadError(
                    "A proposed transfer is already waiting for an answer: withdraw it first"
                )
            row = LeadTransfer(
                family=family.id,
                proposed_by=user.id,
                to_practitioner=to.id,
                reason=reason,
                proposed_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await row.save()
            await notify(
                to.id,
                "lead_transfer",
                "You have been asked to become a family's lead practitioner",
                f"/families/{family.id}#lead",
                f"lead_transfer:{row.id}",
                family_id=family.id,
            )
            await audit.record(
                "lead_transfer_proposed",
                "success",
                actor=user,
                record_type="lead_transfer",
                record_id=row.id,
                family_id=family.id,
            )
            return int(row.id)

    return await once(LeadTransfer, form_key, create)


async def respond_to_transfer(
    user: CurrentUser, family: Family, transfer_id: int, accept: bool, note: str
) -> None:
    async with write_transaction(Family._meta.db):
        transfer = await LeadTransfer.objects().get(
            (LeadTransfer.id == transfer_id) & (LeadTransfer.family == family.id)
        )
        if transfer is None or transfer.status != "pending":
            raise LeadError("This proposal has already been answered or withdrawn")
        if transfer.to_practitioner != user.id:
            raise LeadError("Only the practitioner it was proposed to can answer this proposal")
        transfer.status = "accepted" if accept else "declined"
        transfer.responded_at = now_utc()
        transfer.response_note = note
        await transfer.save()
        if accept:
            me = await PortalUser.objects().get(PortalUser.id == user.id)
            assert me is not None
            await _start_spell(family, me, "accepted a transfer")
        await audit.record(
            "lead_transfer_" + transfer.status,
            "success",
            actor=user,
            record_type="lead_transfer",
            record_id=transfer.id,
            family_id=family.id,
        )


async def withdraw_transfer(user: CurrentUser, family: Family, transfer_id: int) -> None:
    async with write_transaction(Family._meta.db):
        transfer = await LeadTransfer.objects().get(
            (LeadTransfer.id == transfer_id) & (LeadTransfer.family == family.id)
        )
        if transfer is None or transfer.status != "pending":
            raise LeadError("This proposal has already been answered or withdrawn")
        if transfer.proposed_by != user.id and not is_area_manager(user, family.area):
            raise LeadError("Only whoever proposed it, or an area manager, can withdraw it")
        transfer.status = "withdrawn"
        transfer.responded_at = now_utc()
        await transfer.save()
        await audit.record(
            "lead_transfer_withdrawn",
            "success",
            actor=user,
            record_type="lead_transfer",
            record_id=transfer.id,
            family_id=family.id,
        )


async def record_disagreement(user: CurrentUser, family: Family, detail: str, form_key: str) -> int:
    async def create() -> int:
        async with write_transaction(Family._meta.db):
            row = LeadDisagreement(
                family=family.id,
                raised_by=user.id,
                detail=detail,
                raised_at=now_utc(),
                idempotency_key=form_key or None,
            )
            await row.save()
            await audit.record(
                "lead_disagreement_recorded",
                "success",
                actor=user,
                record_type="lead_disagreement",
                record_id=row.id,
                family_id=family.id,
            )
            return int(row.id)

    return await once(LeadDisagreement, form_key, create)


async def lead_of(family: Family) -> dict[str, Any] | None:
    """The family's lead practitioner (name, organisation, email), or None."""
    if family.lead_practitioner is None:
        return None
    return (
        await PortalUser.select(
            PortalUser.id, PortalUser.display_name, PortalUser.organisation, PortalUser.email
        )
        .where(PortalUser.id == family.lead_practitioner)
        .first()
    )


# A family's lead practitioners, the transfers between them and the
# disagreements about them (each list newest first), and the current lead.
HISTORY = """
SELECT jsonb_build_object(
  'spells', (SELECT jsonb_agg(to_jsonb(s) || jsonb_build_object('name', u.display_name)
                    ORDER BY s.started_at DESC)
     FROM lead_spell s LEFT JOIN portal_user u ON u.id = s.practitioner
    WHERE s.family = {}),
  'transfers', (SELECT jsonb_agg(to_jsonb(t) || jsonb_build_object(
                      'to_name', tu.display_name, 'to_organisation', tu.organisation,
                      'by_name', pu.display_name)
                    ORDER BY t.proposed_at DESC)
     FROM lead_transfer t
     LEFT JOIN portal_user tu ON tu.id = t.to_practitioner
     LEFT JOIN portal_user pu ON pu.id = t.proposed_by
    WHERE t.family = {}),
  'disagreements', (SELECT jsonb_agg(to_jsonb(d) || jsonb_build_object('by_name', du.display_name)
                    ORDER BY d.raised_at DESC)
     FROM lead_disagreement d LEFT JOIN portal_user du ON du.id = d.raised_by
    WHERE d.family = {}),
  'lead', (SELECT jsonb_build_object('id', u.id, 'display_name', u.display_name,
                             'organisation', u.organisation, 'email', u.email)
     FROM portal_user u WHERE u.id = {})
)
"""


LeadAndHistory = tuple[dict[str, Any] | None, dict[str, list[dict[str, Any]]]]


def history_fact(family_id: int, lead_id: int | None) -> Fact:
    """The lead practitioner (as ``lead_of``: None if lead_id is) and the history."""
    return Fact(LeadSpell, HISTORY, (family_id, family_id, family_id, lead_id), _lead_history)


def _lead_history(value: str | None) -> LeadAndHistory:
    parts = json.loads(value) if value else {}
    return parts.get("lead"), {
        "spells": row_list(LeadSpell, parts.get("spells")),
        "transfers": row_list(LeadTransfer, parts.get("transfers")),
        "disagreements": row_list(LeadDisagreement, parts.get("disagreements")),
    }


async def history(family_id: int) -> dict[str, list[dict[str, Any]]]:
    """A family's lead practitioners over time, and the transfers between them."""
    found: LeadAndHistory = await fetch_fact(history_fact(family_id, None))
    return found[1]


# Raw: asked on every caseload and family page, where the query builder's
# Python cost more than the indexed read.
TRANSFERS_WAITING_SQL = """
SELECT t.*, u.display_name AS by_name
FROM lead_transfer t LEFT JOIN portal_user u ON u.id = t.proposed_by
WHERE t.to_practitioner = {} AND t.status = 'pending'
ORDER BY t.proposed_at
"""


async def transfers_waiting_for(user: CurrentUser) -> list[dict[str, Any]]:
    """Proposals that this user lead a family, oldest first."""
    rows: list[dict[str, Any]] = await LeadTransfer.raw(TRANSFERS_WAITING_SQL, user.id)
    return rows
