"""The file between the dry run and Apply (register.mis_import.staging), called directly: only
the latest dry run of this school, within the hour and unchanged, gives its bytes back."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta

import pytest

from register.mis_import import staging

NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def stored(settings, tmp_path):
    settings.MIS_IMPORT_DIR = tmp_path / "imports"
    token = staging.store(b"UPN,Forename\n")
    pending = staging.pending(
        token=token, sha256=_sha(b"UPN,Forename\n"), fingerprint="f", school_id=7, now=NOW
    )
    return token, pending


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def test_the_latest_dry_run_gives_its_bytes_back(stored):
    token, pending = stored
    assert staging.is_latest(token, pending)
    assert staging.take(token=token, pending=pending, school_id=7, now=NOW) == b"UPN,Forename\n"


@pytest.mark.parametrize("posted", ["", "x" * 43, "../../etc/passwd"])
def test_another_token_is_not_the_latest(stored, posted):
    _, pending = stored
    assert not staging.is_latest(posted, pending)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"school_id": 8}, "for another school"),
        ({"now": NOW + staging.LIFETIME + timedelta(seconds=1)}, "has expired"),
        ({"sha256": "0" * 64}, "has changed"),
    ],
)
def test_a_refused_dry_run_says_why_and_its_file_is_deleted(stored, change, message):
    token, pending = stored
    if "sha256" in change:
        pending = {**pending, "sha256": change["sha256"]}
    with pytest.raises(staging.Refused, match=message):
        staging.take(
            token=token,
            pending=pending,
            school_id=change.get("school_id", 7),
            now=change.get("now", NOW),
        )
    assert list(staging.import_dir().iterdir()) == []


def test_within_the_hour_is_not_expired(stored):
    token, pending = stored
    assert staging.take(token=token, pending=pending, school_id=7, now=NOW + staging.LIFETIME)


def test_the_sweep_deletes_only_files_older_than_an_hour(settings, tmp_path):
    settings.MIS_IMPORT_DIR = tmp_path / "imports"
    old, new = staging.store(b"old"), staging.store(b"new")
    hour_ago = (NOW - staging.LIFETIME - timedelta(seconds=1)).timestamp()
    os.utime(staging.import_dir() / f"{old}.csv", (hour_ago, hour_ago))
    os.utime(staging.import_dir() / f"{new}.csv", (NOW.timestamp(), NOW.timestamp()))
    staging.sweep(NOW)
    assert [p.stem for p in staging.import_dir().iterdir()] == [new]
