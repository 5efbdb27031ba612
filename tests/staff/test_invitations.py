"""Invitations: two at once of one new address, and inviting back a person whose access ended."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from staff import services
from staff.models import Membership, Role, User
from tests.conftest import need
from tests.factories import TEST_PASSWORD

LOGIN = "/accounts/login/"


@pytest.mark.django_db(transaction=True)
def test_two_invitations_of_one_new_address_at_once_give_one_account(school, sendco):
    """The first invitation holds its transaction open while the second starts: the second
    cannot see the new account yet, and its insert waits on the unique address."""
    need(connection.vendor == "postgresql", "concurrent invitations need PostgreSQL")
    first_written = threading.Event()
    outcomes: dict[str, object] = {}

    def invite(name: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                services.staff_invite(
                    school=school,
                    email="nia@acorn.test",
                    full_name="Nia Newton",
                    role=Role.TEACHER,
                    by=sendco,
                    by_role=Role.SENDCO,
                )
                if hold:
                    first_written.set()
                    time.sleep(1.0)  # the second is now waiting on the same address
            outcomes[name] = "invited"
        except Exception as error:  # reported by the assertions below
            outcomes[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=invite, args=("first", True))
    first.start()
    assert first_written.wait(timeout=10)
    second = threading.Thread(target=invite, args=("second", False))
    second.start()
    first.join(timeout=20)
    second.join(timeout=20)

    assert outcomes["first"] == "invited"
    refused = outcomes["second"]
    assert isinstance(refused, ValidationError), repr(refused)
    assert "already on the staff" in str(refused)
    assert User.objects.filter(email="nia@acorn.test").count() == 1
    assert Membership.objects.filter(user__email="nia@acorn.test", school=school).count() == 1


def test_inviting_back_a_leaver_asks_for_a_new_password(
    client, school, sendco, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    membership = teacher.memberships.get(school=school)
    services.membership_end(membership=membership, by=sendco, by_role=Role.SENDCO)
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_invite(
            school=school,
            email=teacher.email,
            full_name=teacher.full_name,
            role=Role.TA,
            by=sendco,
            by_role=Role.SENDCO,
        )

    # The password they had when they left no longer signs in.
    client.post(LOGIN, {"username": teacher.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session

    # As a new person would, they get a link to choose a password, which signs them in.
    assert [m.to for m in mailoutbox] == [[teacher.email]]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/welcome/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1].strip()
    form = client.get(path, follow=True)
    new_password = "a fresh long passphrase"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == teacher.pk
    home = client.get(reverse("school_home", args=[school.slug]))
    assert "You are signed in as Teaching assistant" in home.content.decode()


def test_a_leaver_signed_in_elsewhere_loses_that_session_when_invited_back(
    client, school, sendco, teacher
):
    """Sessions kept from before they left end: the password they were tied to is gone."""
    client.force_login(teacher)
    membership = teacher.memberships.get(school=school)
    services.membership_end(membership=membership, by=sendco, by_role=Role.SENDCO)
    services.staff_invite(
        school=school,
        email=teacher.email,
        full_name=teacher.full_name,
        role=Role.TEACHER,
        by=sendco,
        by_role=Role.SENDCO,
    )
    response = client.get(reverse("school_home", args=[school.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
