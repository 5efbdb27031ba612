"""`make run`'s demo on SQLite, the database it uses: no page its SENDCo reaches answers 500.
The suite runs on PostgreSQL, which accepts some SQL SQLite refuses (an ORDER BY inside a
UNION gave every pupil page with Early Help a 500 in the demo alone)."""

from __future__ import annotations

from tests.sqlite.on_sqlite import run_on_sqlite


def test_the_demo_s_pages_answer_on_sqlite(tmp_path):
    done = run_on_sqlite("tests.sqlite.demo_pages", tmp_path, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert " 0 answered 500" in done.stdout
