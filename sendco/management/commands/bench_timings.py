"""The slow jobs of `make bench`: the nightly scan, and a 10,000-row MIS import (rolled back)."""

from __future__ import annotations

import csv
import io
import json
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from register.mis_import import applying, parsing, planning
from register.models import Pupil
from staff.models import School
from staff.tenancy import access_for

from ... import reminders
from ...bench_world import MEASURED_SLUG


class Command(BaseCommand):
    help = "Time the nightly scan of every school and a 10,000-row MIS import; print JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=10_000)

    def handle(self, *args, rows: int, **options) -> None:
        today = timezone.localdate()
        started = time.monotonic()
        reminders.scan_all(today=today)
        found = {"nightly scan": time.monotonic() - started}
        found["schools scanned"] = School.objects.count()
        found.update(_import(rows, today))
        self.stdout.write(json.dumps(found))


def mis_file(school: School, rows: int) -> bytes:
    """The measured school's roll as its MIS exports it (one change in ten), then new pupils up
    to `rows` lines."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["UPN", "Legal Forename", "Legal Surname", "DOB", "Sex", "Year", "Reg Group"])
    pupils = list(Pupil.objects.filter(school=school).order_by("pk")[:rows])
    for index, p in enumerate(pupils):
        first = p.legal_first_name + ("a" if index % 10 == 0 else "")
        born = f"{p.date_of_birth:%d/%m/%Y}"
        writer.writerow([p.upn, first, p.legal_last_name, born, p.sex, p.year_group, ""])
    for n in range(rows - len(pupils)):
        upn = _upn(n)
        writer.writerow([upn, "New", f"Pupil{n}", "01/09/2012", "F", "8", ""])
    return out.getvalue().encode()


def _upn(n: int) -> str:
    from register.upn import check_letter

    rest = f"999{9000 + n // 1000:04d}{12:02d}{n % 1000:03d}"
    return check_letter(rest) + rest


def _import(rows: int, today) -> dict[str, float]:
    """Parse, dry run and apply, inside a transaction that is rolled back."""
    school = School.objects.get(slug=MEASURED_SLUG)
    sendco = school.memberships.get(role="sendco").user
    raw = mis_file(school, rows)
    found = {}
    with transaction.atomic():
        started = time.monotonic()
        parsed = parsing.parse(raw)
        found["MIS import: read"] = time.monotonic() - started
        started = time.monotonic()
        plan = planning.plan(school=school, parsed=parsed, today=today)
        found["MIS import: dry run"] = time.monotonic() - started
        started = time.monotonic()
        applying.apply(school=school, plan=plan, access=access_for(sendco, school))
        found["MIS import: apply"] = time.monotonic() - started
        found["MIS import rows"] = rows
        transaction.set_rollback(True)
    return found
