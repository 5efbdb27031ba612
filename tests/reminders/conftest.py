"""Fixtures for the reminder tests: Acorn's calendar, two pupils on SEN support (one in Tom
Teacher's class), and concerns under monitoring, whose review date is a deadline owned by the
person who decided the concern (register/deadlines.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from plans import services as plan_services
from plans.models import Cycle
from register.models import Concern, Pupil
from sendco.models import Notification
from staff import calendar as school_calendar
from staff.tenancy import access_for
from tests.register.factories import class_of, make_pupil, put_on

TODAY = date(2026, 11, 25)  # a Wednesday in the autumn term
AGREED = date(2026, 9, 14)
AUTUMN_END = date(2026, 12, 18)  # the default review date of a plan agreed on AGREED
MONITORING = "register.monitoring_review"
APDR = "provision.apdr_review"


@pytest.fixture
def year(school):
    with time_machine.travel(TODAY):
        return school_calendar.create_default_year(school=school, academic_year_start=2026)


@pytest.fixture
def jozef(school, teacher, year) -> Pupil:
    """On SEN support for speech and language, in Tom Teacher's class 3Q."""
    pupil = make_pupil(school, legal_first_name="Jozef", legal_last_name="Quill")
    put_on(pupil, "K", date(2025, 9, 1), "SLCN")
    class_of(school, "3Q", teachers=[teacher], pupils=[pupil], year=year)
    return pupil


@pytest.fixture
def wren(school, year) -> Pupil:
    """On SEN support for autism, in nobody's class."""
    pupil = make_pupil(school, legal_first_name="Wren", legal_last_name="Oakes")
    put_on(pupil, "K", date(2025, 9, 1), "ASD")
    return pupil


def monitoring(pupil: Pupil, *, review_on: date, decided_by) -> Concern:
    """A concern the SENDCo (or whoever `decided_by` is) decided to monitor until `review_on`."""
    return Concern.objects.create(
        school=pupil.school,
        pupil=pupil,
        raised_by=decided_by,
        raised_on=review_on - timedelta(days=90),
        description="Finds reading hard.",
        status=Concern.Status.MONITORING,
        decided_by=decided_by,
        decided_on=review_on - timedelta(days=80),
        review_on=review_on,
    )


def told(**filters) -> list[tuple[str, str, int]]:
    """Who has been told what: (email, kind, threshold), sorted, duplicates kept."""
    return sorted(
        Notification.objects.filter(**filters).values_list("user__email", "kind", "threshold")
    )


def plan_under_way(pupil: Pupil, *, sendco, lead) -> Cycle:
    """A support plan led by `lead`, agreed on 14 September and under way (Do), its review due
    at the end of the autumn term (plans/services.py)."""
    access = access_for(sendco, pupil.school)
    plan = plan_services.plan_start(access=access, pupil=pupil, today=AGREED, lead=lead)
    cycle = plan.cycles.get()
    plan_services.target_save(access=access, cycle=cycle, description="Read 20 words")
    plan_services.cycle_update(
        access=access,
        cycle=cycle,
        agreed_on=AGREED,
        review_due=plan_services.review_due_for(school=pupil.school, agreed_on=AGREED),
    )
    for _ in ("to plan", "to do"):
        cycle = plan_services.cycle_advance(access=access, cycle=cycle, today=AGREED)
    assert cycle.review_due == AUTUMN_END
    return cycle


def plan_review(pupil: Pupil, *, review_on: date, sendco, lead) -> Cycle:
    """A support plan led by `lead` (a class teacher: a page they may open, unlike a concern's,
    which is the SENDCo's) whose review is due on `review_on`."""
    cycle = plan_under_way(pupil, sendco=sendco, lead=lead)
    Cycle.objects.filter(pk=cycle.pk).update(review_due=review_on)
    return cycle
