"""Derby's teams: each locality's SPA inbox, The Lighthouse, and each
locality's Multi-Agency Team (MAT), with who to ask about a family."""

from __future__ import annotations

from typing import Any

from portal.plugin_api import AreaTeam, teams
from portal_derby.common import AREA, LIGHTHOUSE, LOCALITIES

MAT_DISCIPLINES = (
    "Children's practitioner",
    "Education welfare officer",
    "Youth worker",
    "Youth offending / crime prevention officer",
    "Children's centre staff",
    "Careers guidance",
)


def area_teams() -> list[AreaTeam]:
    teams = []
    for slug, name in LOCALITIES.items():
        teams.append(
            AreaTeam(
                key=f"spa:{slug}",
                name=f"{name} SPA inbox",
                description=f"Single Point of Access clerks for {name}: they check requests "
                f"for the {name} Vulnerable Children's Meeting and put them on its agenda.",
            )
        )
    teams.append(
        AreaTeam(
            key=LIGHTHOUSE,
            name="The Lighthouse",
            description="Receives requests for children with a significant disability and "
            "puts them on the family's locality Vulnerable Children's Meeting.",
        )
    )
    for slug, name in LOCALITIES.items():
        teams.append(
            AreaTeam(
                key=f"mat:{slug}",
                name=f"{name} Multi-Agency Team",
                description=f"Practitioners the {name} Vulnerable Children's Meeting can "
                "allocate a family to.",
                member_roles=MAT_DISCIPLINES,
            )
        )
    return teams


async def locality_contacts(locality: str) -> list[dict[str, Any]]:
    """Who to ask about existing involvement: the locality's SPA clerks."""
    return await teams.team_members(AREA, f"spa:{locality}")
