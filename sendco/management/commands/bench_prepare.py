"""Sessions and the pages to load for `make bench`, as JSON for its load tool (scripts/bench)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from ... import bench_signin


class Command(BaseCommand):
    help = "Write a signed-in session per role of the measured school and its pages to a file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", default="var/bench/plan.json")

    def handle(self, *args, out: str, **options) -> None:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(bench_signin.load_plan(), indent=1))
        path.chmod(0o600)  # signed-in sessions
        self.stdout.write(f"Sessions and pages written to {path}.")
