"""How django-axes names the account being tried: the email typed into a sign-in form."""

from __future__ import annotations

from django.http import HttpRequest

from .models import canonical_email


def username_for_lockout(request: HttpRequest, credentials: dict | None) -> str | None:
    """The lockout key is the address sign-in looks the account up by (`canonical_email`, which
    `User.objects.get_by_natural_key` uses too), so `ｔeacher＠School.org ` and
    `teacher@school.org` count towards one lock. Axes sometimes passes no credentials (its
    middleware's check) and the raw form value is read: it is folded the same way."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    return canonical_email(value) or None if value is not None else None
