"""Area inboxes and teams: placing a family's request with a team gives it access.

The names area plugins may use, and the core keeps stable."""

from portal.teams.service import (
    add_team_member,
    close,
    close_for_record,
    place,
    team_members,
    teams_of,
)

__all__ = ["add_team_member", "close", "close_for_record", "place", "team_members", "teams_of"]
