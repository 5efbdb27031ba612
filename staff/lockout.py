"""Sign-in abuse: how django-axes names the account being tried, what the owner of a locked
account is told, how a password reset clears the lock, and the limit on reset emails.

The threat model is in README.md ("Security: sign-in, lockout, password reset"). In short: a
colleague (or anyone who knows an address) may type wrong passwords to lock an account, or ask
for reset emails to flood a mailbox; they do not hold the victim's mailbox. The lock (AU-02)
stops password guessing; a reset link, which only the mailbox holder can use, lifts it at once,
so the lock cannot keep the real owner out; the reset limit stops the flood.
"""

from __future__ import annotations

import datetime as dt

from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditEvent, User, canonical_email
from .services import audit

RESET_REQUESTED = "auth.password_reset_requested"
RESET_LIMITED = "auth.password_reset_limited"
LOCKED_OUT = "auth.locked_out"


def username_for_lockout(request: HttpRequest, credentials: dict | None) -> str | None:
    """The lockout key is the address sign-in looks the account up by (`canonical_email`, which
    `User.objects.get_by_natural_key` uses too), so `ｔeacher＠School.org ` and
    `teacher@school.org` count towards one lock. Axes sometimes passes no credentials (its
    middleware's check) and the raw form value is read: it is folded the same way."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    return canonical_email(value) or None if value is not None else None


def _last_hour():
    return timezone.now() - dt.timedelta(hours=1)


def _reset_limit_reached(*, user: User | None, ip: str | None) -> str:
    """Which limit stops a reset email ("ip" or "address"), or "". Counted from the audit
    trail, which every worker shares: each request is one event with the client's address, each
    email sent (a reset link or a lock notice, which holds one) one event naming the account."""
    if ip:
        from_ip = AuditEvent.objects.filter(
            action__in=[RESET_REQUESTED, RESET_LIMITED], ip=ip, created_at__gte=_last_hour()
        )
        if from_ip.count() >= settings.PASSWORD_RESET_PER_IP_PER_HOUR:
            return "ip"
    if user is not None:
        emailed = AuditEvent.objects.filter(
            action__in=[RESET_REQUESTED, LOCKED_OUT],
            actor=user,
            detail__emailed=True,
            created_at__gte=_last_hour(),
        )
        if emailed.count() >= settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR:
            return "address"
    return ""


def password_reset_request(*, email: str, ip: str | None) -> User | None:
    """The account to email a reset link to, or None: no such active account, or a limit is
    reached (then nothing is sent and the refusal is audited). The person asking sees the same
    page whatever happened (AU-04). An unknown address is not written down."""
    user = User.objects.filter(email=canonical_email(email), is_active=True).first()
    limit = _reset_limit_reached(user=user, ip=ip)
    if limit:
        audit(action=RESET_LIMITED, actor=user, detail={"limit": limit})
        return None
    audit(action=RESET_REQUESTED, actor=user, detail={"emailed": user is not None})
    return user


def lock_notice(*, username: str | None, ip: str | None) -> None:
    """Tell the owner of an account that has just been locked, once per lock, with a link to
    choose a new password and get straight back in. An address with no account gets nothing
    and, like every address, the same locked page."""
    user = User.objects.filter(email=canonical_email(username or ""), is_active=True).first()
    if user is None:
        return
    cooloff = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    told = AuditEvent.objects.filter(
        action=LOCKED_OUT, actor=user, created_at__gte=timezone.now() - cooloff
    )
    if told.exists():  # each further try while locked lands here again
        return
    emailed = not _reset_limit_reached(user=user, ip=None)
    audit(action=LOCKED_OUT, actor=user, detail={"emailed": emailed})
    if emailed:
        from .tasks import send_password_reset_email

        transaction.on_commit(
            lambda: send_password_reset_email.delay(user.pk, locked_from=ip or "unknown")
        )


def lock_clear(*, user: User) -> None:
    """A password reset proves the mailbox: the account's lock ends at once (audited)."""
    if axes_reset(username=canonical_email(user.email)):
        audit(action="auth.lock_cleared", actor=user)
