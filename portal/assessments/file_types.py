"""What kind of file an appendix is, judged from its bytes, never trusted
from its name or the browser (SECURITY.md 29).

Office and OpenDocument files are ZIP containers, and a container can be a
bomb: a 2 MB file whose one member inflates to gigabytes. So a container is
judged from its directory and at most a few hundred inflated bytes of one
member, with caps on the members and their declared size; its own type must
be an office document's (a ZIP whose `mimetype` says PDF is no PDF); files
carrying macros are refused. The caller runs this off the event loop.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
ALLOWED = "a PDF, Word, Excel, OpenDocument, RTF, JPG or PNG file"
MAX_MEMBERS = 5_000
MAX_INFLATED = 200 * 1024 * 1024  # declared total: real documents are far smaller
MIMETYPE_BYTES = 200

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
# media type -> (extension used for downloads, extensions accepted on upload)
KINDS: dict[str, tuple[str, frozenset[str]]] = {
    "application/pdf": ("pdf", frozenset({"pdf"})),
    "image/png": ("png", frozenset({"png"})),
    "image/jpeg": ("jpg", frozenset({"jpg", "jpeg"})),
    "application/rtf": ("rtf", frozenset({"rtf"})),
    "application/msword": ("doc", frozenset({"doc"})),
    "application/vnd.ms-excel": ("xls", frozenset({"xls"})),
    DOCX: ("docx", frozenset({"docx"})),
    XLSX: ("xlsx", frozenset({"xlsx"})),
    ODT: ("odt", frozenset({"odt"})),
    ODS: ("ods", frozenset({"ods"})),
}
CONTAINER_KINDS = frozenset({DOCX, XLSX, ODT, ODS})
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Checked:
    media_type: str | None  # None: refused, and ``problem`` says why
    problem: str = ""


NOT_ALLOWED = Checked(None, f"The selected file must be {ALLOWED}")
MACROS = Checked(None, "The selected file contains macros: save it without them and try again")


def check(data: bytes, filename: str) -> Checked:
    """The file's media type from its first bytes (and, for containers, its
    directory); refused when not on the allowlist or its name disagrees."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kind: str | None = None
    if data.startswith(b"%PDF-"):
        kind = "application/pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif data.startswith(b"{\\rtf"):
        kind = "application/rtf"
    elif data.startswith(OLE):
        kind = "application/vnd.ms-excel" if extension == "xls" else "application/msword"
    elif data.startswith(b"PK\x03\x04"):
        container = container_type(data)
        if container.media_type is None:
            return container
        kind = container.media_type
    if kind is None or extension not in KINDS[kind][1]:
        return NOT_ALLOWED
    return Checked(kind)


def container_type(data: bytes) -> Checked:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_INFLATED:
                return NOT_ALLOWED
            names = {m.filename for m in members}
            if any(n.lower().endswith("vbaproject.bin") or n.startswith("Basic/") for n in names):
                return MACROS
            if "mimetype" in names:
                with archive.open("mimetype") as member:  # inflates only what is read
                    declared = member.read(MIMETYPE_BYTES).decode("ascii", "replace").strip()
                return Checked(declared) if declared in (ODT, ODS) else NOT_ALLOWED
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, RuntimeError, OSError):
        return NOT_ALLOWED
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return Checked(DOCX)
        if any(n.startswith("xl/") for n in names):
            return Checked(XLSX)
    return NOT_ALLOWED
