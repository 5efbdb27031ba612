"""Build the benchmark trust (`make bench`, BENCHMARKS.md) into its own PostgreSQL database."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from staff import deadline_cache

from ... import bench_world


class Command(BaseCommand):
    help = (
        "Drop and rebuild the benchmark database (its name must contain 'bench') with a trust of "
        "N schools: one measured school of 2,000 pupils and the others about 900 on average."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--schools", type=int, default=110)
        parser.add_argument(
            "--measured-pupils", type=int, default=2000, help="Pupils of the measured school."
        )
        parser.add_argument(
            "--keep", action="store_true", help="Build into the current database, not a new one."
        )
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="Do nothing when the database already holds a trust of this many schools.",
        )

    def handle(self, *args, schools: int, measured_pupils: int, keep: bool, **options) -> None:
        if schools < 1:
            raise CommandError("--schools must be at least 1.")
        if options["if_needed"] and bench_world.built_already(schools):
            # A world built before the latest migrations is brought up to date, not rebuilt.
            call_command("migrate", "--noinput", verbosity=0)
            self.stdout.write(f"The {schools}-school benchmark trust is there already.")
            added = bench_world.bring_up_to_date(today=timezone.localdate())
            if added:
                # Bulk inserts send no signals: no school's kept deadlines stand.
                deadline_cache.changed(None)
                self.stdout.write(
                    f"  {added} rows added (draft termly reports; outside agencies, Early Help "
                    "and exam access arrangements; classes for pupils in none)."
                )
            return
        started = time.monotonic()
        if not keep:
            try:
                name = bench_world.recreate_database()
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Fresh database {name}, migrated.")
        found = bench_world.build(
            schools=schools,
            today=timezone.localdate(),
            measured_pupils=measured_pupils,
            say=self.stdout.write,
        )
        deadline_cache.changed(None)  # bulk inserts send no signals: no school's answer stands
        for label, value in found.items():
            self.stdout.write(f"  {label:<15} {value:>10,}")
        self.stdout.write(f"Built in {time.monotonic() - started:.0f} s.")
