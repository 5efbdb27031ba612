"""MIS import, between the dry run and "Apply": the file waits on the server, under a random
name in var/imports/ (outside every URL), for at most an hour.

The session holds only its token, the sha256 of its bytes and the fingerprint of the dry run
shown (`pending`); no pupil data travels through the form. `take` gives the bytes back only for
the latest dry run of this school, within the hour, unchanged; otherwise it says why not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings

LIFETIME = timedelta(hours=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


class Refused(Exception):  # noqa: N818 - a refusal, with the message the person reads
    """The stored dry run cannot be applied; the message says why and what to do."""


def import_dir() -> Path:
    """Where files wait between the dry run and Apply (MIS_IMPORT_DIR, or var/imports)."""
    folder = Path(getattr(settings, "MIS_IMPORT_DIR", settings.BASE_DIR / "var" / "imports"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path:
    if not _TOKEN.match(token):
        raise ValueError("not a token")
    return import_dir() / f"{token}.csv"


def store(raw: bytes) -> str:
    """Keep the file's bytes (readable by this process only); returns its token."""
    token = secrets.token_urlsafe(32)
    descriptor = os.open(_path(token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(raw)
    return token


def discard(token: str | None) -> None:
    if token:
        with contextlib.suppress(ValueError):
            _path(token).unlink(missing_ok=True)


def sweep(now: datetime) -> None:
    """Delete files older than an hour, so no pupil list waits on disk for a dry run forgotten."""
    cutoff = (now - LIFETIME).timestamp()
    for path in import_dir().glob("*.csv"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)


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
    try:
        raw = _path(token).read_bytes()
    except (ValueError, FileNotFoundError):
        raw = None
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
