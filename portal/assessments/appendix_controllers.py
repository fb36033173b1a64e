"""The appendix pages of an assessment: upload, download and remove."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.assessments import file_types, service
from portal.assessments.appendices import MAX_BYTES, appendix_in, attach, remove_appendix
from portal.assessments.controllers import section_context
from portal.audit import service as audit
from portal.families.access import FamilyAccess, ReadOnlyAccess
from portal.kernel.forms import Form, clean_text
from portal.web.handlers import see_other, user_of

APPENDICES = "/families/{family_id:int}/assessments/{assessment_id:int}/appendices"


def section_url(family_id: int, assessment_id: int) -> str:
    return f"/families/{family_id}/assessments/{assessment_id}/sections/appendices"


@post(APPENDICES, name="upload_appendix", request_max_body_size=MAX_BYTES + 64 * 1024)
async def upload(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
) -> Template | Redirect:
    access = family_access
    if not access.may_change:
        raise ReadOnlyAccess(access.reason)
    assessment = await service.assessment_in(access.family, assessment_id)
    data = await request.form()
    form = Form({k: clean_text(str(v)) for k, v in data.items() if not isinstance(v, UploadFile)})
    title = form.text("title", "Enter what the document is", max_length=200, label="Title")
    upload_file = data.get("file")
    content = b""
    media_type = None
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        form.error("file", "Select a file to attach")
    else:
        content = await upload_file.read()
        if not content:
            form.error("file", "The selected file is empty")
        elif len(content) > MAX_BYTES:
            form.error("file", f"The selected file must be smaller than {MAX_BYTES // 2**20}MB")
        else:
            # unpacking a container is CPU work: off the event loop
            checked = await asyncio.to_thread(file_types.check, content, upload_file.filename)
            media_type = checked.media_type
            if media_type is None:
                form.error("file", checked.problem)
    if not form.ok or media_type is None or not isinstance(upload_file, UploadFile):
        section = await service.section_of(assessment_id, "appendices")
        draft = await service.draft_of(section["id"], user_of(request).id)
        context = await section_context(request, access, assessment, section, Form(), draft)
        context["upload_form"] = form
        return Template("assessments/section.html", context=context, status_code=422)
    await attach(
        user_of(request),
        access.family,
        assessment,
        title,
        upload_file.filename,
        media_type,
        content,
        form.get("form_key"),
        request.url.path,
    )
    return see_other(section_url(family_id, assessment_id) + "#appendices")


@get(APPENDICES + "/{appendix_id:int}", name="download_appendix")
async def download(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
    appendix_id: FromPath[int],
) -> Response[bytes]:
    access = family_access
    assessment = await service.assessment_in(access.family, assessment_id)
    appendix = await appendix_in(assessment["id"], appendix_id)
    await audit.record(
        "appendix_downloaded",
        "success",
        actor=user_of(request),
        record_type="assessment_appendix",
        record_id=appendix.id,
        family_id=family_id,
        page=request.url.path,
    )
    extension = file_types.KINDS[appendix.media_type][0]
    return Response(
        bytes(appendix.data),
        media_type=appendix.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="appendix-{appendix.id}.{extension}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@post(APPENDICES + "/{appendix_id:int}/remove", name="remove_appendix")
async def remove(
    request: Request[Any, Any, Any],
    family_access: NamedDependency[FamilyAccess],
    family_id: FromPath[int],
    assessment_id: FromPath[int],
    appendix_id: FromPath[int],
) -> Redirect:
    access = family_access
    if not access.may_change:
        raise ReadOnlyAccess(access.reason)
    assessment = await service.assessment_in(access.family, assessment_id)
    appendix = await appendix_in(assessment["id"], appendix_id)
    user = user_of(request)
    await remove_appendix(user, appendix, family_id, request.url.path)
    return see_other(section_url(family_id, assessment_id) + "#appendices")


APPENDIX_HANDLERS = [upload, download, remove]
