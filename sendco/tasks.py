"""The reminder tasks. Beat enqueues `daily_reminders` once a day (Europe/London); the work is
idempotent, so a retry, a second worker or an on-demand run never tells anyone twice."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import reminders


# acks_late with reject_on_worker_lost: if the process running the scan dies (a killed worker,
# or a pool process killed under prefork), the message goes back to the queue and the scan runs
# again; it is idempotent, so nobody is told twice.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def daily_reminders(today: str | None = None) -> dict:
    """Scan every school, then send the digests that are due."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    created = reminders.scan_all(today=day)
    sent = reminders.send_digests(today=day)
    return {"created": created, "digests": sent}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def scan_school(school_id: int, today: str | None = None) -> int:
    """Scan one school on demand (the SENDCo's "check now")."""
    from staff.models import School

    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return 0
    day = date.fromisoformat(today) if today else timezone.localdate()
    return reminders.scan_school(school=school, today=day)
