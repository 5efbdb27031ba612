"""seed_demo: the demo trust at realistic proportions, idempotent, never on a live server."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from register.models import Pupil, SenStatus, TeachingGroup
from staff.models import Membership, Role, User


def _seed(**kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_builds_the_trust_once(settings):
    settings.DEBUG = True
    first = _seed()
    assert "Created the demo trust" in first
    assert "sendco@meadow-lane.example.org" in first
    counts = (User.objects.count(), Pupil.objects.count(), SenStatus.objects.count())
    again = _seed()
    assert "nothing changed" in again
    assert (User.objects.count(), Pupil.objects.count(), SenStatus.objects.count()) == counts

    for slug, roll in (("meadow-lane", 280), ("riverside", 1000)):
        pupils = Pupil.objects.filter(school__slug=slug)
        assert pupils.count() == roll
        k = SenStatus.objects.filter(school__slug=slug, category="K").count() / roll
        e = SenStatus.objects.filter(school__slug=slug, category="E").count() / roll
        assert 0.10 <= k <= 0.18, k
        assert 0.03 <= e <= 0.07, e
    # One login per role per school, plus the trust lead.
    roles = Membership.objects.values_list("school__slug", "role")
    for slug in ("meadow-lane", "riverside"):
        for role in (Role.SENDCO, Role.HEAD, Role.TEACHER, Role.TA, Role.GOVERNOR):
            assert (slug, role) in roles
    assert Membership.objects.filter(role=Role.TRUST_LEAD).count() == 1
    # The demo teacher has a class with pupils in it.
    teacher = User.objects.get(email="teacher@meadow-lane.example.org")
    assert TeachingGroup.objects.get(teachers=teacher).pupils.count() >= 15


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        _seed()
    assert not User.objects.exists()
