"""Fictional demo families for `make demo`: every locality of every enabled area,
with the near-duplicates and look-alikes that find-before-create must handle.

Everyone here is invented. Loading goes through the service layer, so the
demo data is audited and indexed exactly as real records would be.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from portal.assessments import service as assessments
from portal.assessments import versions as assessment_versions
from portal.auth.service import current_user_from
from portal.auth.tables import PortalUser
from portal.consent import service as consent
from portal.demo_hookspecs import DemoAddresses
from portal.families import service as families
from portal.families.tables import Family
from portal.kernel.users import CurrentUser
from portal.lead import service as lead
from portal.sharing import service as sharing

GIVEN = [
    "Amelia",
    "Oliver",
    "Isla",
    "Noah",
    "Ava",
    "Leo",
    "Maya",
    "Arlo",
    "Zainab",
    "Yusuf",
    "Kacper",
    "Zofia",
    "Aaliyah",
    "Tyrese",
    "Hodan",
    "Abdi",
    "Ruby",
    "Harvey",
    "Priya",
    "Arjun",
    "Mei",
    "Jun",
    "Freya",
    "Alfie",
    "Esme",
    "Theo",
    "Layla",
    "Reggie",
    "Nia",
    "Kai",
]
FAMILY = [
    "Ashdown",
    "Brackley",
    "Chaudhry",
    "Dunmore",
    "Ellwood",
    "Farrant",
    "Gorski",
    "Hussain",
    "Iqbal",
    "Jarvis",
    "Kaczmarek",
    "Lindqvist",
    "Mensah",
    "Nowak",
    "Okonjo",
    "Pennington",
    "Quayle",
    "Rahman",
    "Stirland",
    "Thwaite",
    "Varga",
    "Warsame",
    "Yeung",
    "Zielinski",
]
ADULTS = ["Sarah", "Daniel", "Aisha", "Marek", "Joanne", "Imran", "Claire", "Femi", "Agnieszka"]
STREETS = ["Larch Road", "Meadow Close", "Brook Street", "Station Terrace", "Chapel Lane"]


async def demo_users(issuer: str) -> dict[str, CurrentUser]:
    users = await PortalUser.objects().where(PortalUser.issuer == issuer)
    return {u.email.split("@")[0]: current_user_from(u) for u in users}


@dataclass(frozen=True)
class DemoArea:
    """An enabled area as the demo sees it: its localities, and where its
    fictional families live (from the area's demo module)."""

    slug: str
    localities: tuple[str, ...]
    addresses: DemoAddresses


async def load_demo_families(issuer: str, areas: list[DemoArea]) -> int:
    """Load the demo families once (two per locality of every enabled area
    with a demo practitioner, then the near-duplicates); a second run adds nothing."""
    if await Family.count() > 0:
        return 0
    users = await demo_users(issuer)
    practitioners = {
        area.slug: [u for u in users.values() if u.has_role(f"{area.slug}.practitioner")]
        for area in areas
    }
    staffed = [area for area in areas if practitioners[area.slug] and area.localities]
    rng = random.Random(2026)  # noqa: S311 - repeatable fiction, not security
    made = 0
    for area in staffed:
        for locality in area.localities:
            for _ in range(2):
                author = rng.choice(practitioners[area.slug])
                made += await _family(rng, author, area, locality, rng.choice(FAMILY))
    if staffed:
        made += await _near_duplicates(staffed, practitioners)
    return made


async def _family(
    rng: random.Random,
    author: CurrentUser,
    area: DemoArea,
    locality: str,
    surname: str,
    child: str | None = None,
    born: date | None = None,
    lead_it: bool | None = None,
) -> int:
    household = families.HouseholdDetails(
        area=area.slug,
        locality=locality,
        address_line_1=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        town=area.addresses.town,
        postcode=rng.choice(area.addresses.postcodes) if area.addresses.postcodes else "",
    )
    born = born or date(2010, 1, 1) + timedelta(days=rng.randint(0, 5000))
    first = families.PersonInput(
        given_names=child or rng.choice(GIVEN),
        family_name=surname,
        role="child",
        date_of_birth=born,
        gender=rng.choice(["female", "male"]),
    )
    family_id = await families.create_family(author, household, first, "")
    family = await Family.objects().get(Family.id == family_id)
    assert family is not None
    await families.add_person(
        author,
        family,
        families.PersonInput(
            given_names=rng.choice(ADULTS),
            family_name=surname,
            role="parent_carer",
            gender="not_known",
        ),
        "",
    )
    if lead_it if lead_it is not None else rng.random() < 0.7:
        await lead.take_lead(author, family, "creator")
        people = await families.people_of(family.id)
        child_row = next(p for p in people if p.role == "child")
        parent = next(p for p in people if p.role == "parent_carer")
        for purpose in ("record", "assessment"):
            await consent.record_consent(
                author,
                family,
                consent.NewConsent(
                    person_id=child_row.id,
                    purpose=purpose,
                    decision="given",
                    given_by="parent_carer",
                    given_by_name=f"{parent.given_names} {parent.family_name}",
                    method="written",
                    given_on=date.today() - timedelta(days=rng.randint(1, 60)),
                ),
                "",
            )
        await sharing.record_decision(
            author,
            family,
            sharing.NewSharingDecision(
                decision="shared",
                what="The family's support needs and the plan",
                with_agency="School nursing service",
                why="To join the Team Around the Family",
                basis="consent",
                decided_on=date.today() - timedelta(days=rng.randint(1, 30)),
            ),
            "",
        )
        await _demo_assessment(rng, author, family, child_row.id)
    return 1


# Plain answers for the demo's assessments (fiction, like everything here).
DEMO_ANSWERS: dict[str, dict[str, Any]] = {
    "household": {
        "others_important": "A grandparent helps with school runs",
        "household_confirmed": "yes",
    },
    "child_voice": {
        "wishes_feelings": "Wants things at home to be calmer",
        "how_communicated": "Talking, and a three houses drawing",
        "seen_on-day": "2",
        "seen_on-month": "11",
        "seen_on-year": "2026",
    },
    "parents_views": {"views": "Feels worn out and would like help with routines"},
    "strengths": {"strengths": "A warm relationship; the family ask for help"},
    "needs": {"children_needs": "Support with attendance and friendships"},
    "vulnerabilities": {"factors": ["none"]},
    "concerns": {"concerns": "School attendance has fallen this term"},
    "impact": {"impact": "Falling further behind and losing friends"},
    "change": {
        "what_change": "In school every day, on time",
        "how_know": "Attendance above 95% for half a term",
    },
    "analysis": {
        "analysis": "Emerging needs; a short plan with school and health should help",
        "worry_statement": "We worry attendance will keep falling",
        "family_understand": "yes",
    },
}


async def _demo_assessment(
    rng: random.Random, author: CurrentUser, family: Family, child_id: int
) -> None:
    """Assessments in every state: just started, part done, overdue, completed."""
    state = rng.choice(["none", "started", "part", "overdue", "completed"])
    if state == "none":
        return
    started = date.today() - timedelta(
        days=30 if state in ("overdue", "completed") else rng.randint(0, 8)
    )
    assessment_id = await assessments.start(author, family, child_id, started, "", "/demo")
    assessment = await assessments.assessment_in(family, assessment_id)
    slugs = list(DEMO_ANSWERS)
    chosen = (
        slugs if state == "completed" else slugs[: {"started": 0, "part": 4, "overdue": 6}[state]]
    )
    for slug in chosen:
        section = await assessments.section_of(assessment_id, slug)
        await assessments.save_section(
            author,
            family,
            assessment,
            section,
            DEMO_ANSWERS[slug],
            True,
            section["version"],
            "/demo",
        )
    if state == "completed":
        await assessment_versions.complete(author, family, assessment, "/demo")


async def _near_duplicates(
    areas: list[DemoArea], practitioners: dict[str, list[CurrentUser]]
) -> int:
    """Records that a search with typos, nicknames or swapped dates should find,
    and look-alikes (twins, a namesake) it must keep apart; the namesakes live
    in two areas where two are enabled, as families move between them."""
    rng = random.Random(7)  # noqa: S311 - repeatable fiction, not security
    one, two = areas[0], areas[-1]
    first, second = practitioners[one.slug], practitioners[two.slug]

    def place(area: DemoArea, n: int) -> str:
        return area.localities[n % len(area.localities)]

    await _family(
        rng,
        first[-1],
        one,
        place(one, 0),
        "Smith-Jones",
        "Elizabeth",
        date(2016, 3, 4),
        lead_it=True,
    )  # try "Liz Jones", 3/4/2016
    await _family(
        rng, second[0], two, place(two, 1), "Kowalski", "Jack", date(2018, 9, 12), lead_it=True
    )
    twins = await Family.objects().order_by(Family.id, ascending=False).first()
    assert twins is not None
    await families.add_person(
        second[0],
        twins,
        families.PersonInput(
            given_names="Jake",
            family_name="Kowalski",
            role="child",
            date_of_birth=date(2018, 9, 12),
            gender="male",
        ),
        "",
    )  # Jack's twin: a different child
    await _family(
        rng,
        second[-1],
        two,
        place(two, 2),
        "McAllister",
        "Katherine",
        date(2014, 11, 2),
        lead_it=True,
    )  # try "Kate MacAllister"
    await _family(
        rng, first[0], one, place(one, 3), "Smith", "Oliver", date(2015, 6, 1), lead_it=False
    )  # a namesake of the next
    await _family(
        rng, second[0], two, place(two, 4), "Smith", "Oliver", date(2012, 2, 17), lead_it=True
    )
    return 5  # families made here (Jake joins his twin's)
