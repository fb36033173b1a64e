"""Keeping a form whose sender was signed out before it arrived.

Every form carries a keep token (portal.web.security.keep_token_for). A form
that arrives after its sender's session ended is refused as usual, but a
genuine token lets its text fields be kept for that user, and only them: the
kept form can change nothing until its author, signed in again, reads it and
sends it on (to the same handler, with its own checks) or discards it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from portal.audit import service as audit
from portal.kept.tables import KeptForm
from portal.kernel.clock import now_utc
from portal.kernel.users import CurrentUser

MOST_KEPT = 20  # open kept forms per user: a stolen token cannot fill the table
# Fields that travel with a form but are not what anyone typed (sent on unseen).
UNSEEN_FIELDS = frozenset(
    {"_csrf_token", "_keep_token", "rescue_token", "form_key", "version", "base_version"}
)
SHORT_ANSWER = 40  # characters: longer, or on several lines, is shown to edit
NEVER_SENT_ON = frozenset({"_csrf_token", "_keep_token"})  # made afresh for the page
FAMILY_PATH = re.compile(r"/families/(\d{1,9})(?:/|$)")


def family_in(path: str) -> int | None:
    """The family a portal path is about, if any (for its access history)."""
    found = FAMILY_PATH.match(path)
    return int(found[1]) if found else None


@dataclass(frozen=True)
class Kept:
    id: int
    action: str
    came_from: str
    fields: list[tuple[str, str]]
    files_left_out: list[str]
    closed: bool


Field = tuple[str, str, str]  # label, name, value


def laid_out(kept: Kept) -> tuple[list[Field], list[Field], list[tuple[str, str]]]:
    """The kept fields as the page shows them: free text to check and change,
    short answers to read, and the rest (hidden fields, blanks) sent on as they
    came, every field in the order of the form."""
    typed: list[Field] = []
    chosen: list[Field] = []
    hidden: list[tuple[str, str]] = []
    for name, value in kept.fields:
        if name in NEVER_SENT_ON:
            continue
        if name in UNSEEN_FIELDS or not value.strip():
            hidden.append((name, value))
        elif "\n" in value or len(value) > SHORT_ANSWER:
            typed.append((label_for(name), name, value))
        else:
            chosen.append((label_for(name), name, value))
            hidden.append((name, value))
    return typed, chosen, hidden


def label_for(name: str) -> str:
    """A field's name in words ("next_review-day" -> "Next review day")."""
    words = " ".join(name.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:]


async def keep(
    author: CurrentUser,
    action: str,
    came_from: str,
    fields: list[tuple[str, str]],
    files_left_out: list[str],
) -> int | None:
    """Keep a signed-out form for its author; None when they already have
    too many waiting (the form is then refused like any signed-out request)."""
    waiting = await KeptForm.count().where(
        (KeptForm.author == author.id) & KeptForm.closed_at.is_null()
    )
    if waiting >= MOST_KEPT:
        return None
    row = KeptForm(
        author=author.id,
        action=action[:500],
        came_from=came_from[:500],
        fields=json.dumps([(n, v) for n, v in fields if n not in NEVER_SENT_ON]),
        files_left_out=", ".join(files_left_out)[:500],
        kept_at=now_utc(),
    )
    await row.save()
    # The path names the record the form was for; the text stays out of the log.
    await audit.record(
        "form_kept",
        "success",
        actor=author,
        record_type="kept_form",
        record_id=row.id,
        family_id=family_in(action),
        page=action.split("?")[0],
    )
    return int(row.id)


async def kept_for(author: CurrentUser, kept_id: int) -> Kept | None:
    """The author's own kept form (anyone else's is None, as if it did not exist)."""
    row: dict[str, Any] | None = await (
        KeptForm.select().where((KeptForm.id == kept_id) & (KeptForm.author == author.id)).first()
    )
    if row is None:
        return None
    return Kept(
        id=row["id"],
        action=row["action"],
        came_from=row["came_from"],
        fields=[(str(n), str(v)) for n, v in json.loads(row["fields"])],
        files_left_out=[f for f in row["files_left_out"].split(", ") if f],
        closed=row["closed_at"] is not None,
    )


async def close(author: CurrentUser, kept_id: int, why: str) -> bool:
    """Mark a kept form sent again or discarded; False if it was not open."""
    closed = await (
        KeptForm.update({KeptForm.closed_at: now_utc()})
        .where(
            (KeptForm.id == kept_id) & (KeptForm.author == author.id) & KeptForm.closed_at.is_null()
        )
        .returning(KeptForm.id)
    )
    if closed:
        await audit.record(
            f"kept_form_{why}", "success", actor=author, record_type="kept_form", record_id=kept_id
        )
    return bool(closed)
