"""Writes of the top floor that a person makes from a page: reading notifications, their digest
choice and calendar feed, and running the school's reminder scan now. Each audits what needs it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from staff.models import User
from staff.services import audit
from staff.tenancy import Access

from . import reminders
from .models import Notification, ReminderSettings


def notification_read(*, notification: Notification) -> Notification:
    """Mark one notification read (once: the first time it was opened)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def digest_choose(*, settings: ReminderSettings, digest: str) -> ReminderSettings:
    settings.digest = digest
    settings.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    settings.save(update_fields=["digest"])
    return settings


@transaction.atomic
def feed_create(*, user: User) -> str:
    """A new secret for the person's calendar feed (the old one stops working); shown once."""
    token = reminders.feed_create(user=user)
    audit(action="reminders.feed_created", actor=user)
    return token


@transaction.atomic
def feed_revoke(*, user: User) -> None:
    reminders.feed_revoke(user=user)
    audit(action="reminders.feed_revoked", actor=user)


def scan_now(*, access: Access, today: date) -> int:
    """Run the school's reminder scan now (the daily scan does the same each morning); returns
    how many notifications were new."""
    created = reminders.scan_school(school=access.school, today=today)
    audit(
        action="reminders.scan_run",
        actor=access.user,
        school=access.school,
        role=access.role,
        detail={"created": created},
    )
    return created
