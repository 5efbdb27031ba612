"""The demo provision map: deterministic, idempotent, at sane proportions, with something for the
TA to log today and real numbers for the impact pages."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from provision.demo import seed_provision
from provision.models import (
    Attendance,
    Group,
    GroupPupil,
    Intervention,
    SenBudget,
    Session,
    StaffContract,
)
from provision.rules import impact
from provision.selectors import my_groups_today
from register.demo import seed_pupils
from register.models import SenStatus
from staff import calendar as school_calendar
from staff.models import School, User
from staff.tenancy import access_for

WEDNESDAY = date(2026, 11, 25)
SEPTEMBER = date(2026, 9, 1)
ROLLS = {
    "primary": {"year_groups": ["R", "1", "2", "3", "4", "5", "6"], "per_year": 30},
    "secondary": {"year_groups": ["7", "8", "9", "10", "11"], "per_year": 40},
}


def _build(school, ta, teacher, sendco, today: date = WEDNESDAY, seed: int = 7) -> int:
    start = school_calendar.academic_year_start_for(today)
    for year_start in (start - 1, start + 1):
        school_calendar.create_default_year(school=school, academic_year_start=year_start)
    year = school_calendar.create_default_year(school=school, academic_year_start=start)
    seed_pupils(
        school=school,
        year=year,
        class_size=30,
        teacher=teacher,
        ta=ta,
        sendco=sendco,
        seed=seed,
        today=today,
        **ROLLS[school.phase],
    )
    return seed_provision(
        school=school, year=year, today=today, ta=ta, teacher=teacher, sendco=sendco, seed=seed
    )


@pytest.fixture
def seeded(school, ta, teacher, sendco):
    _build(school, ta, teacher, sendco)
    return school


def test_a_second_run_changes_nothing(school, ta, teacher, sendco):
    assert _build(school, ta, teacher, sendco) > 0
    counts = [m.objects.count() for m in (Intervention, Group, GroupPupil, Session, Attendance)]
    assert _build(school, ta, teacher, sendco) == 0
    assert [
        m.objects.count() for m in (Intervention, Group, GroupPupil, Session, Attendance)
    ] == counts


def test_the_same_seed_gives_the_same_map(school, other_school, ta, teacher, sendco):
    other_school.phase = school.phase
    other_school.save()
    _build(school, ta, teacher, sendco)
    _build(other_school, ta, teacher, sendco)

    def shape(s):
        return (
            list(Group.objects.filter(school=s).order_by("name").values_list("name", "status")),
            list(
                Session.objects.filter(school=s)
                .order_by("group__name", "on")
                .values_list("group__name", "on", "ran")
            ),
            list(
                GroupPupil.objects.filter(school=s)
                .order_by("group__name", "pupil_id")
                .values_list(
                    "pupil__legal_first_name", "pupil__legal_last_name", "entry_score", "exit_score"
                )
            ),
        )

    assert shape(school) == shape(other_school)


@pytest.mark.parametrize("phase", ["primary", "secondary"])
def test_proportions_are_sane(school, ta, teacher, sendco, phase):
    school.phase = phase
    school.save()
    _build(school, ta, teacher, sendco)

    assert Intervention.objects.filter(school=school).count() == 7
    assert all(i.broad_area and i.measure_id for i in Intervention.objects.filter(school=school))
    assert StaffContract.objects.filter(school=school).count() == 2
    assert SenBudget.objects.filter(school=school).count() == 1
    statuses = {s: Group.objects.filter(school=school, status=s).count() for s in Group.Status}
    assert statuses["running"] >= 8
    assert statuses["planned"] >= 2
    assert statuses["ended"] >= 2
    for group in Group.objects.filter(school=school).prefetch_related("places", "staff"):
        assert 3 <= len(group.places.all()) <= 8, group
        assert len(group.staff.all()) == 1, group

    # Mostly pupils on the SEN register (K or E), some others (monitoring, Pupil Premium).
    sen = set(
        SenStatus.objects.filter(
            school=school, category__in=["K", "E"], ends_on__isnull=True
        ).values_list("pupil_id", flat=True)
    )
    places = list(GroupPupil.objects.filter(school=school).values_list("pupil_id", flat=True))
    share_sen = sum(1 for p in places if p in sen) / len(places)
    assert 0.6 <= share_sen < 1, share_sen

    # About 90% attendance; a few sessions not run, each with its reason.
    marks = Attendance.objects.filter(school=school)
    attendance = marks.filter(present=True).count() / marks.count()
    assert 0.82 <= attendance <= 0.96, attendance
    assert not marks.filter(present=False, absence_reason="").exists()
    sessions = Session.objects.filter(school=school)
    not_run = sessions.filter(ran=False)
    assert 0 < not_run.count() <= sessions.count() * 0.1
    assert not not_run.filter(not_run_reason="").exists()
    assert not Attendance.objects.filter(session__in=not_run).exists()


@pytest.mark.parametrize(
    "today",
    [
        WEDNESDAY,
        date(2026, 11, 28),  # a Saturday
        date(2027, 2, 17),  # February half-term
        date(2027, 6, 10),  # summer term
    ],
    ids=str,
)
@pytest.mark.parametrize("phase", ["primary", "secondary"])
def test_the_ta_has_a_group_of_six_today(school, ta, teacher, sendco, today, phase):
    school.phase = phase
    school.save()
    _build(school, ta, teacher, sendco, today=today)
    groups = my_groups_today(access=access_for(ta, school), today=today)
    assert 6 in [len(g.places_today) for g in groups]


@pytest.mark.parametrize("today", [WEDNESDAY, date(2027, 6, 10)], ids=str)
def test_sessions_only_on_open_school_days_before_today(school, ta, teacher, sendco, today):
    _build(school, ta, teacher, sendco, today=today)
    days = list(Session.objects.filter(school=school).values_list("group_id", "on"))
    assert days
    open_days = set(
        school_calendar.school_days(school=school, start=min(d for _, d in days), end=today)
    )
    assert all(on in open_days and on < today for _, on in days)
    for group in Group.objects.filter(school=school):
        on = [d for g, d in days if g == group.pk]
        assert all(group.starts_on <= d <= group.ends_on for d in on)
        if group.status == Group.Status.PLANNED:
            assert not on
    # Running groups have been running: more than a few weeks of sessions each.
    six_weeks_ago = today - timedelta(weeks=6)
    for group in Group.objects.filter(school=school, status=Group.Status.RUNNING):
        if group.starts_on < six_weeks_ago:
            assert Session.objects.filter(group=group).count() >= 4, group


def test_attendance_only_for_pupils_in_the_group_that_day(seeded):
    places = {(p.group_id, p.pupil_id): p for p in GroupPupil.objects.filter(school=seeded)}
    marks = Attendance.objects.filter(school=seeded).values_list(
        "session__group_id", "session__on", "pupil_id"
    )
    for group_id, on, pupil_id in marks:
        place = places[(group_id, pupil_id)]
        assert place.joined_on <= on
        assert place.left_on is None or on <= place.left_on
    # Every pupil in a group that day has a mark at every session that ran.
    for session in Session.objects.filter(school=seeded, ran=True).prefetch_related("attendance"):
        expected = {
            pupil_id
            for (group_id, pupil_id), p in places.items()
            if group_id == session.group_id
            and p.joined_on <= session.on
            and (p.left_on is None or session.on <= p.left_on)
        }
        assert {a.pupil_id for a in session.attendance.all()} == expected


def test_impact_pages_have_numbers(seeded):
    measured = GroupPupil.objects.filter(
        school=seeded, entry_score__isnull=False, exit_score__isnull=False
    )
    assert measured.filter(group__status=Group.Status.ENDED).count() >= 6
    assert measured.filter(group__status=Group.Status.RUNNING).exists()  # left at half-term
    # Six-week blocks that ended at this term's half-term: this academic year's impact figures.
    this_year = measured.filter(group__status=Group.Status.ENDED, group__ends_on__gte=SEPTEMBER)
    assert this_year.values("group__intervention").distinct().count() >= 5
    for group in Group.objects.filter(school=seeded, status=Group.Status.ENDED).select_related(
        "intervention__measure"
    ):
        result = impact(
            places=group.places.values_list("entry_score", "target_score", "exit_score"),
            higher_is_better=group.intervention.measure.higher_is_better,
            cost=Decimal(100),
        )
        assert result.with_measures >= 1
        assert result.met_target_rate is not None


@pytest.mark.django_db
def test_seed_demo_gives_each_demo_ta_a_group_of_six_today(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    for school in School.objects.all():
        ta = User.objects.get(email=f"ta@{school.slug}.example.org")
        groups = my_groups_today(access=access_for(ta, school), today=today)
        assert 6 in [len(g.places_today) for g in groups], school
        assert Group.objects.filter(school=school, status=Group.Status.ENDED).exists()
        assert SenBudget.objects.filter(school=school).exists()
