"""Thin Celery tasks: they take ids, load the rows and send. Enqueued on commit by services."""

from __future__ import annotations

from celery import shared_task

from . import emails


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def email_link(link_id: int, code: str) -> bool:
    """Email a parent their secure link (once)."""
    return emails.email_link(link_id=link_id, code=code)
