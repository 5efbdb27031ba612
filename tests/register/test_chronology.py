"""The pupil page's chronology is open to the apps above the register (register/chronology.py):
a source registered gives its lines for the pupil and the person, shown with the register's own
in date order, with a link when it has one; the register imports none of those apps."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from register import chronology
from register.chronology import Entry
from register.models import Pupil, SenStatus


@pytest.fixture
def only_this_source(monkeypatch):
    monkeypatch.setattr(chronology, "_SOURCES", {})
    calls = []

    def source(*, pupil, access):
        calls.append((pupil.pk, access.role))
        return [
            Entry(date(2026, 10, 5), "Early Help", "Early Help plan started", None),
            Entry(date(2025, 1, 9), "Outside agency", "Seen by the EP", "/somewhere/"),
        ]

    chronology.register("test", source)
    return calls


def test_a_registered_sources_lines_are_in_the_chronology_in_date_order(
    client, school, sendco, only_this_source
):
    pupil = Pupil.objects.create(
        school=school,
        upn="B801200005001",
        legal_first_name="Ada",
        legal_last_name="Sentinel",
        date_of_birth="2018-03-01",
        sex="F",
        year_group="3",
    )
    SenStatus.objects.create(
        school=school, pupil=pupil, category="K", starts_on=date(2025, 9, 1), reason="Assessed"
    )
    client.force_login(sendco)
    response = client.get(reverse("register:pupil", args=[school.slug, pupil.public_id]))
    assert only_this_source == [(pupil.pk, "sendco")]
    kinds = [kind for _, kind, _ in response.context["chronology"]]
    assert kinds == ["entry", "status", "entry"]
    page = response.content.decode()
    assert "<td>Early Help</td>" in page
    assert "Early Help plan started" in page
    assert '<a href="/somewhere/">Seen by the EP</a>' in page


def test_registering_again_under_a_name_replaces_the_source(monkeypatch):
    monkeypatch.setattr(chronology, "_SOURCES", {})
    chronology.register("x", lambda **_: [Entry(date(2026, 1, 1), "A", "first")])
    chronology.register("x", lambda **_: [Entry(date(2026, 1, 1), "A", "second")])
    assert [e.label for e in chronology.entries(pupil=None, access=None)] == ["second"]
