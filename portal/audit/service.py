"""Writing the audit trail. Details are JSON and must never hold a child's
personal data or a secret: record ids and outcomes, not names."""

from __future__ import annotations

import json
from typing import Any

from portal.audit.tables import AuditEvent
from portal.auth.service import CurrentUser, now_utc


async def record(
    action: str,
    outcome: str,
    *,
    actor: CurrentUser | None = None,
    actor_label: str = "",
    record_type: str = "",
    record_id: str | int = "",
    family_id: int | None = None,
    page: str = "",
    **detail: Any,
) -> None:
    label = actor_label or (actor.display_name if actor else "")
    await AuditEvent(
        at=now_utc(),
        actor_user_id=actor.id if actor else None,
        actor_identity=actor.identity_key if actor else "",
        actor_label=label[:300],
        actor_organisation=actor.organisation[:200] if actor else "",
        action=action,
        outcome=outcome,
        record_type=record_type,
        record_id=str(record_id),
        family_id=family_id,
        page=page[:300],
        detail=json.dumps(detail, sort_keys=True, default=str) if detail else "",
    ).save()
