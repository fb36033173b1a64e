"""Other assessments attached to an Early Help Assessment.

Uploads are limited in size before they are buffered (413), typed by their
content rather than by what the browser says, stored in the database under
the portal's own id, and downloaded only through the family's access check,
as an attachment with a name the server makes up."""

from __future__ import annotations

import hashlib
from typing import Any

from portal.assessments import file_types
from portal.assessments.tables import AssessmentAppendix
from portal.audit import service as audit
from portal.db import write_transaction
from portal.families.tables import Family
from portal.kernel.clock import now_utc
from portal.kernel.errors import NotFound
from portal.kernel.records import once
from portal.kernel.users import CurrentUser

MAX_BYTES = file_types.MAX_BYTES


async def listed(assessment_id: int) -> list[dict[str, Any]]:
    return (
        await AssessmentAppendix.select(
            AssessmentAppendix.id,
            AssessmentAppendix.title,
            AssessmentAppendix.original_name,
            AssessmentAppendix.media_type,
            AssessmentAppendix.size_bytes,
            AssessmentAppendix.uploaded_at,
            AssessmentAppendix.uploaded_by.display_name.as_alias("uploaded_by_name"),
        )
        .where(
            (AssessmentAppendix.assessment == assessment_id)
            & AssessmentAppendix.removed_at.is_null()
        )
        .order_by(AssessmentAppendix.id)
    )


async def attach(
    user: CurrentUser,
    family: Family,
    assessment: dict[str, Any],
    title: str,
    original_name: str,
    media_type: str,
    data: bytes,
    form_key: str,
    page: str,
) -> int:
    async def create() -> int:
        async with write_transaction(AssessmentAppendix._meta.db):
            rows = await AssessmentAppendix.insert(
                AssessmentAppendix(
                    assessment=assessment["id"],
                    title=title,
                    original_name=original_name[:200],
                    media_type=media_type,
                    size_bytes=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    data=data,
                    uploaded_by=user.id,
                    uploaded_at=now_utc(),
                    idempotency_key=form_key or None,
                )
            ).returning(AssessmentAppendix.id)
            appendix_id = int(rows[0]["id"])
            await audit.record(
                "appendix_uploaded",
                "success",
                actor=user,
                record_type="assessment_appendix",
                record_id=appendix_id,
                family_id=family.id,
                page=page,
                media_type=media_type,
                size_bytes=len(data),
            )
            return appendix_id

    return await once(AssessmentAppendix, form_key, create)


async def appendix_in(assessment_id: int, appendix_id: int) -> AssessmentAppendix:
    row = await AssessmentAppendix.objects().get(
        (AssessmentAppendix.id == appendix_id)
        & (AssessmentAppendix.assessment == assessment_id)
        & AssessmentAppendix.removed_at.is_null()
    )
    if row is None:
        raise NotFound()
    return row


async def remove_appendix(
    user: CurrentUser, appendix: AssessmentAppendix, family_id: int, page: str
) -> None:
    """Take an appendix off the assessment (kept, marked removed, audited)."""
    async with write_transaction(AssessmentAppendix._meta.db):
        await AssessmentAppendix.update(
            {AssessmentAppendix.removed_at: now_utc(), AssessmentAppendix.removed_by: user.id}
        ).where(AssessmentAppendix.id == appendix.id)
        await audit.record(
            "appendix_removed",
            "success",
            actor=user,
            record_type="assessment_appendix",
            record_id=appendix.id,
            family_id=family_id,
            page=page,
        )
