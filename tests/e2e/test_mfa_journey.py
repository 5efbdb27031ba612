"""A SENDCo who must use two-step sign-in sets it up at their first sign-in, in a real browser,
with axe-core on every page: the QR code and key, a code from the app, the backup codes once,
then home."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sendco_sets_up_two_step_sign_in_and_reaches_home(
    page: Page, live_server, look, sendco, settings
):
    settings.MFA_REQUIRED = True
    sign_in(page, live_server, look, "sendco@acorn.test")
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.locator("svg.mfa-qr")).to_be_visible()
    look(page, "mfa-setup")

    device = TOTPDevice.objects.get(user=sendco)
    typed = page.locator("#mfa-secret").inner_text().replace(" ", "")
    assert typed  # the key, to type into an app that cannot scan
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(
        page.get_by_role("link", name="Code from the app: That code did not match")
    ).to_be_visible()
    look(page, "mfa-setup-wrong-code")

    page.wait_for_timeout(1100)  # the one-second wait after a wrong code
    device.refresh_from_db()
    page.get_by_label("Code from the app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    expect(page.get_by_role("list", name="Backup codes").get_by_role("listitem")).to_have_count(10)
    look(page, "mfa-backup-codes")

    page.get_by_role("link", name="I have saved my codes").click()
    expect(page).to_have_url(f"{live_server.url}/s/acorn/")
    expect(page.get_by_text("You are signed in as SENDCo.")).to_be_visible()
    look(page, "home")
