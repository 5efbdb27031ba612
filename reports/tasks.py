"""Thin Celery tasks: they take ids, load the rows and send. Enqueued on commit by services."""

from __future__ import annotations

from celery import shared_task

from . import emails


# acks_late with reject_on_worker_lost: a task whose worker dies goes back to the queue and runs
# again; a retry after a failed send emails only the governors not told yet (emails.py says how).
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def email_governors(report_id: int, by_id: int | None = None) -> int:
    """Email a published report to its school's governors not told yet; returns how many."""
    return emails.email_governors(report_id=report_id, by_id=by_id)
