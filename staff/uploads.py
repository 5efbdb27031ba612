"""Uploads larger than the limit are refused before they are written to disk.

Django streams an upload bigger than FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) into a temporary file,
and a form could only refuse it once the whole of it was there. `SizeLimitUploadHandler` comes
first in FILE_UPLOAD_HANDLERS and decides before any other handler sees a file:

- a request whose Content-Length is over DOCUMENT_MAX_BYTES (plus ALLOWANCE for the form's other
  fields) is too large as soon as its headers are read: no later handler is told of its file, so
  no temporary file is ever created, and every byte of the file is read and dropped;
- otherwise the bytes of each file are counted as they arrive, and a file passing the limit is
  dropped from there on (the later handlers are given nothing more).

Either way the form gets a `RefusedUpload` in the file's place: its name and its real size but
no content, so the form's size check says "The file is larger than 10 MB" and the rest of the
form, which the browser sent around the file, is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

ALLOWANCE = 256 * 1024  # the other fields and the multipart headers around the file


class RefusedUpload(UploadedFile):
    """A file too large to keep: its name and size, and no content to read."""

    def __init__(self, *, name: str, size: int, content_type: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def read(self, *args, **kwargs):
        raise ValueError("This upload was larger than the limit and was not kept.")

    def seek(self, *args, **kwargs):
        raise ValueError("This upload was larger than the limit and was not kept.")

    def chunks(self, *args, **kwargs):
        raise ValueError("This upload was larger than the limit and was not kept.")

    def open(self, mode=None):
        raise ValueError("This upload was larger than the limit and was not kept.")

    def close(self) -> None:
        pass


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: refuses a file over DOCUMENT_MAX_BYTES as early as it can
    tell, so nothing of it is written to disk (see the module's docstring)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = settings.DOCUMENT_MAX_BYTES
        self.request_too_large = content_length > self.limit + ALLOWANCE
        return None  # go on parsing, to keep the form's other fields

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.too_large = self.request_too_large
        if self.too_large:
            raise StopFutureHandlers  # the later handlers never open a file for it

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if not self.too_large and start + len(raw_data) > self.limit:
            self.too_large = True
            self._drop_later_files()
        return None if self.too_large else raw_data

    def _drop_later_files(self) -> None:
        """Close (and so delete) what the later handlers began for this file: a temporary file
        holding at most the limit's bytes, gone before the request ends."""
        for handler in self.request.upload_handlers:
            file = getattr(handler, "file", None) if handler is not self else None
            if file is not None and hasattr(file, "close"):
                file.close()

    def file_complete(self, file_size: int) -> RefusedUpload | None:
        if not self.too_large:
            return None  # the next handler (memory or temporary file) hands over the file
        return RefusedUpload(name=self.file_name, size=file_size, content_type=self.content_type)
