"""`make run`'s SQLite answers many requests at once without "database is locked" (a 500): each
transaction takes the write lock when it begins and waits for it (sendco/settings.py)."""

from __future__ import annotations

from tests.sqlite.on_sqlite import run_on_sqlite


def test_concurrent_requests_on_sqlite_never_give_a_500(tmp_path):
    done = run_on_sqlite("tests.sqlite.concurrent_requests", tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "{200: 120}" in done.stdout
