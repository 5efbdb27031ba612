"""MFA at sign-in and in `manage.py check --deploy`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.checks import Tags, Warning, register
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="staff.mfa.on_sign_in")
def _after_password(sender, request, user, **kwargs) -> None:
    services.on_sign_in(request, user)


@register(Tags.security, deploy=True)
def mfa_required_in_production(app_configs, **kwargs) -> list[Warning]:
    """Turning MFA off in production is allowed (e.g. while a school sets up) but never quiet."""
    if getattr(settings, "PRODUCTION", False) and not settings.MFA_REQUIRED:
        return [
            Warning(
                "MFA_REQUIRED is off in production: SENDCos, heads and trust leads can open "
                "pupils' records with a password alone.",
                hint="Unset MFA_REQUIRED (it defaults to on with DJANGO_ENV=production).",
                id="staff.W001",
            )
        ]
    return []
