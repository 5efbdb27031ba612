"""A PDF's text for the tests that read what a PDF says (pdftotext, from poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess

from tests.conftest import need


def pdf_text(content: bytes, tmp_path) -> str:
    """The PDF's text in reading order (no -layout, so a table cell's lines stay together)."""
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
