"""The invitation email: enqueued on commit by `staff_invite`, sent by a thin task.

Most tests run the task eagerly (tests/conftest.py). One test sends it through a real Redis broker
to a real worker, as production does.
"""

from __future__ import annotations

import os
import re
import time

import kombu.pools
import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sendco.celery import app as celery_app
from staff.models import Membership, Role, User
from staff.services import staff_invite
from tests.conftest import need
from tests.factories import UserFactory

NEW_PASSWORD = "a long and memorable sentence"
WELCOME_LINK = re.compile(r"https?://\S+/accounts/welcome/\S+/")


def _invite(school, sendco, *, email="nia@acorn.test", full_name="Nia Newton"):
    return staff_invite(
        school=school,
        email=email,
        full_name=full_name,
        role=Role.TEACHER,
        by=sendco,
        by_role=Role.SENDCO,
    )


def _welcome_path(body: str) -> str:
    """The set-password link in an email, as a path for the test client."""
    links = WELCOME_LINK.findall(body)
    assert len(links) == 1, body
    assert links[0].startswith(django_settings.SITE_URL + "/")
    return links[0].removeprefix(django_settings.SITE_URL)


def test_invitation_is_emailed_on_commit_with_a_working_set_password_link(
    client, school, sendco, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _invite(school, sendco)
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert [c.__qualname__.split(".")[0] for c in callbacks].count("staff_invite") == 1
    assert [m.to for m in mailoutbox] == [["nia@acorn.test"]]
    email = mailoutbox[0]
    assert email.subject == "You have been added to Acorn Primary on sendco"
    assert "Sam Sendco has added you to Acorn Primary on sendco as Class teacher." in email.body
    path = _welcome_path(email.body)

    form = client.get(path)
    assert form.status_code == 302  # the token moves into the session, out of the URL
    assert form["Location"].endswith("/set-password/")
    page = client.get(form["Location"])
    assert page.status_code == 200
    assert "Choose a password for <strong>nia@acorn.test</strong>" in page.content.decode()

    done = client.post(
        form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("home")
    nia = User.objects.get(email="nia@acorn.test")
    assert nia.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(nia.pk)
    home = client.get(done["Location"])
    assert home.status_code == 302
    assert home["Location"] == reverse("school_home", args=[school.slug])

    client.logout()
    again = client.get(path, follow=True)
    assert "This invitation link no longer works" in again.content.decode()


def test_invitation_not_committed_sends_no_email(
    school, sendco, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(school, sendco)
    # queued for the commit that never came (beside the new staff member's kept-deadlines note)
    assert [c.__qualname__.split(".")[0] for c in callbacks].count("staff_invite") == 1
    assert mailoutbox == []


def test_invitation_rolled_back_sends_no_email(
    school, sendco, mailoutbox, django_capture_on_commit_callbacks
):
    def invite_then_fail():
        with transaction.atomic():
            _invite(school, sendco)
            raise RuntimeError("something later in the same request failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        invite_then_fail()
    assert callbacks == []
    assert mailoutbox == []
    assert not User.objects.filter(email="nia@acorn.test").exists()


def test_person_with_a_password_is_told_to_sign_in_without_a_set_password_link(
    school, sendco, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="known@elsewhere.test", full_name="Kim Known")  # has a password already
    with django_capture_on_commit_callbacks(execute=True):
        _invite(school, sendco, email="Known@Elsewhere.test")
    assert [m.to for m in mailoutbox] == [["known@elsewhere.test"]]
    body = mailoutbox[0].body
    assert "Sign in with your usual email and password:" in body
    assert django_settings.SITE_URL + reverse("login") in body
    assert "/accounts/welcome/" not in body
    assert "Choose your password" not in body


def test_membership_ended_before_the_task_runs_sends_nothing(
    school, sendco, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        membership = _invite(school, sendco)
    Membership.objects.filter(pk=membership.pk).update(ended_at=timezone.now())
    for callback in callbacks:  # the commit happens now; the worker picks the task up
        callback()
    assert mailoutbox == []


def _forget_broker_connections(app) -> None:
    """Close and forget the broker connections Celery caches.

    Even an eager `delay()` makes the app build its connection and producer pools (kombu keeps
    them in global groups, keyed by broker URL) and the app keeps them. Dropping them all, as
    Celery does after a fork, makes the next publish use the broker configured now.
    """
    kombu.pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def celery_on_redis(settings):
    """The Celery app publishing to the real Redis, eager off, no result backend."""
    redis_url = os.environ.get("REDIS_URL", "")
    need(bool(redis_url), "REDIS_URL is not set: real Celery delivery not tested")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    settings.CELERY_TASK_IGNORE_RESULT = True
    settings.CELERY_RESULT_BACKEND = None
    _forget_broker_connections(celery_app)
    # Celery reads the Django settings lazily: the overrides above reach the app.
    assert celery_app.conf.broker_url == redis_url
    assert celery_app.conf.task_always_eager is False
    assert celery_app.conf.result_backend is None
    celery_app.control.purge()  # leftovers of an earlier, interrupted run
    yield celery_app
    celery_app.control.purge()
    _forget_broker_connections(celery_app)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_invitation_is_delivered_through_redis_by_a_real_worker(
    celery_on_redis, school, sendco, mailoutbox
):
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_on_redis, pool="solo", perform_ping_check=False):
        started = time.monotonic()
        with transaction.atomic():  # as in a request (ATOMIC_REQUESTS): enqueued on commit
            _invite(school, sendco)
        while not mailoutbox and time.monotonic() - started < 15:
            time.sleep(0.05)

    assert mailoutbox, "the worker did not send the invitation within 15 s"
    assert [m.to for m in mailoutbox] == [["nia@acorn.test"]]
    assert mailoutbox[0].subject == "You have been added to Acorn Primary on sendco"
    _welcome_path(mailoutbox[0].body)
