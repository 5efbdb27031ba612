"""Password reset is rate limited per address and per IP without telling anyone which
addresses exist; a locked account's owner, who holds the mailbox, gets back in by email."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from staff.models import AuditEvent
from tests.factories import TEST_PASSWORD

LOGIN = "/accounts/login/"
NEW_PASSWORD = "a fresh long passphrase"


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    def ask(email: str, ip: str = "203.0.113.7"):
        with django_capture_on_commit_callbacks(execute=True):
            return type(client)(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": email})

    return ask


def _answer(response) -> tuple:
    return response.status_code, response.get("Location"), response.content


def _link(message) -> str:
    line = next(line for line in message.body.splitlines() if "/password/reset/" in line)
    return "/" + line.split("://", 1)[1].split("/", 1)[1].strip()


def _choose_password(client, link: str):
    form = client.get(link, follow=True)
    return client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )


def test_three_reset_emails_an_hour_to_one_address(ask, teacher, mailoutbox):
    answers = [_answer(ask(teacher.email, ip=f"203.0.113.{n}")) for n in range(6)]
    assert len(mailoutbox) == 3
    unknown = _answer(ask("nobody@acorn.test"))
    assert len(set(answers + [unknown])) == 1  # the same answer, limited or not, known or not
    limited = AuditEvent.objects.filter(action="auth.password_reset_limited")
    assert limited.count() == 3
    assert {e.detail["limit"] for e in limited} == {"address"}

    with time_machine.travel(dt.timedelta(minutes=61)):
        ask(teacher.email)
    assert len(mailoutbox) == 4


def test_every_spelling_of_an_address_counts_against_its_limit(ask, teacher, mailoutbox):
    for spelling in ("teacher@acorn.test", "TEACHER\uff20acorn.test", " teacher@acorn.test "):
        ask(spelling)
    assert [m.to for m in mailoutbox] == [[teacher.email]] * 3
    ask("te\uff41cher@acorn.test")
    assert len(mailoutbox) == 3


def test_twenty_requests_an_hour_from_one_ip(ask, teacher, mailoutbox):
    for n in range(20):
        ask(f"nobody{n}@acorn.test", ip="198.51.100.1")
    over = ask(teacher.email, ip="198.51.100.1")
    assert mailoutbox == []
    assert _answer(over) == _answer(ask("nobody@acorn.test", ip="198.51.100.2"))
    event = AuditEvent.objects.filter(action="auth.password_reset_limited").get()
    assert (event.detail["limit"], event.ip) == ("ip", "198.51.100.1")

    ask(teacher.email, ip="198.51.100.2")  # a colleague elsewhere is not held up
    assert [m.to for m in mailoutbox] == [[teacher.email]]


def _lock(client, email):
    for _ in range(10):
        client.post(LOGIN, {"username": email, "password": "guess"})


def test_the_owner_of_a_locked_account_is_told_and_gets_back_in_by_email(
    client, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    attacker = type(client)(REMOTE_ADDR="192.0.2.66")
    with django_capture_on_commit_callbacks(execute=True):
        _lock(attacker, teacher.email)
    assert (
        attacker.post(LOGIN, {"username": teacher.email, "password": TEST_PASSWORD}).status_code
        == 429
    )

    [notice] = mailoutbox
    assert notice.to == [teacher.email]
    assert "locked" in notice.subject
    assert "192.0.2.66" in notice.body
    assert AuditEvent.objects.filter(action="auth.locked_out", actor=teacher).count() == 1

    owner = type(client)()
    assert _choose_password(owner, _link(notice)).status_code == 302
    # Well inside the 15 minutes' cool-off, the owner signs in with the new password ...
    signed_in = type(client)()
    assert (
        signed_in.post(LOGIN, {"username": teacher.email, "password": NEW_PASSWORD}).status_code
        == 302
    )
    # ... while the attacker's old guesses have gained them nothing.
    assert AuditEvent.objects.filter(action="auth.lock_cleared", actor=teacher).count() == 1


def test_the_locked_out_page_offers_a_link_by_email(
    client, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    _lock(client, teacher.email)
    locked = client.post(LOGIN, {"username": teacher.email, "password": TEST_PASSWORD})
    page = locked.content.decode()
    assert "Email me a link to get back in" in page
    assert reverse("password_reset") in page
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": teacher.email})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[teacher.email]]


def test_a_lock_of_an_unknown_address_sends_nothing_and_looks_the_same(
    client, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _lock(client, "nobody@acorn.test")
        unknown = client.post(LOGIN, {"username": "nobody@acorn.test", "password": "x"})
        _lock(type(client)(), teacher.email)
        known = type(client)().post(LOGIN, {"username": teacher.email, "password": "x"})
    assert unknown.status_code == known.status_code == 429
    assert [m.to for m in mailoutbox] == [[teacher.email]]
