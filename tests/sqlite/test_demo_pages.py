"""`make run`'s demo on SQLite, the database it uses: no page its SENDCo reaches answers 500.
The suite runs on PostgreSQL, which accepts some SQL SQLite refuses (an ORDER BY inside a
UNION gave every pupil page with Early Help a 500 in the demo alone)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_s_pages_answer_on_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", DEBUG="1")
    done = subprocess.run(
        [sys.executable, "-m", "tests.sqlite.demo_pages"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert " 0 answered 500" in done.stdout
