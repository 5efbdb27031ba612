"""Forgetting to audit a page that shows a pupil is impossible: every URL of the permission
matrix, opened by the SENDCo, either names no pupil or writes an audit event; a page about one
pupil (its URL names them) writes an event naming that pupil. A new page that forgets fails here
(issue 12 item 7; RELIABILITY AU-01).

The world is the permission matrix's, built once for this module."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import resolve, reverse

from register.models import Pupil
from staff.models import AuditEvent
from tests.conftest import built_once
from tests.permissions.rows import codes
from tests.permissions.test_matrix import MATRIX, _build_world, _kwargs

PAGES = sorted(name for name, row in MATRIX.items() if row.get and codes(row.get)["sendco"] == 200)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as build:
        yield build(_build_world)


@pytest.fixture
def world(module_world, db):
    return module_world


def _ways_to_name(pupil: Pupil) -> list[str]:
    first = pupil.preferred_first_name or pupil.legal_first_name
    last = pupil.preferred_last_name or pupil.legal_last_name
    return [pupil.name, f"{first} {last}", f"{last}, {first}"]


def named_in(text: str, pupils: list[Pupil]) -> list[Pupil]:
    return [p for p in pupils if any(way in text for way in _ways_to_name(p))]


def names(event: AuditEvent, pupil: Pupil) -> bool:
    """Whether an audit event says it is about this pupil (its subject, or among its pupils)."""
    ref = str(pupil.public_id)
    return ref in (str(event.pupil_public_id), event.object_id) or ref in json.dumps(event.detail)


def test_the_world_names_its_pupils_distinctively(world):
    pupils = list(Pupil.objects.filter(school=world["acorn"]))
    assert len(pupils) >= 4
    assert named_in("nothing about anyone", pupils) == []


def test_every_page_has_a_case():
    assert len(PAGES) > 50


@pytest.mark.parametrize("name", PAGES)
def test_a_page_that_shows_a_pupil_writes_an_audit_event(client, world, name):
    kwargs = _kwargs(name, world)
    pupils = list(Pupil.objects.filter(school=world["acorn"]))
    client.force_login(world["users"]["sendco"])
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    events = list(AuditEvent.objects.filter(pk__gt=last))
    public = getattr(resolve(reverse(name, kwargs=kwargs)).func, "login_required", True) is False
    if response.streaming or not re.match(r"text/|application/json", response["Content-Type"]):
        if public:  # the published SEN information report: for anyone, no pupil data in it
            assert named_in(response.content.decode("latin-1"), pupils) == []
            return
        # A PDF (a plan, the map, a review pack): a download of pupil data is always audited.
        assert events, f"{name} sent a {response['Content-Type']} but wrote no audit event"
        return
    shown = named_in(response.content.decode(), pupils)
    if not shown:
        return
    assert events, f"{name} shows {[p.name for p in shown]} but wrote no audit event"
    subject = [p for p in shown if str(p.public_id) in {str(v) for v in kwargs.values()}]
    for pupil in subject:
        assert any(names(e, pupil) for e in events), (
            f"{name} is about {pupil.name} but no audit event names them: "
            f"{[(e.action, e.pupil_public_id, e.detail) for e in events]}"
        )
