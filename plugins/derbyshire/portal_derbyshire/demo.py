"""Derbyshire's demo records for `make demo`: the Erewash Early Help Team posting,
each district's Vulnerable Children's Meeting, and Starting Point requests in
different states (one Initial Contact close to its 24 hours, one overdue)."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import timedelta

from portal.plugin_api import CurrentUser, DemoAddresses, Family, families, hookimpl, now_utc, teams
from portal_derbyshire import common, requests, screening, triage, vcm
from portal_derbyshire.tables import StartingPointRequest


async def load_demo(users: Mapping[str, CurrentUser]) -> int:
    made = 0
    rachel = users.get("rachel.oduya")
    if rachel is not None:
        await teams.add_team_member(
            None, common.AREA, common.eht_team("erewash"), rachel.id, "Lead practitioner"
        )
        made += 1
    for district in common.DISTRICT_NAMES:
        await vcm.ensure_vcm_series(district)
        made += 1
    referrer = users.get("tom.ridgeway")
    handler = users.get("owen.castleton")
    senior = users.get("fiona.mcallister")
    if referrer is None or handler is None or senior is None:
        return made
    if await StartingPointRequest.count() > 0:
        return made
    shire = await Family.objects().where(Family.area == common.AREA).order_by(Family.id)
    erewash = [f for f in shire if f.locality == "erewash"] + [
        f for f in shire if f.locality != "erewash"
    ]
    now = now_utc()
    plans = [  # (hours ago sent, what happens)
        (1, "new"),
        (23, "near_breach"),  # Initial Contact 22 h 40 min old: 1 h 20 min left
        (27, "overdue"),  # Initial Contact 26 h old: overdue by 2 hours
        (72, "advice"),
        (50, "vcm"),
    ]
    for number, (family, (hours, plan)) in enumerate(zip(erewash, plans, strict=False)):
        children = await families.children_of(family.id)
        if not children:
            continue
        sent = now - timedelta(hours=hours)
        request_id = await requests.send_request(
            referrer,
            family,
            requests.NewRequest(
                request_type="service",
                child_id=children[0].id,
                details="Attendance has fallen this term and the family has asked for help with routines.",
                consent_basis="not_sought",
                consent_detail="Demo record: the family's consent is recorded on paper at school.",
            ),
            f"derbyshire-demo-{number}",
            sent,
        )
        made += 1
        if plan == "new":
            continue
        if plan == "advice":
            await triage.triage(
                handler,
                request_id,
                1,
                "advice",
                "Try the school nurse drop-in and the Local Offer's parenting courses first.",
                "",
                sent + timedelta(hours=3),
            )
            continue
        opened = {
            "near_breach": now - timedelta(hours=22, minutes=40),
            "overdue": now - timedelta(hours=26),
            "vcm": sent + timedelta(hours=2),
        }[plan]
        await triage.triage(
            handler, request_id, 1, "initial_contact", "Needs screening.", "", opened
        )
        if plan == "vcm":
            await screening.screen(
                senior,
                request_id,
                2,
                "vcm",
                "Needs an Early Help Assessment and a Lead Practitioner in the Early Help Team.",
                None,
                opened + timedelta(hours=5),
            )
    return made


@hookimpl
def portal_demo_data(users: Mapping[str, CurrentUser]) -> Awaitable[int]:
    """The area's demo records (entry-point group ``portal_demo``)."""
    return load_demo(users)


@hookimpl
def portal_demo_addresses() -> DemoAddresses:
    """Where the area's fictional demo families live."""
    return DemoAddresses(
        town="Chesterfield",
        postcodes=("S40 2LX", "DE55 7JP", "SK17 6DA", "DE7 5RG", "DE56 1QN", "S43 4TB"),
    )
