"""The permission matrix of a parent's secure link (issue 19): every state a link can be in, by
every page of the parent's side, with the answer each gives and whether anything about the child
is on it. The school's side of the links is in families_rows.py with the rest of the matrix;
tests/families/test_links.py walks each rule through in detail.

Columns: the date of birth check (GET /f/<code>/), the plan (GET /f/<code>/plan/) and sending
views (POST /f/<code>/plan/). Only a link checked with the child's date of birth in this browser,
still open, shows the child; only it accepts views, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from families import link_services
from families.models import ViewsLink
from register.models import ViewsGiven
from staff.tenancy import access_for
from tests.conftest import shared_acorn_fixtures
from tests.families.test_links import BEA_BORN, NOON, RIGHT, WRONG, build, f, make_link

globals().update(shared_acorn_fixtures(build, "sendco", "head", "teacher", "ta", on=NOON))

VIEWS = {"going_well": "Reading at bedtime.", "contact_how": "email", "given_by": "Mia Quill"}
UNKNOWN = "ABCD-EFGH-JKMN"


def _waiting(client, school, sendco, world):
    return make_link(school, sendco, world["ada"])[1]


def _checked(client, school, sendco, world):
    code = _waiting(client, school, sendco, world)
    client.post(f("link", code), RIGHT)
    return code


def _given(client, school, sendco, world):
    code = _checked(client, school, sendco, world)
    client.post(f("plan", code), VIEWS)
    return code


def _locked(client, school, sendco, world):
    code = _waiting(client, school, sendco, world)
    for _ in range(5):
        client.post(f("link", code), WRONG)
    cache.clear()  # the address's count is another row's matter
    return code


def _expired(client, school, sendco, world):
    code = _checked(client, school, sendco, world)
    ViewsLink.objects.filter(pupil=world["ada"]).update(expires_at=NOON - timedelta(minutes=1))
    return code


def _stopped(client, school, sendco, world):
    code = _checked(client, school, sendco, world)
    link = ViewsLink.objects.get(pupil=world["ada"])
    link_services.link_revoke(access=access_for(sendco, school), link=link, now=NOON)
    return code


def _other_pupil_checked(client, school, sendco, world):
    bea_code = make_link(school, sendco, world["bea"])[1]
    client.post(f("link", bea_code), BEA_BORN)
    return _waiting(client, school, sendco, world)


def _address_over_limit(client, school, sendco, world):
    code = _waiting(client, school, sendco, world)
    for _ in range(20):
        client.get(f("link", "WXYZ-WXYZ-WXYZ"))
    return code


def _unknown(client, school, sendco, world):
    return UNKNOWN


# state: (make it, [check page, plan page, send views], the child shown on the plan page)
MATRIX = {
    "waiting, not checked": (_waiting, [200, 302, 302]),
    "waiting, checked in this browser": (_checked, [302, 200, 302]),
    "views already given": (_given, [200, 200, 200]),
    "locked by five wrong dates of birth": (_locked, [403, 403, 403]),
    "expired": (_expired, [410, 410, 410]),
    "stopped by the school": (_stopped, [410, 410, 410]),
    "another pupil's link checked": (_other_pupil_checked, [200, 302, 302]),
    "address over its hourly limit": (_address_over_limit, [429, 302, 302]),
    "no such code": (_unknown, [404, 404, 404]),
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("state", list(MATRIX))
def test_a_parents_link_in_every_state(client, school, sendco, world, state):
    make, expected = MATRIX[state]
    code = make(client, school, sendco, world)
    before = ViewsGiven.objects.filter(pupil=world["ada"]).count()
    answers = [
        client.get(f("link", code)),
        client.get(f("plan", code)),
        client.post(f("plan", code), VIEWS),
    ]
    assert [a.status_code for a in answers] == expected
    # The child's name is on no page but the plan of a checked, open link.
    shows = [a.status_code == 200 and "Ada" in a.content.decode() for a in answers]
    assert shows == [False, state == "waiting, checked in this browser", False]
    # Views are taken once, from a checked open link only.
    taken = ViewsGiven.objects.filter(pupil=world["ada"]).count() - before
    assert taken == (1 if state == "waiting, checked in this browser" else 0)
