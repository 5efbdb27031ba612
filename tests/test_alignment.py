"""A looked-after child with an EHC plan (sendco/alignment.py): both the EHC plan's page and the
child's looked-after page say when the annual review and the next PEP are due, and whether they
can be one meeting; nobody who is not shown who is looked after sees the note."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from ehcp.models import PlanVersion
from lac.models import Pep, VirtualSchool
from register.models import LookedAfterPeriod
from staff import calendar as school_calendar
from tests.ehcp.factories import make_authority, make_plan
from tests.register.factories import class_of, make_pupil, put_on

NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
NOTE = "is looked after and has an EHC plan"


@pytest.fixture
def child(school, sendco, teacher):
    """Ada: looked after (first-half timing), her autumn PEP held, so spring's is due by the end
    of the first half of spring (12 February 2027); an EHC plan whose review falls due in the
    spring term, before that (issued 1 February 2026: due by 1 February 2027)."""
    for start in (2025, 2026):
        year = school_calendar.create_default_year(school=school, academic_year_start=start)
    ada = make_pupil(school, legal_first_name="Ada", year_group="4")
    put_on(ada, "E", date(2025, 1, 6), "ASD")
    LookedAfterPeriod.objects.create(
        school=school, pupil=ada, starts_on=date(2024, 1, 8), responsible_la="Anyshire"
    )
    VirtualSchool.objects.create(school=school, la_name="Anyshire", pep_timing="first_half")
    Pep.objects.create(school=school, pupil=ada, kind="termly", held_on=date(2026, 10, 6))
    make_plan(ada, make_authority(school), issued_on=date(2026, 2, 1), by=sendco)
    class_of(school, "4A", teachers=[teacher], pupils=[ada], year=year)
    with time_machine.travel(NOON, tick=False):
        yield ada


def _pages(school, ada):
    return (
        reverse("ehcp:plan", args=[school.slug, ada.public_id]),
        reverse("lac:child", args=[school.slug, ada.public_id]),
    )


def test_both_pages_say_the_review_and_the_pep_can_be_one_meeting(client, school, sendco, child):
    client.force_login(sendco)
    for url in _pages(school, child):
        text = " ".join(client.get(url).content.decode().split())
        assert NOTE in text
        assert (
            "(for Spring 2027) is due by 12 February 2027; the annual review by 1 February" in text
        )
        assert "hold them as one meeting on or before 1 February 2027" in text


def test_a_review_after_the_pep_is_not_offered_together(client, school, sendco, child):
    PlanVersion.objects.filter(plan__pupil=child).update(issued_on=date(2026, 3, 1))
    client.force_login(sendco)
    text = " ".join(client.get(_pages(school, child)[1]).content.decode().split())
    assert "the annual review by 1 March 2027" in text
    assert "They cannot be one meeting this time" in text


def test_a_teacher_not_shown_who_is_looked_after_sees_no_note(client, school, teacher, child):
    client.force_login(teacher)
    response = client.get(_pages(school, child)[0])
    assert response.status_code == 200
    assert NOTE not in response.content.decode()
