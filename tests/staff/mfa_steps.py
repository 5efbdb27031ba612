"""The steps of two-step sign-in as a person takes them, for tests that need a verified session
(the Django admin asks everyone for a code, whatever MFA_REQUIRED says)."""

from __future__ import annotations

import re

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import User
from tests.factories import TEST_PASSWORD


def code_for(user: User, steps: int = 0) -> str:
    """The code the person's app shows now (or `steps` steps of 30 s away)."""
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, drift=steps):06d}"


def sign_in(client, user: User):
    response = client.post(
        reverse("login"), {"username": user.email, "password": TEST_PASSWORD}, follow=False
    )
    assert response.status_code == 302
    return client


def enrol(client, user: User) -> list[str]:
    """Set up the app through the pages and return the backup codes shown."""
    page = client.get(reverse("mfa:setup"))
    assert page.status_code == 200
    response = client.post(reverse("mfa:setup"), {"code": code_for(user)})
    assert response.status_code == 200
    return re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", response.content.decode())


def verified(client, user: User):
    """Signed in with the password and a code, as the admin requires."""
    sign_in(client, user)
    enrol(client, user)
    return client
