"""Signing in and out: email login, lockout, session lifetime, password reset, homes."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.urls import reverse

from staff.models import AuditEvent, Role
from tests.factories import TEST_PASSWORD, member

LOGIN = "/accounts/login/"


def _sign_in(client, email, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_sign_in_with_email_lands_on_the_school_home(client, school, teacher):
    response = _sign_in(client, "TEACHER@acorn.test".lower())
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("school_home", args=[school.slug])
    assert "You are signed in as Class teacher" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login", actor=teacher).count() == 1


def test_wrong_password_is_refused_and_audited(client, teacher):
    response = _sign_in(client, teacher.email, "not the password")
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor == teacher
    assert "not the password" not in str(event.detail)


def test_ten_failures_lock_the_username_but_not_colleagues_on_the_same_ip(
    client, school, teacher, ta
):
    for _ in range(10):
        _sign_in(client, teacher.email, "guess")
    locked = _sign_in(client, teacher.email)  # even the right password
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    colleague = _sign_in(type(client)(), ta.email)  # same REMOTE_ADDR in the test client
    assert colleague.status_code == 302

    with time_machine.travel(dt.timedelta(minutes=16)):
        assert _sign_in(type(client)(), teacher.email).status_code == 302


def test_nine_failures_do_not_lock(client, teacher):
    for _ in range(9):
        _sign_in(client, teacher.email, "guess")
    assert _sign_in(client, teacher.email).status_code == 302


def test_session_ends_after_30_minutes_idle(client, school, teacher):
    home = reverse("school_home", args=[school.slug])
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        _sign_in(client, teacher.email)
        assert client.get(home).status_code == 200
        t.shift(dt.timedelta(minutes=29))
        assert client.get(home).status_code == 200  # activity renews the idle limit
        t.shift(dt.timedelta(minutes=29))
        assert client.get(home).status_code == 200
        t.shift(dt.timedelta(minutes=31))
        response = client.get(home)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def _session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    ]


def test_a_page_that_changes_nothing_writes_no_session_but_the_idle_limit_still_renews(
    client, school, teacher
):
    """The floor of every request: reading the unread count reads the session and the person and
    writes nothing, unless the idle limit was last renewed a minute ago or more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    count = reverse("notifications_count")
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        _sign_in(client, teacher.email)
        client.get(count)
        t.shift(dt.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(count).status_code == 200
        assert _session_writes(ctx.captured_queries) == []
        assert len(ctx.captured_queries) == 3  # the session, the person, the count
        t.shift(dt.timedelta(seconds=31))
        with CaptureQueriesContext(connection) as ctx:
            client.get(count)
        assert len(_session_writes(ctx.captured_queries)) == 1


def test_session_ends_after_12_hours_however_active(client, school, teacher):
    home = reverse("school_home", args=[school.slug])
    with time_machine.travel(dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC), tick=False) as t:
        _sign_in(client, teacher.email)
        for _ in range(24):  # a request every 25 minutes for 10 hours
            t.shift(dt.timedelta(minutes=25))
            assert client.get(home).status_code == 200
        t.shift(dt.timedelta(hours=2, minutes=1))
        response = client.get(home)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_sign_out_ends_the_session(client, school, teacher):
    _sign_in(client, teacher.email)
    cookie = client.cookies["sessionid"].value
    assert client.post(reverse("logout")).status_code == 302
    replay = type(client)()
    replay.cookies["sessionid"] = cookie
    assert replay.get(reverse("school_home", args=[school.slug])).status_code == 302


def test_password_reset_answers_alike_for_known_and_unknown_addresses(
    client, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": teacher.email})
        unknown = client.post(url, {"email": "nobody@nowhere.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mailoutbox] == [[teacher.email]]
    assert "nobody" not in str([m.to for m in mailoutbox])


def test_password_reset_link_sets_a_new_password_once(
    client, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": teacher.email})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a fresh long passphrase", "new_password2": "a fresh long passphrase"},
    )
    assert done.status_code == 302
    teacher.refresh_from_db()
    assert teacher.check_password("a fresh long passphrase")
    again = client.get("/" + path, follow=True)
    assert "This link no longer works" in again.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short."),
        ("password123", "This password is too common."),
        ("12345678901234", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused(client, teacher, password, message):
    client.force_login(teacher)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_trust_lead_lands_on_the_trust_dashboard_listing_its_schools_only(
    client, school, other_school, foreign_school, trust_lead
):
    client.force_login(trust_lead)
    response = client.get(reverse("home"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("trust_dashboard", args=["oak"])
    assert "Acorn Primary" in page
    assert "Beech Secondary" in page
    assert "Elm Academy" not in page
    # A trust lead works in every school of the trust as trust lead.
    beech = client.get(reverse("school_home", args=[other_school.slug]))
    assert "You are signed in as Trust SEND lead" in beech.content.decode()
    assert client.get(reverse("school_home", args=[foreign_school.slug])).status_code == 404
    assert client.get(reverse("trust_dashboard", args=["elm"])).status_code == 404


def test_a_person_in_two_schools_switches_from_the_header(client, school, other_school):
    both = member(school, Role.TEACHER, email="both@oak.test")
    member(other_school, Role.SENDCO, email="both@oak.test")
    client.force_login(both)
    chooser = client.get(reverse("home"))
    assert chooser.status_code == 200
    assert "Choose where to work" in chooser.content.decode()
    page = client.get(reverse("school_home", args=[school.slug])).content.decode()
    switch_to = reverse("home") + f"?school={other_school.slug}"
    assert f'href="{switch_to}">Beech Secondary</a>' in page
    switched = client.get(reverse("home"), {"school": other_school.slug})
    assert switched["Location"] == reverse("school_home", args=[other_school.slug])
    nowhere = client.get(reverse("home"), {"school": "elm-academy"})
    assert nowhere.status_code == 200  # a school they don't belong to is ignored


def test_pages_for_signed_in_people_are_not_cached(client, school, teacher):
    client.force_login(teacher)
    response = client.get(reverse("school_home", args=[school.slug]))
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.redis
def test_sessions_in_redis_skip_the_session_row_and_sign_out_still_ends_them(
    client, school, teacher, settings
):
    """Production reads sessions from Redis (cached_db): the floor does not read the session
    table, and a session signed out is refused at once (Redis is shared by every process)."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import need

    redis_url = os.environ.get("REDIS_URL", "")
    need(bool(redis_url), "REDIS_URL is not set: sessions in Redis are not tested")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "sendco-test-sessions",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    try:
        _sign_in(client, teacher.email)
        client.get(reverse("notifications_count"))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("notifications_count")).status_code == 200
        assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]]
        cookie = client.cookies["sessionid"].value
        client.post(reverse("logout"))
        replay = type(client)()
        replay.cookies["sessionid"] = cookie
        assert replay.get(reverse("school_home", args=[school.slug])).status_code == 302
    finally:
        caches["default"].clear()
