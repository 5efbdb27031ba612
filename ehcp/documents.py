"""Checks on uploaded documents (advice for annual reviews).

A document is accepted by what its bytes are, never by its name's extension or the content type
the browser sent: a PDF, a Word document (.docx), a PNG or a JPEG picture. The content type
returned here is the one stored and served back.
"""

from __future__ import annotations

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
ACCEPTED = "a PDF, a Word document (.docx), or a PNG or JPEG picture"
MEGABYTE = 1024 * 1024


def _megabytes(size: int) -> str:
    """12.3 MB, 10 MB; under a megabyte in KB (250 KB)."""
    value = size / MEGABYTE
    if value < 1:
        return f"{max(1, round(size / 1024))} KB"
    return f"{value:.1f}".removesuffix(".0") + " MB"


def _is_docx(file) -> bool:
    """A Word document is a zip holding word/document.xml. Only the zip's directory is read:
    nothing is decompressed, so a zip bomb costs nothing here."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        file.seek(0)


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
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(ZIP_MAGIC) and _is_docx(file):
        return DOCX
    raise ValidationError(
        f"This file is not {ACCEPTED}, whatever its name says: save it as one of those and "
        "upload it again.",
        code="type",
    )
