"""Thin Celery tasks: they take ids, load the rows and send. Enqueued on commit by services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Membership, User


def _set_password_url(user: User, url_name: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse(url_name, kwargs={"uidb64": uid, "token": token})


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(membership_id: int) -> None:
    membership = (
        Membership.objects.select_related("user", "school", "invited_by")
        .filter(pk=membership_id, ended_at__isnull=True, user__is_active=True)
        .first()
    )
    if membership is None:  # ended before the email went out: send nothing
        return
    user = membership.user
    context = {
        "membership": membership,
        "user": user,
        "school": membership.school,
        "set_password_url": None
        if user.has_usable_password()
        else _set_password_url(user, "invitation_accept"),
        "login_url": settings.SITE_URL + reverse("login"),
    }
    send_mail(
        subject=f"You have been added to {membership.school.name} on sendco",
        message=render_to_string("staff/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset_email(user_id: int, locked_from: str | None = None) -> None:
    """A link to choose a new password; with `locked_from`, the notice that the account has just
    been locked by wrong passwords from that address, whose link also lifts the lock."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {
        "user": user,
        "reset_url": _set_password_url(user, "password_reset_confirm"),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "locked_from": locked_from,
        "cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
    send_mail(
        subject="Your sendco account is locked" if locked_from else "Reset your sendco password",
        message=render_to_string(
            "staff/email/locked_out.txt" if locked_from else "staff/email/password_reset.txt",
            context,
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@shared_task
def audit_partitions_ahead() -> list[str]:
    """Beat, monthly: the audit log's partitions for the coming months (PostgreSQL)."""
    from django.utils import timezone

    from . import audit_partitions

    return audit_partitions.partitions_ahead(
        today=timezone.now().date(), ahead=settings.AUDIT_PARTITIONS_AHEAD
    )


@shared_task
def restamp_unstamped() -> int:
    """Beat, every minute: new stamps for the schools written to while the cache was out of
    reach (staff.deadline_cache), so nothing kept before the outage outlives it by more."""
    from . import deadline_cache

    return deadline_cache.restamp_unstamped()
