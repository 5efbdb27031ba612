"""AU-01: with MFA required, a SENDCo who signed in with a password alone and has not set up
two-step sign-in loads no page but the set-up page: every URL of the permission matrix
redirects there (public pages, sign out and the MFA pages themselves aside)."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from tests.conftest import built_once
from tests.permissions.test_matrix import MATRIX, _build_world, _kwargs

# Pages that are meant to open: public ones (no sign-in needed, no pupil data), the way out, and
# the set-up pages the person is sent to.
OPEN = {"logout", "mfa:setup", "mfa:verify"}


@pytest.fixture(scope="module")
def wall_world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as build:
        yield build(_build_world)


def _public(url: str) -> bool:
    return getattr(resolve(url).func, "login_required", True) is False


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_a_password_only_sendco_is_sent_to_set_up_mfa(client, wall_world, db, settings, name):
    settings.MFA_REQUIRED = True
    url = reverse(name, kwargs=_kwargs(name, wall_world))
    if name in OPEN or _public(url):
        pytest.skip("open without MFA: no pupil data")
    client.force_login(wall_world["users"]["sendco"])
    row = MATRIX[name]
    data = {
        key(wall_world) if callable(key) else key: value(wall_world) if callable(value) else value
        for key, value in row.post_data
    }
    response = client.get(url) if row.get is not None else client.post(url, data)
    assert response.status_code == 302, f"{url}: {response.status_code}"
    assert response["Location"].startswith(reverse("mfa:setup")), response["Location"]
