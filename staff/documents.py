"""Checks on uploaded documents (review advice, training certificates), RELIABILITY FU-01.

A document is accepted by what its bytes are, never by the content type the browser sent: a PDF,
a Word document (.docx), a PNG or a JPEG picture; and its name must end in an extension of that
type (a PDF named .html or .exe is refused), so whoever opens the download later opens what it
says it is. A Word document is a zip: its directory is read, never its contents, and one holding
more than MAX_PARTS parts or unpacking to more than MAX_UNPACKED_BYTES is refused (a zip bomb).
The content type returned here is the one stored and served back; `safe_name` is the name the
download is given.
"""

from __future__ import annotations

import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"

MAGIC = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
ZIP_MAGIC = b"PK\x03\x04"
EXTENSIONS = {PDF: (".pdf",), DOCX: (".docx",), PNG: (".png",), JPEG: (".jpg", ".jpeg")}
MAX_PARTS = 1000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
ACCEPTED = "a PDF, a Word document (.docx), or a PNG or JPEG picture"
MEGABYTE = 1024 * 1024


def _megabytes(size: int) -> str:
    """12.3 MB, 10 MB; under a megabyte in KB (250 KB)."""
    value = size / MEGABYTE
    if value < 1:
        return f"{max(1, round(size / 1024))} KB"
    return f"{value:.1f}".removesuffix(".0") + " MB"


def _docx_check(file) -> bool:
    """Whether the zip is a Word document (it holds word/document.xml), refusing one too big
    once unpacked. Only the zip's directory is read: nothing is decompressed here."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        file.seek(0)
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise ValidationError(
            f"This Word document unpacks to more than {_megabytes(MAX_UNPACKED_BYTES)} or holds "
            f"more than {MAX_PARTS:,} parts, which no advice needs: save it again from Word, or "
            "as a PDF, and upload that.",
            code="archive",
        )
    return any(p.filename == "word/document.xml" for p in parts)


def _content_type(file) -> str:
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(ZIP_MAGIC) and _docx_check(file):
        return DOCX
    raise ValidationError(
        f"This file is not {ACCEPTED}, whatever its name says: save it as one of those and "
        "upload it again.",
        code="type",
    )


def check_upload(file) -> str:
    """The content type of an acceptable document, or a ValidationError saying what is wrong."""
    size = file.size
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            f"The file is larger than {_megabytes(limit)} (it is {_megabytes(size)}): make it "
            "smaller, for example by scanning at a lower resolution or saving it as a PDF, and "
            "upload it again.",
            code="too_big",
        )
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    content_type = _content_type(file)
    extensions = EXTENSIONS[content_type]
    if not (file.name or "").lower().endswith(extensions):
        raise ValidationError(
            f"This file is {KINDS[content_type]} but its name does not end in "
            f"{extensions[0]}: rename it to end in {extensions[0]} and upload it again.",
            code="extension",
        )
    return content_type


KINDS = {PDF: "a PDF", DOCX: "a Word document", PNG: "a PNG picture", JPEG: "a JPEG picture"}


def safe_name(name: str, content_type: str) -> str:
    """The uploader's file name made safe to give back in a download: no folders, no control
    characters, at most 200 characters, ending in an extension of its type."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '"<>:|?*').strip(" .")
    extensions = EXTENSIONS.get(content_type, ("",))
    extension = next((e for e in extensions if e and name.lower().endswith(e)), extensions[0])
    stem = name[: len(name) - len(extension)] if name.lower().endswith(extension) else name
    stem = stem[: 200 - len(extension)].strip(" .") or "document"
    return f"{stem}{extension}"


def stored_suffix(content_type: str) -> str:
    """The extension a stored document is given: from what its bytes are, never its name."""
    return EXTENSIONS.get(content_type, (".bin",))[0].lstrip(".")
