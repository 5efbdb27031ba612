"""Two-step sign-in: who must use it, enrolment, verification, backup codes and resets.

Every event is audited: enrolled, verified, failed, backup code used, backup codes replaced,
removed by the person, reset by a colleague.
"""

from __future__ import annotations

import math
import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..capabilities import Cap, may_change_member, must_use_mfa
from ..models import Membership, User
from ..services import audit
from ..tenancy import Access
from .models import BackupCodeDevice

# What the session still needs before any other page loads: a code, an enrolment, or nothing.
STATE_KEY = "sendco_mfa_state"
VERIFY, ENROL, NONE = "verify", "enrol", "none"
VERIFIED_AT_KEY = "sendco_mfa_verified_at"


def has_mfa(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_required(user: User) -> bool:
    """Whether this person must set up two-step sign-in (their roles, or admin access)."""
    if not settings.MFA_REQUIRED:
        return False
    roles = Membership.objects.filter(user=user, ended_at__isnull=True).values_list(
        "role", flat=True
    )
    return must_use_mfa(roles, admin=user.is_staff or user.is_superuser)


def session_state(request: HttpRequest, user: User | None = None) -> str:
    """What this signed-in but unverified session must do next, worked out at sign-in (and
    again when it is missing, e.g. after a colleague reset the person's MFA)."""
    state = request.session.get(STATE_KEY)
    if state is None:
        user = user or request.user
        state = VERIFY if has_mfa(user) else ENROL if mfa_required(user) else NONE
        request.session[STATE_KEY] = state
    return state


def on_sign_in(request: HttpRequest | None, user: User) -> None:
    """After the password: forget any earlier verification, work out what is needed now."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(VERIFIED_AT_KEY, None)
    request.session.pop(STATE_KEY, None)
    session_state(request, user)


def verified_recently(request: HttpRequest) -> bool:
    """Whether the session was verified with a code in the last MFA_STEP_UP_SECONDS."""
    at = request.session.get(VERIFIED_AT_KEY)
    return (
        request.user.is_verified()
        and at is not None
        and time.time() - at <= settings.MFA_STEP_UP_SECONDS
    )


def _mark_verified(request: HttpRequest, device) -> None:
    """A new session key (SE-02), the device in the session (django-otp), and the time, for
    step-up."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[VERIFIED_AT_KEY] = time.time()
    request.session.pop(STATE_KEY, None)


def _event(request: HttpRequest, action: str, **detail) -> None:
    audit(action=action, actor=request.user, detail=detail or None)


# Enrolment ------------------------------------------------------------------------------------


def enrolment_start(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: a new secret, kept until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def secret_in_groups(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The setup QR code as inline SVG: no network, no script, no inline style (strict CSP)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5,
        light="#fff",  # a white quiet zone, so it scans on any page colour
        title="QR code to set up your authenticator app",
        svgclass="mfa-qr",
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the URL inside is escaped by segno


def enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app with a current code; returns ten new backup codes, to show once."""
    if device.user_id != request.user.pk or device.confirmed:
        raise ValidationError("Start setting up again.")
    if not device.verify_token(code.strip().replace(" ", "")):
        _event(request, "mfa.failed", step="enrol")
        raise ValidationError(
            {"code": "That code did not match. Check the app shows sendco and try the new code."}
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(request.user)
    _mark_verified(request, device)
    _event(request, "mfa.enrolled")
    return codes


def _new_backup_codes(user: User) -> list[str]:
    backup, _ = BackupCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Backup codes", "confirmed": True}
    )
    return backup.replace_codes()


def backup_codes_replace(*, request: HttpRequest) -> list[str]:
    """Ten new backup codes; the old ones stop working."""
    if not has_mfa(request.user):
        raise ValidationError("Set up two-step sign-in first.")
    codes = _new_backup_codes(request.user)
    _event(request, "mfa.backup_codes_replaced")
    return codes


def backup_codes_left(*, user: User) -> int | None:
    backup = BackupCodeDevice.objects.filter(user=user).first()
    return backup.codes_left() if backup else None


# Verification ---------------------------------------------------------------------------------


def _wait_message(device) -> str:
    _, info = device.verify_is_allowed()
    seconds = max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
    return f"Too many wrong codes. Wait {seconds} seconds, then try again."


def mfa_verify(*, request: HttpRequest, code: str, purpose: str = "sign_in") -> None:
    """Check a code from the app (6 digits) or a backup code. A code is accepted once; wrong
    codes make the next try wait longer. Not atomic on purpose: a failure is written (the
    throttle, the audit) before the refusal is raised."""
    user = request.user
    code = code.strip().replace(" ", "")
    app_code = len(code) == 6 and code.isascii() and code.isdigit()
    if app_code:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    else:
        device = BackupCodeDevice.objects.filter(user=user).first()
    if device is None:
        _event(request, "mfa.failed", purpose=purpose)
        raise ValidationError({"code": "That code did not work. Check it and try again."})
    if not device.verify_is_allowed()[0]:
        _event(request, "mfa.failed", purpose=purpose, throttled=True)
        raise ValidationError({"code": _wait_message(device)})
    if not device.verify_token(code):
        _event(request, "mfa.failed", purpose=purpose)
        raise ValidationError(
            {
                "code": "That code did not work. Codes from the app change every 30 seconds "
                "and each one works once: wait for the next one."
            }
        )
    _mark_verified(request, device)
    if app_code:
        _event(request, "mfa.verified", purpose=purpose)
    else:
        _event(request, "mfa.backup_code_used", purpose=purpose, left=device.codes_left())


# Removing -------------------------------------------------------------------------------------


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    BackupCodeDevice.objects.filter(user=user).delete()


@transaction.atomic
def mfa_remove_own(*, request: HttpRequest) -> None:
    """The person starts again (a new phone): their app and backup codes stop working."""
    _remove_devices(request.user)
    request.session.pop(VERIFIED_AT_KEY, None)
    request.session.pop(STATE_KEY, None)
    _event(request, "mfa.removed")


@transaction.atomic
def mfa_reset(*, access: Access, membership: Membership) -> Membership:
    """A lost phone: a SENDCo or trust lead removes a colleague's app and backup codes; the
    colleague sets it up again at their next sign-in. Never one's own this way."""
    if membership.user_id == access.user.pk:
        raise PermissionDenied("Reset your own two-step sign-in from your account page.")
    if not access.can(Cap.MFA_RESET) or not may_change_member(access, membership):
        raise PermissionDenied(f"You cannot reset a {membership.get_role_display()}'s sign-in.")
    _remove_devices(membership.user)
    audit(
        action="mfa.reset",
        actor=access.user,
        school=access.school,
        role=access.role,
        obj=membership,
        detail={"email": membership.user.email},
    )
    return membership
