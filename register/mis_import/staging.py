"""MIS import, between the dry run and "Apply": the file waits on the server, under a random
name in var/imports/ (outside every URL), for at most an hour. With documents in S3
(DOCUMENTS_STORAGE=s3) it waits in the documents bucket instead, under imports/, so that Apply
works whichever web process or machine it reaches (SCALING.md).

The session holds only its token, the sha256 of its bytes and the fingerprint of the dry run
shown (`pending`); no pupil data travels through the form. `take` gives the bytes back only for
the latest dry run of this school, within the hour, unchanged; otherwise it says why not.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

LIFETIME = timedelta(hours=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


class Refused(Exception):  # noqa: N818 - a refusal, with the message the person reads
    """The stored dry run cannot be applied; the message says why and what to do."""


def import_dir() -> Path:
    """Where files wait between the dry run and Apply (MIS_IMPORT_DIR, or var/imports)."""
    folder = Path(getattr(settings, "MIS_IMPORT_DIR", settings.BASE_DIR / "var" / "imports"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _storage() -> tuple[Storage, str]:
    """The storage the files wait in, and the folder in it: the bucket shared by every web
    process when documents are in S3, otherwise this machine's import_dir()."""
    if settings.DOCUMENTS_STORAGE == "s3":
        return storages["documents"], "imports/"
    return FileSystemStorage(location=import_dir(), file_permissions_mode=0o600), ""


def _name(token: str) -> tuple[Storage, str]:
    if not _TOKEN.match(token):
        raise ValueError("not a token")
    storage, folder = _storage()
    return storage, f"{folder}{token}.csv"


def store(raw: bytes) -> str:
    """Keep the file's bytes (readable by this process only); returns its token."""
    token = secrets.token_urlsafe(32)
    storage, name = _name(token)
    storage.save(name, ContentFile(raw))  # a new name: 256 random bits are never taken
    return token


def discard(token: str | None) -> None:
    if token:
        with contextlib.suppress(ValueError):
            storage, name = _name(token)
            storage.delete(name)


def sweep(now: datetime) -> None:
    """Delete files older than an hour, so no pupil list waits on disk for a dry run forgotten."""
    storage, folder = _storage()
    for file in storage.listdir(folder)[1]:
        if not file.endswith(".csv"):
            continue
        with contextlib.suppress(FileNotFoundError):
            if storage.get_modified_time(f"{folder}{file}") < now - LIFETIME:
                storage.delete(f"{folder}{file}")


def _read(token: str) -> bytes | None:
    try:
        storage, name = _name(token)
        with storage.open(name, "rb") as file:
            return file.read()
    except (ValueError, FileNotFoundError):
        return None


def pending(*, token: str, sha256: str, fingerprint: str, school_id: int, now: datetime) -> dict:
    """What the session keeps about a stored dry run."""
    return {
        "token": token,
        "sha256": sha256,
        "fingerprint": fingerprint,
        "school": school_id,
        "stored_at": now.timestamp(),
    }


def is_latest(token: str, pending: dict) -> bool:
    """The token posted is the one of the person's latest dry run (compared in constant time)."""
    expected = str(pending.get("token", "")).encode()
    return bool(token) and secrets.compare_digest(token.encode(), expected)


def take(*, token: str, pending: dict, school_id: int, now: datetime) -> bytes:
    """The stored file of the latest dry run (`is_latest`), if it was for this school, is not
    older than LIFETIME and is unchanged; otherwise it is deleted and Refused says why."""
    if pending.get("school") != school_id:
        discard(token)
        raise Refused("That dry run was for another school. Upload the file again.")
    raw = _read(token)
    if raw is None or now.timestamp() - pending.get("stored_at", 0) > LIFETIME.total_seconds():
        discard(token)
        raise Refused(
            "That dry run has expired (they last an hour). Upload the file again to see a "
            "fresh dry run."
        )
    if not secrets.compare_digest(hashlib.sha256(raw).hexdigest(), pending["sha256"]):
        discard(token)
        raise Refused("The stored file has changed. Upload the file again.")
    return raw
