"""The audit log's retention rule (PostgreSQL): each monthly partition wholly older than
AUDIT_RETENTION_MONTHS is written to AUDIT_EXPORT_DIR as JSON lines, then detached and dropped.
Keep the export directory on storage that outlives the server (and copy it to the trust's
archive): once the partition is dropped, the file is the only copy in sendco's keeping."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from staff import audit_partitions


class Command(BaseCommand):
    help = "Export, then drop, the audit log's months older than AUDIT_RETENTION_MONTHS."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--keep-months", type=int, default=settings.AUDIT_RETENTION_MONTHS)
        parser.add_argument("--export-dir", type=Path, default=settings.AUDIT_EXPORT_DIR)
        parser.add_argument("--dry-run", action="store_true", help="Only list the months.")

    def handle(self, *args, keep_months: int, export_dir: Path, dry_run: bool, **options):
        today = timezone.now().date()
        for month in audit_partitions.expired(today=today, keep_months=keep_months):
            if dry_run:
                self.stdout.write(f"would export and drop {month.name}")
                continue
            path = audit_partitions.retire(month, export_dir=export_dir)
            self.stdout.write(f"exported {month.name} to {path}, then dropped it")
