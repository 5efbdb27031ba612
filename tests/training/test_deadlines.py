"""The training provider (`training.deadlines.deadlines`): certificates to renew, ELSA supervision
and the SENCO's qualification, for the staff still at the school, in the same number of queries
however many there are; and who is shown them (`sendco.deadlines.deadlines_for`): the person
they are about and those who see everyone's training, never a colleague."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from register.models import Pupil
from sendco.deadlines import deadlines_for
from staff import calendar as school_calendar
from staff.calendar import SchoolCalendar
from staff.deadlines import Severity
from staff.tenancy import access_for
from training import deadlines as training_deadlines
from training.models import Completion, Course, StaffMember, Supervision

TODAY = date(2026, 11, 25)  # autumn 2026's second half: 2 November to 18 December
UNTIL = TODAY + timedelta(weeks=8)


@pytest.fixture
def year(school):
    return school_calendar.create_default_year(school=school, academic_year_start=2026)


def course(school, name, **fields) -> Course:
    return Course.objects.get_or_create(school=school, name=name, defaults=fields)[0]


def mhfa(school) -> Course:
    return course(school, "Youth Mental Health First Aid", expires_after_months=36)


def team_teach(school) -> Course:
    return course(school, "Team Teach (positive handling)", expires_after_months=12)


def elsa(school) -> Course:
    return course(school, "ELSA (Emotional Literacy Support Assistant)", supervision="half_termly")


def npq(school) -> Course:
    return course(school, "NPQ for SENCOs", qualification="npq")


def member_of(user, school) -> StaffMember:
    """The staff member a membership made (training/signals.py)."""
    return StaffMember.objects.get(school=school, user=user)


def without_login(school, name, **fields) -> StaffMember:
    return StaffMember.objects.create(school=school, name=name, **fields)


def done(person, course, completed_on, started_on=None) -> Completion:
    return Completion.objects.create(
        school=person.school,
        person=person,
        course=course,
        completed_on=completed_on,
        started_on=started_on,
    )


def found(school, today=TODAY, until=UNTIL):
    rows = training_deadlines.deadlines(
        school=school, pupils=Pupil.objects.for_school(school), today=today, until=until
    )
    return sorted((d.subject, d.kind, d.title, d.due, d.severity, d.owner_id) for d in rows)


def test_each_kind_for_the_staff_still_here(school, sendco, head, teacher, ta, year):
    done(member_of(teacher, school), mhfa(school), date(2023, 12, 10))  # expires in 15 days
    done(member_of(head, school), team_teach(school), date(2025, 11, 1))  # expired
    mo = without_login(school, "Mo Midday")
    done(mo, mhfa(school), date(2023, 12, 20))
    done(mo, team_teach(school), date(2025, 6, 1))
    done(mo, team_teach(school), date(2026, 6, 1))  # renewed: due next June, beyond the horizon
    left = without_login(school, "Les Left", left_on=date(2026, 10, 1))
    done(left, mhfa(school), date(2023, 12, 1))
    done(member_of(ta, school), elsa(school), date(2026, 9, 20))  # no supervision since
    StaffMember.objects.filter(school=school, user=sendco).update(
        senco_appointed_on=date(2024, 9, 1)
    )
    assert found(school) == [
        (
            "Hana Head",
            "training.renewal",
            "Renew Team Teach (positive handling)",
            date(2026, 11, 1),
            Severity.OVERDUE,
            head.pk,
        ),
        (
            "Mo Midday",
            "training.renewal",
            "Renew Youth Mental Health First Aid",
            date(2026, 12, 20),
            Severity.LATER,
            None,
        ),
        (
            "Sam Sendco",
            "training.senco_qualification",
            "SENCO qualification: the NPQ for SENCOs",
            date(2027, 9, 1),
            Severity.LATER,
            sendco.pk,
        ),
        (
            "Tara Assistant",
            "training.supervision",
            "ELSA supervision this half-term",
            date(2026, 12, 18),
            Severity.LATER,
            ta.pk,
        ),
        (
            "Tom Teacher",
            "training.renewal",
            "Renew Youth Mental Health First Aid",
            date(2026, 12, 10),
            Severity.LATER,
            teacher.pk,
        ),
    ]


def test_subject_and_link_are_the_person(school, teacher):
    person = member_of(teacher, school)
    done(person, mhfa(school), date(2023, 12, 10))
    [row] = training_deadlines.deadlines(
        school=school, pupils=Pupil.objects.for_school(school), today=TODAY, until=UNTIL
    )
    assert row.subject_id == str(person.public_id)
    assert row.url == reverse("training:person", args=[school.slug, person.public_id])


def test_supervision_attended_moves_to_the_next_half_term(school, year):
    person = without_login(school, "Ella Elsa")
    done(person, elsa(school), date(2026, 9, 20))
    Supervision.objects.create(school=school, person=person, course=elsa(school), on=TODAY)
    assert found(school) == []  # due by 12 February: beyond the eight weeks
    assert found(school, until=date(2027, 3, 1)) == [
        (
            "Ella Elsa",
            "training.supervision",
            "ELSA supervision next half-term",
            date(2027, 2, 12),
            Severity.LATER,
            None,
        )
    ]
    assert found(school, today=date(2027, 3, 1), until=date(2027, 4, 26)) == [
        (
            "Ella Elsa",
            "training.supervision",
            "ELSA supervision missed",
            date(2027, 2, 12),
            Severity.OVERDUE,
            None,
        )
    ]


def test_no_supervision_date_without_the_schools_half_terms(school):
    done(without_login(school, "Ella Elsa"), elsa(school), date(2026, 9, 20))
    assert found(school) == []


@pytest.mark.parametrize(
    ("appointed_on", "months", "shown"),
    [
        (date(2024, 9, 1), 12, True),  # due 1 Sep 2027: within 12 months
        (date(2024, 9, 1), 6, False),  # ... not within 6
        (date(2024, 11, 30), 12, False),  # due 30 Nov 2027: 12 months and 5 days away
        (date(2023, 11, 1), 1, True),  # due 1 Nov 2026: overdue, whatever the notice
        (date(2009, 8, 31), 12, False),  # exempt
    ],
)
def test_the_senco_qualification_from_a_year_before(school, settings, appointed_on, months, shown):
    settings.TRAINING_SENCO_QUALIFICATION_NOTICE_MONTHS = months
    without_login(school, "Sam Sendco", senco_appointed_on=appointed_on)
    assert bool(found(school)) is shown


def test_a_senco_who_holds_the_npq_owes_nothing(school):
    sam = without_login(school, "Sam Sendco", senco_appointed_on=date(2024, 9, 1))
    done(sam, npq(school), date(2026, 7, 1), started_on=date(2024, 10, 1))
    assert found(school) == []


def test_another_schools_training_is_not_read(school, other_school):
    done(without_login(other_school, "Bea Beech"), mhfa(other_school), date(2023, 12, 10))
    assert found(school) == []


@pytest.mark.parametrize("size", [3, 30])
def test_queries_do_not_grow_with_staff(school, year, size, django_assert_num_queries):
    for n in range(size):
        person = without_login(school, f"Person {n:02}")
        done(person, mhfa(school), date(2023, 12, 10))
        done(person, mhfa(school), date(2020, 12, 10))
        done(person, elsa(school), date(2026, 9, 20))
        Supervision.objects.create(school=school, person=person, course=elsa(school), on=TODAY)
    calendar = SchoolCalendar.load(school=school)
    pupils = Pupil.objects.for_school(school)
    # the people, their completions, their supervision
    with django_assert_num_queries(3):
        rows = list(
            training_deadlines.deadlines(
                school=school, pupils=pupils, today=TODAY, until=UNTIL, calendar=calendar
            )
        )
    assert len(rows) == size  # the renewals: supervision was this half-term


def test_a_persons_deadline_is_theirs_and_their_leaders(school, sendco, head, teacher, ta):
    done(member_of(teacher, school), mhfa(school), date(2023, 12, 10))
    done(member_of(ta, school), mhfa(school), date(2023, 12, 12))
    done(without_login(school, "Mo Midday"), mhfa(school), date(2023, 12, 14))

    def subjects(person):
        found = deadlines_for(access=access_for(person, school), today=TODAY)
        return sorted(d.subject for d in found if d.kind == "training.renewal")

    everyone = ["Mo Midday", "Tara Assistant", "Tom Teacher"]
    assert subjects(teacher) == ["Tom Teacher"]
    assert subjects(ta) == ["Tara Assistant"]
    assert subjects(head) == everyone
    assert subjects(sendco) == everyone


def test_the_teachers_own_deadline_opens_for_them(client, school, teacher):
    done(member_of(teacher, school), mhfa(school), date(2023, 12, 10))
    [row] = deadlines_for(access=access_for(teacher, school), today=TODAY)
    client.force_login(teacher)
    assert client.get(row.url).status_code == 200
