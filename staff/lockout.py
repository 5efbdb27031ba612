"""How django-axes names the account being tried: the email typed into the sign-in form."""

from __future__ import annotations

from django.http import HttpRequest


def username_for_lockout(request: HttpRequest, credentials: dict | None) -> str | None:
    """The login form's `username` field is the email address. Case and spaces are folded, so
    `Teacher@School.org ` and `teacher@school.org` count towards one lockout."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    return str(value).strip().lower() or None if value is not None else None
