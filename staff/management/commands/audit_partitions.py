"""Create the audit table's monthly partitions ahead of time (PostgreSQL; nothing on SQLite).
Run by `migrate` (staff/apps.py) and monthly by beat; safe to run again."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from staff import audit_partitions


class Command(BaseCommand):
    help = "Create the audit log's monthly partitions for this month and the next few."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--ahead", type=int, default=settings.AUDIT_PARTITIONS_AHEAD)

    def handle(self, *args, ahead: int, **options) -> None:
        created = audit_partitions.partitions_ahead(today=timezone.now().date(), ahead=ahead)
        for name in created:
            self.stdout.write(f"created {name}")
