"""A locked-out teacher gets back in by email, in a real browser, with axe-core on each page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "plums ripen slowly in late August"


def test_a_locked_out_teacher_gets_back_in_by_email(page: Page, live_server, look, teacher):
    someone = Client(REMOTE_ADDR="192.0.2.66")  # a colleague typing wrong passwords
    for _ in range(10):
        someone.post("/accounts/login/", {"username": teacher.email, "password": "guess"})
    assert [m.subject for m in mail.outbox] == ["Your sendco account is locked"]

    sign_in(page, live_server, look, teacher.email)  # the right password, still refused
    expect(page.get_by_role("heading", name="Too many attempts to sign in")).to_be_visible()
    look(page, "locked")
    page.get_by_role("button", name="Email me a link to get back in").click()
    look(page, "link-sent")
    assert len(mail.outbox) == 2

    link = re.search(r"https?://\S+/accounts/password/reset/\S+", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(live_server.url + urlsplit(link.group()).path)
    look(page, "choose-password")
    page.get_by_label("New password*", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation*", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Your password is saved")).to_be_visible()
    look(page, "saved")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(teacher.email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are signed in as Class teacher.")).to_be_visible()
