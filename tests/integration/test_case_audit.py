"""Random case audits on both databases: the same seed draws the same cases,
the filters (area, locality, period, closed only) hold, auditors see their own
area only and families only through a sampled case, every view of a case is
audited, and the audit form checks what it is given."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from portal.assessments.tables import Assessment
from portal.audit.tables import AuditEvent
from portal.auth.tables import PortalUser
from portal.case_audit import service
from portal.case_audit.tables import CaseAuditFinding, CaseAuditSample
from portal.closure.tables import Closure
from portal.families.tables import Family, Person
from tests.support.families import date_fields
from tests.support.page_rules import check_page
from tests.support.portal import Portal, as_user, post

XSS = '<script>alert("x")</script>'


@dataclass(frozen=True)
class Episode:
    started_on: date
    area: str = "derby"
    locality: str = "north"
    closed_on: date | None = None  # the family's early help closed (and stays closed)
    restricted: bool = False


def stamp(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


async def seed_user() -> int:
    """The practitioner who started the seeded assessments (no one signs in as them)."""
    existing = await PortalUser.objects().get(PortalUser.identity_key == "seed case-audit")
    if existing is not None:
        return int(existing.id)
    user = PortalUser(
        identity_key="seed case-audit",
        issuer="seed",
        subject="case-audit",
        display_name="Seeded Practitioner",
        created_at=stamp(date(2024, 1, 1)),
    )
    await user.save()
    return int(user.id)


async def seed_episodes(episodes: list[Episode]) -> list[int]:
    """A family, child and assessment per episode (closed if asked); the assessment ids."""
    user = await seed_user()
    ids = []
    for n, e in enumerate(episodes):
        now = stamp(e.started_on)
        family = Family(
            area=e.area,
            locality=e.locality,
            created_by=user,
            created_at=now,
            updated_at=now,
            status="closed" if e.closed_on else "open",
            closed_at=stamp(e.closed_on) if e.closed_on else None,
            restricted=e.restricted,
        )
        await family.save()
        child = Person(
            family=family.id,
            given_names=f"Seeded{n}",
            family_name="Child",
            role="child",
            created_at=now,
            updated_at=now,
        )
        await child.save()
        ids.append(await seed_assessment(int(family.id), int(child.id), user, e.started_on))
        if e.closed_on:
            await Closure(
                family=family.id,
                reason="needs_met",
                summary="Needs met.",
                closed_by=user,
                closed_at=stamp(e.closed_on),
            ).save()
    return ids


async def seed_assessment(family_id: int, child_id: int, user: int, started_on: date) -> int:
    row = Assessment(
        family=family_id,
        child=child_id,
        started_by=user,
        started_on=started_on,
        due_on=started_on,
        created_at=stamp(started_on),
        updated_at=stamp(started_on),
    )
    await row.save()
    return int(row.id)


def one(portal: Portal, query: Any) -> dict[str, Any]:
    """The first row of a select (there must be one)."""
    row = portal.run(query.first().run)
    assert row is not None
    return dict(row)


def draw_form(size: int = 5, seed: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "size": str(size),
        "area": "derby",
        "locality": "",
        "seed": seed,
        **date_fields("started_from", date(2025, 1, 1)),
        **date_fields("started_to", date(2025, 12, 31)),
        **extra,
    }


def draw(portal: Portal, **fields: Any) -> int:
    response = post(portal, "/case-audits", draw_form(**fields))
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/case-audits/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def cases(portal: Portal, sample_id: int) -> list[dict[str, Any]]:
    return portal.run(service.cases_of, sample_id)


def drawn(portal: Portal, sample_id: int) -> list[int]:
    return [c["assessment"] for c in cases(portal, sample_id)]


def twenty_in_2025() -> list[Episode]:
    return [Episode(date(2025, 1 + n % 12, 1 + n)) for n in range(20)]


def test_the_same_seed_draws_the_same_cases_and_the_sample_is_frozen(portal: Portal) -> None:
    ids = portal.run(seed_episodes, twenty_in_2025())
    portal.sign_in("derby.auditor")
    first = draw(portal, seed="spring-2026", form_key="k1")
    second = draw(portal, seed="spring-2026", form_key="k2")
    assert first != second
    assert drawn(portal, first) == drawn(portal, second)  # same cases, same order
    assert drawn(portal, first) == service.draw(sorted(ids), 5, "spring-2026")
    assert len(set(drawn(portal, first))) == 5
    other = draw(portal, seed="autumn-2026", form_key="k3")
    assert drawn(portal, other) != drawn(portal, first)

    page = portal.client.get(f"/case-audits/{second}")
    assert page.status_code == 200
    assert "Seed: <code" in page.text and "spring-2026" in page.text
    assert "0 of 5 reviewed" in page.text
    assert f"Sample {first}</a>, drawn with the same seed and choices" in page.text
    assert "has the same cases in the same order" in page.text

    # The sample is frozen: later episodes change what a new draw sees, not this sample.
    before = drawn(portal, first)
    portal.run(seed_episodes, [Episode(date(2025, 6, 1)) for _ in range(10)])
    assert drawn(portal, first) == before


def test_a_blank_seed_is_generated_and_recorded_and_a_double_submit_draws_once(
    portal: Portal,
) -> None:
    portal.run(seed_episodes, twenty_in_2025())
    portal.sign_in("derby.auditor")
    first = draw(portal, form_key="same-key")
    again = draw(portal, form_key="same-key")
    assert first == again
    seed = one(portal, CaseAuditSample.select().where(CaseAuditSample.id == first))["seed"]
    assert re.fullmatch(r"[0-9a-f]{12}", seed)
    assert drawn(portal, first) == service.draw(portal.run(eligible_2025), 5, seed)
    listing = portal.client.get("/case-audits")
    assert seed in listing.text and "0 of 5 reviewed" in listing.text
    check_page(listing.text, "/case-audits")
    prefilled = portal.client.get(f"/case-audits/new?again={first}")
    assert f'value="{seed}"' in prefilled.text
    check_page(prefilled.text, "/case-audits/new")


async def eligible_2025() -> list[int]:
    return await service.eligible_ids(
        service.Filters("derby", "", date(2025, 1, 1), date(2025, 12, 31))
    )


def test_the_filters_area_locality_period_and_closed_only_hold(portal: Portal) -> None:
    open_north, open_south, too_early, too_late, derbyshire, closed_north, restricted = portal.run(
        seed_episodes,
        [
            Episode(date(2025, 3, 1)),
            Episode(date(2025, 3, 1), locality="south"),
            Episode(date(2024, 12, 31)),
            Episode(date(2026, 1, 1)),
            Episode(date(2025, 3, 1), area="derbyshire", locality="erewash"),
            Episode(date(2025, 4, 1), closed_on=date(2025, 9, 1)),
            Episode(date(2025, 4, 1), restricted=True),
        ],
    )

    def eligible(locality: str = "", closed_only: bool = False) -> list[int]:
        filters = service.Filters(
            "derby", locality, date(2025, 1, 1), date(2025, 12, 31), closed_only
        )
        return portal.run(service.eligible_ids, filters)

    assert eligible() == [open_north, open_south, closed_north]
    assert eligible("north") == [open_north, closed_north]
    assert eligible(closed_only=True) == [closed_north]
    assert eligible("south", closed_only=True) == []

    portal.sign_in("derby.auditor")
    sample = draw(portal, size=50, locality="north")
    assert sorted(drawn(portal, sample)) == [open_north, closed_north]
    page = portal.client.get(f"/case-audits/{sample}")
    assert "2 chosen at random from 2 matching episodes (50 asked for)" in page.text
    closed = draw(portal, size=50, closed_only="yes")
    assert drawn(portal, closed) == [closed_north]
    nothing = post(portal, "/case-audits", draw_form(locality="south", closed_only="yes"))
    assert nothing.status_code == 422
    assert "No episodes match these choices" in nothing.text
    assert not {too_early, too_late, derbyshire, restricted} & set(drawn(portal, sample))


def test_an_episode_is_closed_only_if_closed_before_the_next_one_started(portal: Portal) -> None:
    (first,) = portal.run(seed_episodes, [Episode(date(2025, 2, 1))])
    family = one(portal, Assessment.select(Assessment.family, Assessment.child))
    user = portal.run(seed_user)

    async def reopen_and_start_again() -> int:
        await Closure(
            family=family["family"],
            reason="needs_met",
            closed_by=user,
            closed_at=stamp(date(2025, 5, 1)),
            reopened_by=user,
            reopened_at=stamp(date(2025, 8, 1)),
        ).save()
        return await seed_assessment(family["family"], family["child"], user, date(2025, 8, 2))

    second = portal.run(reopen_and_start_again)
    closed = portal.run(service.closed_episodes, {family["family"]})
    assert closed == {first}  # the family is open again: the second episode is not closed

    async def close_again() -> None:
        await Closure(
            family=family["family"],
            reason="needs_met",
            closed_by=user,
            closed_at=stamp(date(2025, 11, 1)),
        ).save()
        await Family.update({Family.status: "closed"}).where(Family.id == family["family"])

    portal.run(close_again)
    assert portal.run(service.closed_episodes, {family["family"]}) == {first, second}


def test_auditors_see_their_own_area_only_and_others_are_refused(portal: Portal) -> None:
    portal.run(seed_episodes, twenty_in_2025())
    portal.sign_in("derby.auditor")
    sample = draw(portal, seed="s")
    case = cases(portal, sample)[0]
    family_id = one(
        portal, Assessment.select(Assessment.family).where(Assessment.id == case["assessment"])
    )["family"]
    # The sample is the only way in: the family's own record stays closed to auditors.
    assert portal.client.get(f"/families/{family_id}").status_code == 403
    refused_area = post(portal, "/case-audits", draw_form(area="derbyshire"))
    assert refused_area.status_code == 422 and "Select the area" in refused_area.text

    pages = [
        f"/case-audits/{sample}",
        f"/case-audits/{sample}/findings",
        f"/case-audits/{sample}/cases/{case['id']}",
        f"/case-audits/new?again={sample}",
    ]
    as_user(portal, "derbyshire.auditor")
    for path in pages:
        assert portal.client.get(path).status_code == 404, path
    assert post(portal, pages[2], {"grade": "good"}).status_code == 404
    assert "Sample " not in portal.client.get("/case-audits").text  # not listed either

    for username in ("derby.school", "derby.manager", "partnership.analyst"):
        as_user(portal, username)
        for path in ["/case-audits", "/case-audits/new", *pages]:
            assert portal.client.get(path).status_code == 403, (username, path)
        assert post(portal, "/case-audits", draw_form()).status_code == 403
        assert post(portal, pages[2], {"grade": "good"}).status_code == 403


def test_a_case_shows_its_record_read_only_and_every_view_is_audited(portal: Portal) -> None:
    portal.run(seed_episodes, [Episode(date(2025, 3, 1), closed_on=date(2025, 6, 1))])
    portal.sign_in("derby.auditor")
    sample = draw(portal, seed="x")
    (case,) = cases(portal, sample)
    path = f"/case-audits/{sample}/cases/{case['id']}"
    for _ in range(2):
        page = portal.client.get(path)
        assert page.status_code == 200
    check_page(page.text, path)
    assert "Seeded0 Child" in page.text and "Needs met" in page.text
    assert "Early Help Assessment" in page.text and "Team Around the Family plan" in page.text
    assert "/families/" not in page.text  # no links into pages an auditor cannot open
    views = portal.run(
        AuditEvent.select()
        .where(AuditEvent.action == "case_audit_case_viewed")
        .order_by(AuditEvent.id)
        .run
    )
    assert len(views) == 2
    family_id = one(portal, Assessment.select(Assessment.family))["family"]
    for view in views:
        assert view["outcome"] == "success" and view["family_id"] == family_id
        assert view["record_id"] == str(case["assessment"]) and view["page"] == path
        assert json.loads(view["detail"]) == {"reason": "case audit", "sample": sample}


def test_the_audit_form_checks_saves_and_rolls_up(portal: Portal) -> None:
    portal.run(seed_episodes, twenty_in_2025())
    portal.sign_in("derby.auditor")
    sample = draw(portal, size=3, seed="y")
    first, second, _ = cases(portal, sample)
    path = f"/case-audits/{sample}/cases/{first['id']}"

    empty = post(portal, path, {"version": "1"})
    assert empty.status_code == 422
    assert "Select a grade" in empty.text and 'href="#grade"' in empty.text
    assert "Enter the good practice you found, or areas for development" in empty.text
    assert "<title>Error: " in empty.text
    check_page(empty.text, path)
    unknown = post(portal, path, {"version": "1", "grade": "superb", "good_practice": "x"})
    assert unknown.status_code == 422 and "Select a grade" in unknown.text

    saved = post(
        portal,
        path,
        {"version": "1", "grade": "good", "good_practice": XSS, "areas_for_development": "More"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/case-audits/{sample}#case-1"
    stale = post(portal, path, {"version": "1", "grade": "inadequate", "good_practice": "Mine"})
    assert stale.status_code == 409 and "Someone else saved" in stale.text
    assert "Mine" in stale.text  # what was typed is kept
    post(
        portal,
        f"/case-audits/{sample}/cases/{second['id']}",
        {"version": "1", "grade": "inadequate", "areas_for_development": "Plan drifted"},
    )

    assert "2 of 3 reviewed" in portal.client.get(f"/case-audits/{sample}").text
    findings = portal.client.get(f"/case-audits/{sample}/findings")
    check_page(findings.text, "findings")
    counts = dict(
        re.findall(
            r'<th scope="row" class="govuk-table__header">([^<]+)</th>'
            r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>',
            findings.text,
        )
    )
    assert counts == {
        "Outstanding": "0",
        "Good": "1",
        "Requires improvement": "0",
        "Inadequate": "1",
        "Not yet reviewed": "1",
    }
    assert XSS not in findings.text and "&lt;script&gt;" in findings.text
    assert "Plan drifted" in findings.text
    row = one(portal, CaseAuditFinding.select().where(CaseAuditFinding.id == first["id"]))
    assert row["grade"] == "good" and row["version"] == 2
    reviewed = portal.run(AuditEvent.select().where(AuditEvent.action == "case_audit_reviewed").run)
    assert len(reviewed) == 2 and all(r["family_id"] for r in reviewed)


def test_the_draw_form_says_what_is_wrong(portal: Portal) -> None:
    portal.sign_in("derby.auditor")
    page = portal.client.get("/case-audits/new")
    assert page.status_code == 200
    check_page(page.text, "/case-audits/new")
    cases_ = [
        (draw_form(size=0), "Enter a whole number of cases from 1 to 50"),
        (draw_form(size=51), "Enter a whole number of cases from 1 to 50"),
        ({**draw_form(), "size": ""}, "Enter how many cases to draw"),
        ({**draw_form(), "size": "five"}, "Enter a whole number of cases from 1 to 50"),
        (draw_form(locality="nowhere"), "Select a locality of the area, or any locality"),
        (
            {**draw_form(), **date_fields("started_from", None)},
            "Enter the start of the period",
        ),
        (
            {**draw_form(), **date_fields("started_to", date(2024, 1, 1))},
            "The end of the period must be the same as or after the start",
        ),
        (draw_form(seed="s" * 101), "Seed must be 100 characters or fewer"),
    ]
    for form, message in cases_:
        response = post(portal, "/case-audits", form)
        assert response.status_code == 422, message
        assert message in response.text
        assert "There is a problem" in response.text
    assert portal.run(service.samples_for, ["derby"]) == []
