"""Where uploaded documents about pupils are kept: the local volume (the default) or an
S3-compatible bucket (DOCUMENTS_STORAGE=s3), so that web processes on several machines see the
same files.

Either way a document has no URL of its own. The only way to read one is the permission-checked
view that streams it (ehcp/views/advice.py, `document`), which audits the reading. A presigned
link, once made, works for whoever holds it until it expires, and a public one for ever: neither
may exist, so `url()` refuses rather than hand one out.
"""

from __future__ import annotations

from storages.backends.s3 import S3Storage


class DocumentsS3Storage(S3Storage):
    """django-storages' S3 backend with private objects, no overwriting and no URLs."""

    def __init__(self, **settings) -> None:
        settings.setdefault("default_acl", None)  # the bucket's own policy: private
        settings.setdefault("file_overwrite", False)  # as on disk: a new name, never a clobber
        settings.setdefault("querystring_auth", True)
        super().__init__(**settings)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(
            "Documents have no URL: they are served only through the permission-checked view."
        )
