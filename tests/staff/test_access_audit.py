"""Every change of access lands in the audit log once, wherever it is made: the Django admin,
the shell, or sendco's own pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from staff import services
from staff.models import AuditEvent, Membership, Role, User
from tests.factories import TEST_PASSWORD, member
from tests.staff.mfa_steps import verified


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        email="it@trust.test", password=TEST_PASSWORD, full_name="Ira Tech"
    )


@pytest.fixture
def admin_client(client, superuser):
    return verified(client, superuser)


@pytest.fixture
def log(db):
    """The audit events of an action written from here on. Ask for it last: the test's people,
    made by factories just as from the shell, are audited as they are made."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return lambda action: list(AuditEvent.objects.filter(action=action, id__gt=last))


def _school_log(client, school) -> str:
    client.force_login(member(school, Role.SENDCO, email="checker@acorn.test"))
    return client.get(reverse("staff:audit", args=[school.slug])).content.decode()


def _membership_form(membership: Membership, **changes) -> dict:
    data = {
        "user": membership.user_id,
        "school": membership.school_id,
        "role": membership.role,
        "invited_by": "",
        "ended_at_0": "",
        "ended_at_1": "",
    }
    return {**data, **changes}


def test_a_governor_made_sendco_in_the_admin_shows_in_the_schools_log(
    admin_client, superuser, school, governor, log
):
    membership = governor.memberships.get(school=school)
    url = reverse("admin:staff_membership_change", args=[membership.pk])
    response = admin_client.post(url, _membership_form(membership, role=Role.SENDCO))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.SENDCO

    [event] = log("staff.role_changed")
    assert (event.actor, event.school) == (superuser, school)
    assert (event.detail["from"], event.detail["to"], event.detail["via"]) == (
        "governor",
        "sendco",
        "admin",
    )
    assert "staff.role_changed" in _school_log(type(admin_client)(), school)


def test_a_membership_added_ended_and_deleted_in_the_admin_is_audited(
    admin_client, superuser, school, other_school, teacher, log
):
    add = admin_client.post(
        reverse("admin:staff_membership_add"),
        {
            "user": teacher.pk,
            "school": other_school.pk,
            "role": Role.HEAD,
            "invited_by": "",
            "ended_at_0": "",
            "ended_at_1": "",
        },
    )
    assert add.status_code == 302
    [created] = log("staff.membership_created")
    assert (created.actor, created.school, created.detail["role"]) == (
        superuser,
        other_school,
        "head",
    )

    membership = teacher.memberships.get(school=school)
    url = reverse("admin:staff_membership_change", args=[membership.pk])
    ended = admin_client.post(
        url, _membership_form(membership, ended_at_0="2026-11-30", ended_at_1="12:00:00")
    )
    assert ended.status_code == 302
    [event] = log("staff.deactivated")
    assert (event.actor, event.school) == (superuser, school)

    delete = reverse("admin:staff_membership_delete", args=[membership.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    [deleted] = log("staff.membership_deleted")
    assert (deleted.actor, deleted.school, deleted.detail["email"]) == (
        superuser,
        school,
        teacher.email,
    )


def test_account_switches_changed_in_the_admin_are_audited_in_the_persons_school(
    admin_client, superuser, school, teacher, log
):
    url = reverse("admin:staff_user_change", args=[teacher.pk])
    response = admin_client.post(
        url,
        {
            "email": teacher.email,
            "full_name": teacher.full_name,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-09-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    teacher.refresh_from_db()
    assert teacher.is_superuser
    [event] = log("staff.account_changed")
    assert (event.actor, event.school) == (superuser, school)
    assert event.detail["is_staff"] == [False, True]
    assert event.detail["is_superuser"] == [False, True]
    assert "is_active" not in event.detail


def test_a_password_set_in_the_admin_is_audited(admin_client, superuser, school, teacher, log):
    url = reverse("admin:auth_user_password_change", args=[teacher.pk])
    new = "another long passphrase"
    response = admin_client.post(
        url, {"password1": new, "password2": new, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    teacher.refresh_from_db()
    assert teacher.check_password(new)
    [event] = log("auth.password_set_for")
    assert (event.actor, event.school, event.detail["via"]) == (superuser, school, "admin")
    assert new not in str(event.detail)


def test_changes_from_the_shell_are_audited_without_an_actor(school, teacher, log):
    membership = teacher.memberships.get(school=school)
    membership.role = Role.SENDCO
    membership.save()
    teacher.is_staff = True
    teacher.save()
    [role] = log("staff.role_changed")
    [flags] = log("staff.account_changed")
    for event in (role, flags):
        assert (event.actor, event.school) == (None, school)
        assert event.detail["via"].startswith("outside sendco")


def test_sendcos_own_pages_write_one_event_per_change(client, school, sendco, teacher, log):
    membership = teacher.memberships.get(school=school)
    first = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    services.membership_change_role(
        membership=membership, role=Role.TA, by=sendco, by_role=Role.SENDCO
    )
    services.membership_end(membership=membership, by=sendco, by_role=Role.SENDCO)
    services.staff_invite(
        school=school,
        email=teacher.email,
        full_name=teacher.full_name,
        role=Role.TEACHER,
        by=sendco,
        by_role=Role.SENDCO,
    )
    actions = list(
        AuditEvent.objects.filter(object_id=str(membership.public_id), id__gt=first)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["staff.role_changed", "staff.deactivated", "staff.invited"]
    assert not log("staff.account_changed")
    assert not log("staff.membership_created")


def test_choosing_ones_own_password_writes_one_event(client, teacher, log):
    client.force_login(teacher)
    new = "another long passphrase"
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert log("auth.password_changed")
    assert not log("auth.password_set_for")


def test_a_hash_upgraded_at_sign_in_is_not_a_password_change(client, teacher, settings, log):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    client.post("/accounts/login/", {"username": teacher.email, "password": TEST_PASSWORD})
    teacher.refresh_from_db()
    assert teacher.password.startswith("pbkdf2_sha256$")  # Django upgraded the hash
    assert not log("auth.password_set_for")


def test_a_membership_moved_to_another_school_in_the_admin_shows_in_both_logs(
    admin_client, superuser, school, other_school, teacher, log
):
    membership = teacher.memberships.get(school=school)
    url = reverse("admin:staff_membership_change", args=[membership.pk])
    response = admin_client.post(url, _membership_form(membership, school=other_school.pk))
    assert response.status_code == 302
    moved = log("staff.membership_moved")
    assert {e.school for e in moved} == {school, other_school}
    assert {e.actor for e in moved} == {superuser}
