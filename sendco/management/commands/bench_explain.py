"""`manage.py bench_explain`: every query of every page of `make bench`, through EXPLAIN.

Issue 15 asks that no list page read a whole table. This command opens each page of the bench's
plan (`bench_prepare` writes it) as each role, catches its queries, and asks PostgreSQL for each
one's plan: it lists every sequential scan of a table larger than `--rows` (by the planner's
statistics), which at the 110-school trust would be a whole-table read. Run it against the
benchmark's database after `make bench`; it writes nothing but the audit events of the reads.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from staff.models import School

from ... import bench_signin
from ...bench_world import MEASURED_SLUG


def _scans(node: dict) -> list[tuple[str, str]]:
    """(table, node type) of every scan node in a plan."""
    found = []
    if "Relation Name" in node:
        found.append((node["Relation Name"], node["Node Type"]))
    for child in node.get("Plans", []):
        found.extend(_scans(child))
    return found


class Command(BaseCommand):
    help = "EXPLAIN every query of every bench page; list sequential scans of large tables."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--plan", default="var/bench/plan.json")
        # 10,000: a table the 110-school trust fills past that is read whole only by mistake (a
        # subquery without its school, as the Pupil Premium's and the referrals' waits were).
        parser.add_argument("--rows", type=int, default=10_000)

    def handle(self, *args, plan: str, rows: int, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("EXPLAIN plans are PostgreSQL's: run it on the bench database.")
        bench = json.loads(Path(plan).read_text())
        # Fresh sessions: those of the plan may have passed their idle limit since the bench.
        bench["sessions"] = bench_signin.sessions(School.objects.get(slug=MEASURED_SLUG))
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind IN ('r', 'p')")
            sizes = {name: int(n) for name, n in cursor.fetchall()}
        big = {name for name, n in sizes.items() if n > rows}
        checked = whole = 0
        for page in bench["pages"]:
            if page["pdf"]:
                continue
            for role in page["roles"]:
                client = Client(HTTP_X_FORWARDED_PROTO="https", SERVER_NAME="localhost")
                client.cookies[bench["cookie"]] = bench["sessions"][role]
                with CaptureQueriesContext(connection) as caught:
                    status = client.get(page["path"], secure=True).status_code
                if status != 200:
                    raise CommandError(f"{page['name']} as {role} answered {status}")
                for query in caught.captured_queries:
                    sql = query["sql"]
                    if not sql.lstrip().upper().startswith("SELECT"):
                        continue
                    checked += 1
                    with connection.cursor() as cursor:
                        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                        explained = cursor.fetchone()[0]
                    tree = explained[0]["Plan"] if isinstance(explained, list) else explained
                    for table, kind in _scans(tree):
                        if kind == "Seq Scan" and table in big:
                            whole += 1
                            self.stdout.write(
                                f"{page['name']} ({role}): Seq Scan on {table} "
                                f"({sizes[table]:,} rows): {sql[:160]}"
                            )
        self.stdout.write(
            f"{checked} SELECTs explained; {whole} sequential scans of tables over {rows:,} rows."
        )
