"""Run a module of this folder in its own process on a fresh SQLite file, the database `make run`
uses (the suite itself runs on PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_on_sqlite(module: str, tmp_path: Path, *, timeout: int) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", DEBUG="1")
    return subprocess.run(  # noqa: S603 - a module of this folder, named by its tests
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
