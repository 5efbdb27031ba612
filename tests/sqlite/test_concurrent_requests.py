"""`make run`'s SQLite answers many requests at once without "database is locked" (a 500): each
transaction takes the write lock when it begins and waits for it (sendco/settings.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_concurrent_requests_on_sqlite_never_give_a_500(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", DEBUG="1")
    done = subprocess.run(
        [sys.executable, "-m", "tests.sqlite.concurrent_requests"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "{200: 120}" in done.stdout
