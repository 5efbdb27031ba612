"""Sign-ins, sign-outs and failed sign-ins go to the audit trail."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .middleware import LOGIN_AT_KEY
from .models import User, canonical_email
from .services import audit


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = time.time()
    audit(action="auth.login", actor=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit(action="auth.logout", actor=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    email = canonical_email(credentials.get("username") or credentials.get("email") or "")[:254]
    known = User.objects.filter(email=email).first() if email else None
    audit(action="auth.login_failed", actor=known, detail={"email": email})
