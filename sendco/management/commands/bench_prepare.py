"""Sessions and the pages to load for `make bench`, as JSON for its load tool (scripts/bench)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from staff.models import School

from ... import bench_signin, compare, pages, vulnerable
from ...bench_world import MEASURED_SLUG


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
        # In production the morning's scan, and a worker after each write, leave what the
        # measured school's pages read kept (sendco.tasks, DEADLINE_WARM); the bench runs no
        # worker, so it does that here: the last run ended with a write (the MIS import).
        if getattr(settings, "DEADLINE_WARM", False):
            school = School.objects.select_related("trust").get(slug=MEASURED_SLUG)
            found = pages.warm(school=school, today=timezone.localdate())
            self.stdout.write(f"The measured school's {found} deadlines worked out and kept.")
            # The morning's scan warms every school's row of the trust's figures (pages.warm):
            # the vulnerable pupils' and the schools compared (counts, training, provision).
            today = timezone.localdate()
            vulnerable.trust_figures(trust=school.trust, today=today)
            started = time.monotonic()
            schools = list(School.objects.filter(trust=school.trust))
            for each in schools:
                compare.warm_row(school=each, today=today)
            self.stdout.write(
                f"{len(schools)} schools' rows of the comparison worked out and kept in "
                f"{time.monotonic() - started:.1f} s."
            )
