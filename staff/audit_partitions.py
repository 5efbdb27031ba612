"""The audit table's monthly partitions on PostgreSQL (migration 0007 made it partitioned).

Each month of events is a table of its own (`staff_auditevent_2026_11`), so a page of the log
reads only the months it reaches and the retention rule removes a whole month at once, without
a DELETE (which the append-only trigger refuses anyway). Months are created ahead of time, by
`migrate` and monthly by beat; a DEFAULT partition takes any row no month holds (a clock far
off, a month not yet created), so writing an event never fails for want of a partition.

Creating, detaching and dropping partitions needs the table owner's rights: where the
application's database role is not the owner, run `manage.py audit_partitions` and
`manage.py audit_retention` as the owner (the role that runs migrations).

SQLite (`make run`) keeps the plain table: every function here does nothing there."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.db import connection, transaction

from .models import AuditEvent

TABLE = "staff_auditevent"
DEFAULT = f"{TABLE}_default"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Month:
    """One month's partition: events from `starts` (inclusive) to `ends` (exclusive), UTC."""

    starts: date

    @property
    def ends(self) -> date:
        return add_months(self.starts, 1)

    @property
    def name(self) -> str:
        return f"{TABLE}_{self.starts:%Y_%m}"

    def bounds(self) -> tuple[datetime, datetime]:
        return _utc(self.starts), _utc(self.ends)


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month (before it if negative)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def is_partitioned() -> bool:
    """True on PostgreSQL once migration 0007 has run."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def months() -> list[Month]:
    """The monthly partitions that exist, oldest first (the DEFAULT partition is not one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits"
            " JOIN pg_class parent ON parent.oid = pg_inherits.inhparent"
            " JOIN pg_class child ON child.oid = pg_inherits.inhrelid"
            " WHERE parent.relname = %s AND child.relname <> %s",
            [TABLE, DEFAULT],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        year, month = name.removeprefix(f"{TABLE}_").split("_")
        found.append(Month(date(int(year), int(month), 1)))
    return sorted(found, key=lambda m: m.starts)


def ensure_default() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE IF NOT EXISTS "{DEFAULT}" PARTITION OF "{TABLE}" DEFAULT')


def partitions_ahead(*, today: date, ahead: int, since: date | None = None) -> list[str]:
    """Create the monthly partitions from `since`'s month (default: this month) to `ahead`
    months after this one, those missing only; returns the names created. A month whose events
    already sit in the DEFAULT partition is left there (moving them would need a DELETE, which
    the append-only rule refuses): it is logged, and its events stay readable."""
    if not is_partitioned():
        return []
    ensure_default()
    have = {m.starts for m in months()}
    first, last = (since or today).replace(day=1), add_months(today, ahead)
    created, month = [], first
    while month <= last:
        if month not in have and _create(Month(month)):
            created.append(Month(month).name)
        month = add_months(month, 1)
    return created


def _create(month: Month) -> bool:
    starts, ends = month.bounds()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM staff_auditevent_default"
            " WHERE created_at >= %s AND created_at < %s)",
            [starts, ends],
        )
        if cursor.fetchone()[0]:
            log.warning("audit partition %s not created: its events are in the default", month.name)
            return False
        cursor.execute(  # our own names and dates: DDL takes no parameters
            f'CREATE TABLE "{month.name}" PARTITION OF "{TABLE}"'
            f" FOR VALUES FROM ('{starts.isoformat()}') TO ('{ends.isoformat()}')"
        )
    return True


def expired(*, today: date, keep_months: int) -> list[Month]:
    """The monthly partitions wholly older than the `keep_months` months before this one
    (none when `keep_months` is 0: keep everything)."""
    if keep_months <= 0 or not is_partitioned():
        return []
    cutoff = add_months(today, -keep_months)
    return [m for m in months() if m.ends <= cutoff]


def retire(month: Month, *, export_dir: Path) -> Path:
    """Write the month's events to `export_dir` as JSON lines (the format the separate store
    receives, `AuditEvent.as_json_line`), flushed to disk, then detach and drop its partition.
    An export that fails leaves the partition in place."""
    export_dir.mkdir(parents=True, exist_ok=True)
    path = export_dir / f"audit-{month.starts:%Y-%m}.jsonl"
    partial = path.with_suffix(".jsonl.partial")
    starts, ends = month.bounds()
    events = AuditEvent.objects.filter(created_at__gte=starts, created_at__lt=ends)
    with partial.open("w", encoding="utf-8") as out:
        for event in events.order_by("created_at", "id").iterator(chunk_size=5000):
            out.write(event.as_json_line() + "\n")
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{TABLE}" DETACH PARTITION "{month.name}"')
        cursor.execute(f'DROP TABLE "{month.name}"')
    return path
