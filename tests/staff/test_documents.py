"""Uploaded advice documents are accepted by what their bytes are, not by their names
(`staff/documents.py`), and the advice forms refuse anything else with a message."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import override_settings
from PIL import Image

from ehcp.forms import AdviceReceiveForm, AdviceSubmitForm
from staff.documents import DOCX, JPEG, PDF, PNG, check_upload, safe_name

MB = 1024 * 1024


def _pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def _docx() -> bytes:
    """The parts of a minimal Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Advice</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buffer.getvalue()


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def _xlsx() -> bytes:
    """A zip that is not a Word document (a spreadsheet's parts)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", _pdf(), PDF),
        ("advice.docx", _docx(), DOCX),
        ("scan.png", _image("PNG"), PNG),
        ("photo.jpg", _image("JPEG"), JPEG),
        ("Photo.JPEG", _image("JPEG"), JPEG),
        ("EP Report.PDF", _pdf(), PDF),
    ],
)
def test_accepted_documents_and_their_content_type(name, content, expected):
    file = upload(name, content, "application/octet-stream")
    assert check_upload(file) == expected
    assert file.tell() == 0  # left ready to be saved from the start
    assert file.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),  # a Windows .exe
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("letter.docx", _xlsx()),  # a zip, but not a Word document
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 60),  # says zip, is not one
        ("report.pdf", b" %PDF-1.4 but not at the start"),
        ("notes.pdf", b"Just some text"),
    ],
)
def test_other_files_are_refused_whatever_their_name(name, content):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    assert error.value.messages == [
        "This file is not a PDF, a Word document (.docx), or a PNG or JPEG picture, whatever "
        "its name says: save it as one of those and upload it again."
    ]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("empty.pdf", b""))
    assert error.value.messages == ["The file is empty."]


@override_settings(DOCUMENT_MAX_BYTES=10 * MB)
def test_a_file_over_the_limit_is_refused_with_its_size():
    file = TemporaryUploadedFile("big.pdf", "application/pdf", 0, None)
    file.write(_pdf() + b"\x00" * (int(12.3 * MB) - len(_pdf())))
    file.seek(0)
    file.size = int(12.3 * MB)
    with pytest.raises(ValidationError) as error:
        check_upload(file)
    file.close()
    assert error.value.messages == [
        "The file is larger than 10 MB (it is 12.3 MB): make it smaller, for example by "
        "scanning at a lower resolution or saving it as a PDF, and upload it again."
    ]


@override_settings(DOCUMENT_MAX_BYTES=1024)
def test_the_limit_comes_from_the_settings():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("report.pdf", _pdf() + b"\x00" * 2048))
    assert error.value.messages[0].startswith("The file is larger than 1 KB (it is 2 KB)")
    exactly = _pdf() + b"\x00" * (1024 - len(_pdf()))
    assert check_upload(upload("report.pdf", exactly)) == PDF


def test_the_advice_forms_check_the_document():
    form = AdviceSubmitForm(
        {"summary": "Reading is improving."},
        {"document": upload("advice.pdf", b"<html>not a pdf</html>")},
    )
    assert not form.is_valid()
    assert "This file is not a PDF" in form.errors["document"][0]

    form = AdviceReceiveForm(
        {"received_on": "2026-11-20", "summary": ""},
        {"document": upload("scan.png", _image("PNG"), "application/pdf")},
    )
    assert form.is_valid(), form.errors
    assert form.document_type == PNG  # what the bytes are, not what the browser said

    form = AdviceReceiveForm({"received_on": "2026-11-20", "summary": "By phone"})
    assert form.is_valid()
    assert form.cleaned_data["document"] is None
    assert form.document_type == ""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # Both the bytes and the name must say the same allowed type (RELIABILITY FU-01).
        ("report.txt", _pdf(), "This file is a PDF but its name does not end in .pdf"),
        ("page.html", _pdf(), "This file is a PDF but its name does not end in .pdf"),
        ("scan.exe", _image("PNG"), "This file is a PNG picture but its name does not end in .png"),
        ("no-extension", _image("PNG"), "This file is a PNG picture but its name does not end in"),
        ("photo.png", _image("JPEG"), "This file is a JPEG picture but its name does not end in"),
        ("advice.pdf", _docx(), "This file is a Word document but its name does not end in"),
    ],
)
def test_a_name_that_does_not_match_the_bytes_is_refused(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    [refusal] = error.value.messages
    assert refusal.startswith(message)
    assert "rename it" in refusal


def _docx_with(parts: int = 2, padding: int = 0) -> bytes:
    """A Word document with `parts` extra parts, one of them `padding` bytes once unpacked
    (zeros compress to almost nothing: a zip bomb in miniature)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_docx())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        for n in range(parts):
            archive.writestr(f"word/media/part{n}.bin", b"\x00" * (padding if n == 0 else 1))
    return buffer.getvalue()


def test_a_word_document_that_unpacks_too_big_or_into_too_many_parts_is_refused():
    assert check_upload(upload("ok.docx", _docx_with(parts=10, padding=MB))) == DOCX
    bomb = _docx_with(parts=1, padding=101 * MB)
    assert len(bomb) < MB  # small to upload, huge to open
    for content in (bomb, _docx_with(parts=1001)):
        with pytest.raises(ValidationError) as error:
            check_upload(upload("advice.docx", content))
        assert error.value.messages[0].startswith("This Word document unpacks to more than 100 MB")


@pytest.mark.parametrize(
    ("name", "content_type", "safe"),
    [
        ("EP report.pdf", PDF, "EP report.pdf"),
        ("../../etc/passwd.pdf", PDF, "passwd.pdf"),
        ("C:\\Users\\sendco\\Mina report.pdf", PDF, "Mina report.pdf"),
        ('re"port\r\nX-Evil: 1.pdf', PDF, "reportX-Evil 1.pdf"),
        ("scan.JPEG", JPEG, "scan.jpeg"),
        ("...", PDF, "document.pdf"),
        ("a" * 300 + ".docx", DOCX, "a" * 195 + ".docx"),
    ],
)
def test_the_download_name_is_made_safe(name, content_type, safe):
    assert safe_name(name, content_type) == safe
