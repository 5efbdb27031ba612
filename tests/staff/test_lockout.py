"""The lockout key is the address sign-in uses: every spelling that signs in as an account counts
against that account's lock, on sendco's sign-in page and on the Django admin's."""

from __future__ import annotations

import pytest

from staff.models import User
from tests.factories import TEST_PASSWORD
from tests.staff.mfa_steps import verified

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"

# Each of these signs in as teacher@acorn.test (the sign-in form folds them to one address).
SPELLINGS = [
    "teacher\uff20acorn.test",  # full-width @
    "\uff54\uff45\uff41\uff43\uff48\uff45\uff52@acorn.test",  # full-width letters
    "te\uff41cher@acorn.test",  # one full-width letter
    "TEACHER@Acorn.Test",  # capitals
    "  teacher@acorn.test \t",  # surrounding spaces
    "teacher@acorn.\u1d57est",  # modifier letter small t (NFKC: t)
]


def _sign_in(client, email, password=TEST_PASSWORD, url=LOGIN):
    return client.post(url, {"username": email, "password": password})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_each_spelling_signs_in_as_the_account(client, teacher, spelling):
    """So the spellings below are ones that really reach the account."""
    _sign_in(client, spelling)
    assert _signed_in(client)
    assert int(client.session["_auth_user_id"]) == teacher.pk


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_locked_account_is_refused_in_every_spelling(client, teacher, spelling):
    for _ in range(10):
        _sign_in(client, teacher.email, "guess")
    other = type(client)()
    locked = _sign_in(other, spelling)  # the right password
    assert locked.status_code == 429
    assert not _signed_in(other)


def test_failures_in_different_spellings_add_up_to_one_lock(client, teacher):
    for i in range(10):
        _sign_in(client, SPELLINGS[i % len(SPELLINGS)], "guess")
    assert _sign_in(type(client)(), teacher.email).status_code == 429


@pytest.fixture
def admin_user(school, db):
    return User.objects.create_superuser(
        email="it@acorn.test", password=TEST_PASSWORD, full_name="Ira Tech"
    )


@pytest.mark.parametrize("spelling", ["it\uff20acorn.test", "\uff49t@acorn.test", " IT@acorn.test"])
def test_the_admin_sign_in_counts_every_spelling_against_one_lock(client, admin_user, spelling):
    assert _sign_in(type(client)(), spelling, url=ADMIN_LOGIN).status_code == 302  # reaches it
    for _ in range(10):
        _sign_in(client, spelling, "guess", url=ADMIN_LOGIN)
    for attempt in (admin_user.email, spelling):
        other = type(client)()
        assert _sign_in(other, attempt, url=ADMIN_LOGIN).status_code == 429
        assert not _signed_in(other)
        assert _sign_in(other, attempt).status_code == 429


def test_an_address_typed_with_capitals_in_the_admin_is_stored_as_sign_in_finds_it(
    client, admin_user
):
    verified(client, admin_user)
    response = client.post(
        "/admin/staff/user/add/",
        {
            "email": "Nia.Newton\uff20Acorn.TEST",
            "full_name": "Nia Newton",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.filter(email="nia.newton@acorn.test").exists()


def test_an_older_account_saved_with_capitals_still_signs_in_and_locks(client, teacher):
    User.objects.filter(pk=teacher.pk).update(email="Teacher@Acorn.test")
    _sign_in(client, "teacher\uff20acorn.test")
    assert _signed_in(client)
    for _ in range(10):
        _sign_in(type(client)(), "TEACHER@acorn.test", "guess")
    assert _sign_in(type(client)(), "Teacher@Acorn.test").status_code == 429
