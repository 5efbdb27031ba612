"""Issue 12, item 5: inputs that gave a 500. Each is what a person (or a script) can type into a
query string or a form; each now gets an ordinary page, a redirect or a form error.

`²` is a digit to `str.isdigit()` but not to `int()`, so every id or number read from a request
goes through `staff.parsing`. The world is the permission matrix's, built once for the module.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans.models import Contribution, ParentMeeting
from provision.models import Session
from register.models import Concern, PassportVersion
from register.rules import ever_6_fsm
from tests.conftest import built_once
from tests.permissions.test_matrix import _build_world, _kwargs


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as build:
        yield build(_build_world)


@pytest.fixture
def world(module_world, db):
    return module_world


@pytest.fixture
def sendco(client, world):
    client.force_login(world["users"]["sendco"])
    return client


def url(name: str, world) -> str:
    return reverse(name, kwargs=_kwargs(name, world))


@pytest.mark.parametrize("name", ["register:passport", "ehcp:plan"])
def test_a_version_that_is_not_a_number_shows_the_current_version(sendco, world, name):
    response = sendco.get(url(name, world), {"version": "²"})
    assert response.status_code == 200


def test_a_cycle_that_is_not_a_number_shows_the_current_cycle(sendco, world):
    response = sendco.get(url("plans:plan", world), {"cycle": "²"})
    assert response.status_code == 200
    assert response.context["cycle"] == world["plan_cycle"]


@pytest.mark.parametrize(
    "junk",
    [
        {"present": "²"},
        {"reason_²": "ill"},
        {"note_²": "Tired."},
        {"present": "99999999999999999999999"},
        {"reason_-1": "ill", "note_ ٣": "x"},
    ],
    ids=["present", "reason", "note", "huge", "negative"],
)
def test_a_session_log_with_junk_ids_logs_the_pupils_it_names(client, world, junk):
    client.force_login(world["users"]["ta"])
    pupil = world["place"].pupil
    present = [str(pupil.pk), *([junk["present"]] if "present" in junk else [])]
    response = client.post(url("provision:session_log", world), {**junk, "present": present})
    assert response.status_code == 302
    session = Session.objects.get(group=world["intervention_group"])
    assert list(session.attendance.filter(present=True).values_list("pupil", flat=True)) == [
        pupil.pk
    ]


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31", "1-1-1"])
def test_the_register_on_an_absurd_date_says_so(sendco, world, on):
    response = sendco.get(url("register:list", world), {"on": on})
    assert response.status_code == 200
    assert "Give a date" in response.content.decode() or "Enter a valid date" in (
        response.content.decode()
    )


@pytest.mark.parametrize("on", [date(1, 1, 1), date(1, 2, 28), date(9999, 12, 31)])
def test_ever_6_works_on_any_date(on):
    assert ever_6_fsm([], on) is False


def test_a_parent_meeting_in_the_year_one_is_refused(client, world):
    client.force_login(world["users"]["sendco"])
    response = client.post(
        url("plans:meeting_new", world),
        {"held_on": "0001-01-01", "kind": "other", "attended_by": "Mum"},
    )
    assert response.status_code == 200
    assert "between" in response.content.decode()
    assert not ParentMeeting.objects.filter(held_on=date(1, 1, 1)).exists()


# --- item 9: free text has a limit ------------------------------------------------------------

MEGABYTE = "x" * 1_000_000


@pytest.mark.parametrize(
    ("name", "field", "model"),
    [
        ("register:concern_raise", "description", Concern),
        ("register:passport_edit", "about_me", PassportVersion),
        ("plans:contribute", "body", Contribution),
    ],
)
def test_a_megabyte_of_text_is_refused_with_the_limit(sendco, world, name, field, model):
    before = model.objects.count()
    page = sendco.get(url(name, world)).content.decode()
    assert 'maxlength="10000"' in page
    assert "Up to 10,000 characters." in page

    response = sendco.post(url(name, world), {field: MEGABYTE})

    assert response.status_code == 200
    assert "Keep this to 10,000 characters (it has 1000000)." in response.content.decode()
    assert model.objects.count() == before


def test_a_session_note_too_long_is_refused(client, world):
    client.force_login(world["users"]["ta"])
    pupil = world["place"].pupil
    client.post(
        url("provision:session_log", world), {"present": [pupil.pk], f"note_{pupil.pk}": MEGABYTE}
    )
    assert not Session.objects.filter(group=world["intervention_group"]).exists()


def test_text_that_skipped_the_form_is_refused_before_it_is_saved(world):
    with pytest.raises(ValidationError, match="10,000 characters"):
        Concern.objects.create(
            school=world["acorn"],
            pupil=world["pupil"],
            raised_by=world["users"]["teacher"],
            raised_on=date(2026, 11, 2),
            description=MEGABYTE,
        )


def test_a_request_body_over_the_limit_is_a_400_not_a_500(client, world):
    client.force_login(world["users"]["sendco"])
    response = client.post(url("register:concern_raise", world), {"description": "x" * 1_500_000})
    assert response.status_code == 400


@pytest.mark.parametrize("teacher", ["9" * 25, "-9223372036854775809", "٣"])
def test_a_choice_of_staff_with_an_impossible_id_is_refused(sendco, world, teacher):
    """Found by the fuzz test: Django asks the database `pk IN (...)` with the number, and the
    database fails on an integer that large."""
    response = sendco.post(url("register:class_edit", world), {"teachers": [teacher]})
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
