"""Two-step sign-in (MFA): enrolment, the code at sign-in, backup codes, step-up, resets.

These tests turn MFA_REQUIRED on and go through the real pages; a code is worked out from the
device's secret as the person's phone would (django_otp.oath.totp).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.mfa.models import BackupCode
from staff.models import AuditEvent, Membership, Role, User
from tests.factories import TEST_PASSWORD, member
from tests.staff.mfa_steps import code_for, enrol, sign_in

NOW = dt.datetime(2026, 11, 16, 9, 0, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def enrolled(client, user: User, clock) -> list[str]:
    """A person who set up MFA a while ago, now signed out."""
    sign_in(client, user)
    codes = enrol(client, user)
    client.logout()
    clock.shift(dt.timedelta(minutes=10))
    return codes


def actions() -> list[str]:
    events = AuditEvent.objects.filter(action__startswith="mfa.").values_list("pk", "action")
    return [action for _, action in sorted(events)]


def test_a_sendco_without_mfa_is_sent_to_set_it_up_and_then_reaches_the_page(
    client, school, sendco, clock
):
    sign_in(client, sendco)
    home = reverse("school_home", args=[school.slug])
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa:setup"))
    page = client.get(response["Location"])
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    assert len(secret.split()) > 4
    assert "<svg" in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(page.request["PATH_INFO"], {"code": "000000", "next": home})
    assert "did not match" in response.content.decode()
    assert client.get(home).status_code == 302
    clock.shift(dt.timedelta(seconds=2))  # past the one-second wait after a wrong code
    response = client.post(reverse("mfa:setup"), {"code": code_for(sendco), "next": home})
    codes = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", response.content.decode())
    assert len(set(codes)) == 10
    assert client.get(home).status_code == 200
    assert actions() == ["mfa.failed", "mfa.enrolled"]


def test_backup_codes_are_stored_hashed(client, sendco, clock):
    sign_in(client, sendco)
    codes = enrol(client, sendco)
    stored = " ".join(
        BackupCode.objects.values_list("salt", "digest").values_list("digest", flat=True)
    )
    assert stored
    for code in codes:
        assert code.replace("-", "") not in stored
    assert BackupCode.objects.count() == 10


def test_a_person_with_mfa_enters_a_code_before_any_page_and_the_session_key_changes(
    client, school, sendco, clock
):
    enrolled(client, sendco, clock)
    sign_in(client, sendco)
    home = reverse("school_home", args=[school.slug])
    response = client.get(home)
    assert response["Location"].startswith(reverse("mfa:verify"))
    page = client.get(response["Location"])
    assert 'inputmode="numeric"' in page.content.decode()
    response = client.post(reverse("mfa:verify"), {"code": "123456", "next": home})
    assert response.status_code == 200
    assert "did not work" in response.content.decode()
    clock.shift(dt.timedelta(seconds=2))  # past the one-second wait after a wrong code
    key_before = client.session.session_key
    response = client.post(reverse("mfa:verify"), {"code": code_for(sendco), "next": home})
    assert response.status_code == 302
    assert response["Location"] == home
    assert client.session.session_key != key_before
    assert client.get(home).status_code == 200
    assert actions()[-2:] == ["mfa.failed", "mfa.verified"]


def test_a_code_works_once(client, school, sendco, clock):
    enrolled(client, sendco, clock)
    code = code_for(sendco)
    sign_in(client, sendco)
    assert client.post(reverse("mfa:verify"), {"code": code}).status_code == 302
    client.logout()
    sign_in(client, sendco)
    response = client.post(reverse("mfa:verify"), {"code": code})
    assert response.status_code == 200
    assert client.get(reverse("school_home", args=[school.slug])).status_code == 302


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_codes_outside_one_step_of_drift_fail(client, sendco, clock, steps, accepted):
    enrolled(client, sendco, clock)
    sign_in(client, sendco)
    response = client.post(reverse("mfa:verify"), {"code": code_for(sendco, steps)})
    assert (response.status_code == 302) is accepted


def test_wrong_codes_make_the_next_try_wait(client, sendco, clock):
    enrolled(client, sendco, clock)
    sign_in(client, sendco)
    for _ in range(3):
        clock.shift(dt.timedelta(seconds=10))
        client.post(reverse("mfa:verify"), {"code": "000000"})
    response = client.post(reverse("mfa:verify"), {"code": code_for(sendco)})
    assert response.status_code == 200
    assert "Too many wrong codes. Wait 4 seconds" in response.content.decode()
    clock.shift(dt.timedelta(seconds=5))
    assert client.post(reverse("mfa:verify"), {"code": code_for(sendco)}).status_code == 302


def test_a_backup_code_works_once(client, school, sendco, clock):
    codes = enrolled(client, sendco, clock)
    sign_in(client, sendco)
    assert client.post(reverse("mfa:verify"), {"code": codes[0].upper()}).status_code == 302
    assert client.get(reverse("school_home", args=[school.slug])).status_code == 200
    assert AuditEvent.objects.get(action="mfa.backup_code_used").detail["left"] == 9
    client.logout()
    clock.shift(dt.timedelta(minutes=1))
    sign_in(client, sendco)
    assert client.post(reverse("mfa:verify"), {"code": codes[0]}).status_code == 200
    clock.shift(dt.timedelta(seconds=2))
    assert client.post(reverse("mfa:verify"), {"code": codes[1]}).status_code == 302


def test_mfa_is_optional_for_a_teacher_but_asked_once_they_set_it_up(
    client, school, teacher, clock
):
    home = reverse("school_home", args=[school.slug])
    sign_in(client, teacher)
    assert client.get(home).status_code == 200
    enrol(client, teacher)
    client.logout()
    clock.shift(dt.timedelta(minutes=1))
    sign_in(client, teacher)
    assert client.get(home)["Location"].startswith(reverse("mfa:verify"))


def test_development_default_lets_a_sendco_in_with_a_password(client, school, sendco, settings):
    settings.MFA_REQUIRED = False
    sign_in(client, sendco)
    assert client.get(reverse("school_home", args=[school.slug])).status_code == 200


def test_the_admin_asks_a_password_only_superuser_for_mfa_even_when_not_required(
    client, settings, clock, db
):
    settings.MFA_REQUIRED = False
    admin_user = User.objects.create_superuser(
        email="root@acorn.test", password=TEST_PASSWORD, full_name="Root"
    )
    sign_in(client, admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa:setup"))
    assert client.get(reverse("admin:staff_user_changelist")).status_code == 302
    enrol(client, admin_user)
    assert client.get(reverse("admin:index")).status_code == 200


def _change_role(client, school, membership, **extra):
    url = reverse("staff:member", args=[school.slug, membership.public_id])
    return client.post(url, {"role": "ta", **extra})


def test_a_role_change_asks_for_a_fresh_code_and_keeps_what_was_chosen(
    client, school, sendco, teacher, clock
):
    enrolled(client, sendco, clock)
    sign_in(client, sendco)
    client.post(reverse("mfa:verify"), {"code": code_for(sendco)})
    membership = Membership.objects.get(user=teacher)
    clock.shift(dt.timedelta(minutes=6))
    response = _change_role(client, school, membership)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirm it is you" in page
    assert 'name="role" value="ta"' in page
    membership.refresh_from_db()
    assert membership.role == Role.TEACHER
    response = _change_role(client, school, membership, mfa_step_up_code="000000")
    assert "did not work" in response.content.decode()
    clock.shift(dt.timedelta(seconds=31))
    response = _change_role(client, school, membership, mfa_step_up_code=code_for(sendco))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.TA
    # Within five minutes of a code, the next change goes straight through.
    clock.shift(dt.timedelta(minutes=4))
    url = reverse("staff:member", args=[school.slug, membership.public_id])
    assert client.post(url, {"role": "teacher"}).status_code == 302


def test_a_sendco_resets_a_colleagues_lost_phone_who_then_sets_up_again(
    client, school, sendco, teacher, clock
):
    enrolled(client, teacher, clock)
    enrolled(client, sendco, clock)
    sign_in(client, sendco)
    client.post(reverse("mfa:verify"), {"code": code_for(sendco)})
    membership = Membership.objects.get(user=teacher)
    url = reverse("staff:mfa_reset", args=[school.slug, membership.public_id])
    page = client.get(reverse("staff:member", args=[school.slug, membership.public_id]))
    assert url in page.content.decode()
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not BackupCode.objects.filter(device__user=teacher).exists()
    event = AuditEvent.objects.get(action="mfa.reset")
    assert (event.actor, event.school, event.detail["email"]) == (sendco, school, teacher.email)
    # Their own, this way: refused.
    own = Membership.objects.get(user=sendco)
    client.post(reverse("staff:mfa_reset", args=[school.slug, own.public_id]))
    assert TOTPDevice.objects.filter(user=sendco).exists()


def test_a_head_cannot_reset_anyones_mfa(client, school, head, teacher, settings):
    settings.MFA_REQUIRED = False
    client.force_login(head)
    membership = Membership.objects.get(user=teacher)
    url = reverse("staff:mfa_reset", args=[school.slug, membership.public_id])
    assert client.post(url).status_code == 403


def test_a_colleagues_reset_ends_their_verified_session(client, school, sendco, clock):
    home = reverse("school_home", args=[school.slug])
    sign_in(client, sendco)
    enrol(client, sendco)
    assert client.get(home).status_code == 200
    TOTPDevice.objects.filter(user=sendco).delete()
    assert client.get(home)["Location"].startswith(reverse("mfa:setup"))


def test_own_new_phone_and_new_backup_codes_need_a_fresh_code(client, sendco, clock):
    codes = enrolled(client, sendco, clock)
    sign_in(client, sendco)
    client.post(reverse("mfa:verify"), {"code": code_for(sendco)})
    clock.shift(dt.timedelta(minutes=6))
    assert "Confirm it is you" in client.post(reverse("mfa:backup_codes")).content.decode()
    response = client.post(reverse("mfa:backup_codes"), {"mfa_step_up_code": codes[0]})
    new = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", response.content.decode())
    assert len(new) == 10
    assert codes[1] not in new
    response = client.post(reverse("mfa:remove"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=sendco).exists()
    assert "mfa.removed" in actions()


def test_deploy_check_warns_when_production_turns_mfa_off(settings, db):
    settings.PRODUCTION = True
    settings.MFA_REQUIRED = False
    from staff.mfa.checks import mfa_required_in_production

    assert [w.id for w in mfa_required_in_production(None)] == ["staff.W001"]
    settings.MFA_REQUIRED = True
    assert mfa_required_in_production(None) == []


def test_a_part_of_a_page_loads_nothing_before_the_code(client, sendco, clock):
    """The header's notification count on the set-up page must not swap the page into it."""
    sign_in(client, sendco)
    response = client.get(reverse("notifications_count"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.content == b""


def _queries(client, url) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_mfa_costs_a_page_no_query_without_it_and_one_with_it(
    client, school, sendco, clock, settings
):
    """Measured: the check reads the session, not the database; a verified session costs
    django-otp's one look-up of the device."""
    settings.MFA_REQUIRED = False
    home = reverse("school_home", args=[school.slug])
    sign_in(client, sendco)
    client.get(home)
    without = _queries(client, home)
    assert not [sql for sql in without if "otp" in sql]
    enrol(client, sendco)
    client.get(home)
    verified = _queries(client, home)
    assert len(verified) - len(without) == 1


@pytest.mark.parametrize(
    "view",
    ["staff_invite", "staff_member", "staff_deactivate", "staff_mfa_reset"],
)
def test_every_change_of_access_asks_for_a_recent_code(view):
    """One decorator: the invitation, role change, end of access and a colleague's reset."""
    from staff import views

    assert getattr(getattr(views, view), "step_up", False) is True


def test_the_admin_itself_refuses_an_unverified_superuser(rf, db):
    """Behind the middleware, the admin's own check: a password-only session is not enough."""
    from django.contrib import admin
    from django.contrib.auth.models import AnonymousUser

    superuser = User.objects.create_superuser(email="root@acorn.test", full_name="Root")
    request = rf.get("/admin/")
    request.user = superuser
    superuser.is_verified = lambda: False
    assert admin.site.has_permission(request) is False
    superuser.is_verified = lambda: True
    assert admin.site.has_permission(request) is True
    request.user = AnonymousUser()
    assert admin.site.has_permission(request) is False


def test_after_the_code_only_a_page_of_this_site_opens(client, sendco, clock):
    enrolled(client, sendco, clock)
    sign_in(client, sendco)
    response = client.post(
        reverse("mfa:verify"), {"code": code_for(sendco), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_admin_cannot_show_or_remove_an_authenticator_app():
    """Its secret, and removing it, only through the audited pages."""
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)


def test_a_new_sendco_accepting_an_invitation_sets_up_mfa_before_anything_else(client, school):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    newcomer = member(school, Role.SENDCO, email="new@acorn.test", password=None)
    newcomer.set_unusable_password()
    newcomer.save()
    uid = urlsafe_base64_encode(force_bytes(newcomer.pk))
    url = reverse("invitation_accept", args=[uid, default_token_generator.make_token(newcomer)])
    form_url = client.get(url)["Location"]
    password = "a long new passphrase"
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    response = client.get(response["Location"])
    assert response["Location"].startswith(reverse("mfa:setup"))
