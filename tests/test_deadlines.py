"""The deadline engine: severities, the register's and the support plans' deadlines, scoping, the
timeline as the date moves, and the home timeline."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans import deadlines as plan_deadlines
from plans import services as plan_services
from plans.models import Cycle
from register.models import Concern, Pupil, SenStatus
from register.selectors import pupils_visible_to
from sendco.deadlines import deadlines_for
from staff import calendar as school_calendar
from staff.deadlines import Severity, is_due_soon, severity
from staff.tenancy import access_for
from tests.factories import member
from tests.register.factories import class_of, make_pupil, put_on

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (TODAY - timedelta(days=1), Severity.OVERDUE),
        (TODAY, Severity.DUE),
        (TODAY + timedelta(days=1), Severity.SOON),
        (TODAY + timedelta(days=14), Severity.SOON),
        (TODAY + timedelta(days=15), Severity.LATER),
    ],
)
def test_severity(due, expected):
    assert severity(due=due, today=TODAY) == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (TODAY - timedelta(days=1), False),  # overdue is not "soon"
        (TODAY, True),
        (TODAY + timedelta(days=14), True),
        (TODAY + timedelta(days=15), False),
        (TODAY + timedelta(weeks=4), False),  # the tracker's old 4 weeks: no longer "soon"
    ],
)
def test_due_soon_is_one_definition(due, expected):
    """One "due soon" for the engine and the EHC review tracker: 14 days."""
    assert is_due_soon(due=due, today=TODAY) is expected


@pytest.fixture
def concerns(school, sendco, teacher):
    with time_machine.travel(date(2026, 11, 25)):
        year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    mine = make_pupil(school, legal_first_name="Mina")
    other = make_pupil(school, legal_first_name="Otto")
    class_of(school, "3T", teachers=[teacher], pupils=[mine], year=year)

    def concern(pupil, **fields):
        return Concern.objects.create(
            school=school, pupil=pupil, raised_by=teacher, description="x", **fields
        )

    return {
        "overdue": concern(
            mine,
            raised_on=date(2026, 10, 1),
            status="monitoring",
            review_on=date(2026, 11, 20),
            decided_by=sendco,
        ),
        "soon": concern(
            other,
            raised_on=date(2026, 10, 1),
            status="monitoring",
            review_on=date(2026, 12, 3),
            decided_by=sendco,
        ),
        "too_far": concern(
            other,
            raised_on=date(2026, 10, 1),
            status="monitoring",
            review_on=date(2027, 3, 1),
            decided_by=sendco,
        ),
        "undecided": concern(other, raised_on=date(2026, 11, 20)),  # decision due 30 Nov
        "closed": concern(mine, raised_on=date(2026, 9, 1), status="closed"),
    }


def test_sendco_sees_every_deadline_overdue_first(school, sendco, concerns):
    found = deadlines_for(access=access_for(sendco, school), today=TODAY)
    assert [(d.title, d.subject.split()[0], d.severity) for d in found] == [
        ("Monitoring review", "Mina", Severity.OVERDUE),
        ("Decide on a concern", "Otto", Severity.SOON),
        ("Monitoring review", "Otto", Severity.SOON),
    ]
    assert found[0].due == date(2026, 11, 20)
    assert found[1].due == date(2026, 11, 30)


def test_a_teacher_sees_no_concern_deadlines(school, teacher, concerns):
    """Deciding on a concern and its monitoring review are the SENDCo's page (403 for a
    teacher), even for a pupil of their class: the teacher's timeline does not list them.
    Scoping to their pupils: `test_a_teacher_sees_only_the_plans_of_their_pupils`."""
    assert deadlines_for(access=access_for(teacher, school), today=TODAY) == []


def test_the_timeline_moves_on_with_the_date(school, sendco, concerns):
    later = deadlines_for(access=access_for(sendco, school), today=date(2027, 1, 15))
    assert ("Monitoring review", date(2027, 3, 1)) in [(d.title, d.due) for d in later]
    assert all(d.severity == Severity.OVERDUE for d in later if d.due < date(2027, 1, 15))


@pytest.mark.parametrize("extra", [0, 40])
def test_home_timeline_shows_deadlines_in_constant_queries(
    client, school, sendco, concerns, extra, django_assert_num_queries
):
    for _ in range(extra):
        Concern.objects.create(
            school=school,
            pupil=make_pupil(school),
            raised_by=sendco,
            raised_on=timezone.localdate(),
            description="x",
        )
    client.force_login(sendco)
    url = reverse("school_home", args=[school.slug])
    client.get(url)
    # The audit event of the read; the deadlines, this term's delivery, the register's counts
    # and its chart by primary need as kept since the last write (staff/deadline_cache.py), and
    # the header's school switcher as kept since the first page (staff/switcher_cache.py).
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert "Overdue: " in page
    assert "Mina" in page
    # Worked out again (the school's calendar, every provider, the term's groups, the
    # register's counts): twenty-two more, whatever the size (outside agencies: 1; Early
    # Help: 1); and the header's school switcher, dropped with the rest of the cache: one more.
    cache.clear()
    with django_assert_num_queries(34):
        assert "Mina" in client.get(url).content.decode()


# --------------------------------------------------------------------------------------------------
# Support plans (APDR): reviews, plans waiting to be agreed, parent meetings (DOMAIN.md 1.3, 6)
# --------------------------------------------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")
AGREED = date(2026, 9, 14)
AUTUMN_END = date(2026, 12, 18)  # Friday, last day of autumn 2026 by the default pattern
SPRING_START = date(2027, 1, 4)  # Monday, first day of spring 2027
# Otto's plan, started 1 December, is to be agreed within 28 days: by 29 December, in the
# Christmas holiday, so by the last school day before it, the last day of autumn.
AGREE_BY = AUTUMN_END
REVIEW = "provision.apdr_review"
AGREE = "provision.apdr_agree"
MEETINGS = "provision.parent_meetings"
OVERDUE, DUE, SOON, LATER = Severity.OVERDUE, Severity.DUE, Severity.SOON, Severity.LATER


def on_sen_support(school, first_name):
    pupil = make_pupil(school, legal_first_name=first_name)
    put_on(pupil, "K", date(2025, 9, 1), "SPLD")
    return pupil


def plan_under_way(access, pupil, *, agreed_on=AGREED, lead=None):
    """A plan agreed on `agreed_on` (the planning meeting with the parents) with the default
    review date from the school calendar, under way (Do)."""
    plan = plan_services.plan_start(access=access, pupil=pupil, today=agreed_on, lead=lead)
    cycle = plan.cycles.get()
    plan_services.target_save(access=access, cycle=cycle, description="Read 20 words")
    plan_services.cycle_update(
        access=access,
        cycle=cycle,
        agreed_on=agreed_on,
        review_due=plan_services.review_due_for(school=pupil.school, agreed_on=agreed_on),
    )
    for _ in ("to plan", "to do"):
        cycle = plan_services.cycle_advance(access=access, cycle=cycle, today=agreed_on)
    return cycle


@pytest.fixture
def apdr(school, sendco, teacher):
    """Mina (Tom Teacher's class): plan agreed 14 September, review at the end of autumn, her
    parents met once. Otto (no class of Tom's): plan started 1 December, still being assessed,
    no meeting with his parents this year."""
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    school_calendar.create_default_year(school=school, academic_year_start=2027)
    access = access_for(sendco, school)
    mina = on_sen_support(school, "Mina")
    otto = on_sen_support(school, "Otto")
    class_of(school, "3T", teachers=[teacher], pupils=[mina], year=year)
    cycle = plan_under_way(access, mina, lead=teacher)
    plan_services.plan_start(access=access, pupil=otto, today=date(2026, 12, 1))
    return {"access": access, "mina": mina, "otto": otto, "cycle": cycle}


def apdr_rows(found):
    return [
        (d.kind, d.subject.split()[0], d.due, d.severity)
        for d in found
        if d.kind.startswith("provision.")
    ]


def at(day: date):
    """Travel to 10:00 in London on `day`, as the home page sees it."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 10, tzinfo=LONDON), tick=False
    )


def test_plan_deadlines_for_the_sendco(school, sendco, teacher, apdr):
    found = deadlines_for(access=access_for(sendco, school), today=date(2026, 12, 4))
    assert [(d.title, d.subject.split()[0], d.severity) for d in found] == [
        ("Support plan review (cycle 1)", "Mina", SOON),
        ("Agree the support plan (cycle 1)", "Otto", SOON),
        ("Parent meeting (0 of 3 held this year)", "Otto", SOON),
    ]
    review, agree, meetings = found
    assert (review.due, meetings.due, agree.due) == (AUTUMN_END, AUTUMN_END, AGREE_BY)
    # The plan's lead is reminded; a plan without a lead falls to the SENDCo.
    assert (review.owner_id, meetings.owner_id, agree.owner_id) == (teacher.pk, None, None)
    assert review.url == reverse("plans:plan", args=[school.slug, apdr["mina"].public_id])
    assert review.subject_id == str(apdr["mina"].public_id)


@pytest.mark.parametrize(
    ("day", "rows"),
    [
        pytest.param(
            date(2026, 12, 4),
            [
                (REVIEW, "Mina", AUTUMN_END, SOON),
                (AGREE, "Otto", AGREE_BY, SOON),
                (MEETINGS, "Otto", AUTUMN_END, SOON),
            ],
            id="two weeks before the end of autumn",
        ),
        pytest.param(
            AUTUMN_END,
            [
                (REVIEW, "Mina", AUTUMN_END, DUE),
                (AGREE, "Otto", AGREE_BY, DUE),
                (MEETINGS, "Otto", AUTUMN_END, DUE),
            ],
            id="last day of autumn",
        ),
        pytest.param(
            date(2026, 12, 24),
            [
                (REVIEW, "Mina", AUTUMN_END, OVERDUE),
                (AGREE, "Otto", AGREE_BY, OVERDUE),
                (MEETINGS, "Otto", AUTUMN_END, OVERDUE),
            ],
            id="christmas holiday",
        ),
        pytest.param(
            SPRING_START,
            [
                (REVIEW, "Mina", AUTUMN_END, OVERDUE),
                (AGREE, "Otto", AGREE_BY, OVERDUE),
                (MEETINGS, "Otto", AUTUMN_END, OVERDUE),
            ],
            id="first day of spring",
        ),
    ],
)
def test_the_same_plans_across_the_christmas_holiday(school, sendco, apdr, day, rows):
    with at(day):
        today = timezone.localdate()
        assert apdr_rows(deadlines_for(access=access_for(sendco, school), today=today)) == rows


def test_after_the_review_the_timeline_moves_on_to_the_next_review(school, sendco, apdr):
    access = apdr["access"]
    with at(date(2027, 1, 6)):
        today = timezone.localdate()
        cycle = apdr["cycle"]
        plan_services.review_complete(
            access=access,
            cycle=cycle,
            today=today,
            reviewed_on=today,
            outcomes={cycle.targets.get().pk: {"outcome": "partly"}},
            parents_attended=True,
            participants="Mum, Tom Teacher",
        )
        second = plan_services.cycle_next(access=access, plan=cycle.plan, today=today)
        plan_services.cycle_update(
            access=access,
            cycle=second,
            agreed_on=today,
            review_due=plan_services.review_due_for(school=school, agreed_on=today),
        )
        for _ in ("to plan", "to do"):
            second = plan_services.cycle_advance(access=access, cycle=second, today=today)
        assert second.review_due == date(2027, 3, 19)  # the end of spring
        mina_now = [
            r for r in apdr_rows(deadlines_for(access=access, today=today)) if r[1] == "Mina"
        ]
        assert mina_now == []  # the next review is more than eight weeks away
    for day, rows in [
        (date(2027, 3, 1), [(REVIEW, "Mina", date(2027, 3, 19), LATER)]),
        (date(2027, 3, 19), [(REVIEW, "Mina", date(2027, 3, 19), DUE)]),
        (date(2027, 3, 22), [(REVIEW, "Mina", date(2027, 3, 19), OVERDUE)]),
    ]:
        with at(day):
            found = deadlines_for(access=access, today=timezone.localdate())
        assert [r for r in apdr_rows(found) if r[1] == "Mina"] == rows, day
    # The review and the planning of cycle 2 were one sitting on 6 January: two meetings so far.
    with at(date(2027, 6, 1)):
        found = deadlines_for(access=access, today=timezone.localdate())
    assert ("Parent meeting (2 of 3 held this year)", date(2027, 7, 22)) in [
        (d.title, d.due) for d in found if d.subject.startswith("Mina")
    ]


def test_agree_within_days_setting(school, sendco, apdr, settings):
    settings.APDR_AGREE_WITHIN_DAYS = 10
    found = deadlines_for(access=access_for(sendco, school), today=date(2026, 12, 4))
    assert [(d.due, d.severity) for d in found if d.kind == AGREE] == [(date(2026, 12, 11), SOON)]


def test_a_teacher_sees_only_the_plans_of_their_pupils(school, teacher, apdr):
    found = deadlines_for(access=access_for(teacher, school), today=date(2026, 12, 4))
    assert apdr_rows(found) == [(REVIEW, "Mina", AUTUMN_END, SOON)]
    assert found[0].owner_id == teacher.pk


def test_a_governor_sees_no_plan_deadlines(school, governor, apdr):
    assert deadlines_for(access=access_for(governor, school), today=date(2026, 12, 4)) == []


def test_another_schools_plans_never_appear(school, sendco, other_school, apdr):
    school_calendar.create_default_year(school=other_school, academic_year_start=2026)
    their_sendco = member(other_school, "sendco", email="sendco@beech.test")
    theirs = on_sen_support(other_school, "Zara")
    plan_under_way(access_for(their_sendco, other_school), theirs)
    ours = deadlines_for(access=access_for(sendco, school), today=date(2026, 12, 4))
    assert "Zara" not in {d.subject.split()[0] for d in ours}
    assert len(ours) == 3
    found = deadlines_for(access=access_for(their_sendco, other_school), today=date(2026, 12, 4))
    assert apdr_rows(found) == [(REVIEW, "Zara", AUTUMN_END, SOON)]


def test_a_reviewed_cycle_yields_nothing(school, sendco, apdr):
    cycle = apdr["cycle"]
    plan_services.review_complete(
        access=apdr["access"],
        cycle=cycle,
        today=date(2026, 12, 10),
        reviewed_on=date(2026, 12, 10),
        outcomes={cycle.targets.get().pk: {"outcome": "achieved"}},
    )
    found = deadlines_for(access=access_for(sendco, school), today=date(2026, 12, 24))
    assert [r for r in apdr_rows(found) if r[1] == "Mina"] == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda pupil: Pupil.objects.filter(pk=pupil.pk).update(leaving_date=date(2026, 11, 30)),
            id="left the school",
        ),
        pytest.param(
            lambda pupil: (
                SenStatus.objects.filter(pupil=pupil).update(ends_on=date(2026, 11, 30)),
                put_on(pupil, "N", date(2026, 12, 1)),
            ),
            id="came off SEN support",
        ),
    ],
)
def test_no_reminders_for_a_pupil_no_longer_on_the_sen_register(school, sendco, apdr, change):
    change(apdr["mina"])
    change(apdr["otto"])
    assert (
        apdr_rows(deadlines_for(access=access_for(sendco, school), today=date(2026, 12, 4))) == []
    )


def test_a_pupil_with_an_ehc_plan_has_reviews_but_no_meeting_count(school, sendco, apdr):
    SenStatus.objects.filter(pupil=apdr["otto"]).update(category="E")
    found = deadlines_for(access=access_for(sendco, school), today=date(2026, 12, 4))
    assert [r for r in apdr_rows(found) if r[1] == "Otto"] == [(AGREE, "Otto", AGREE_BY, SOON)]


def test_plan_deadlines_in_constant_queries(school, sendco):
    """The provider reads in four queries whatever the number of plans, one for the groups of the
    plans under way (none here, so their delivery is not read), and two for the school calendar
    when called on its own (the engine reads the calendar once for every provider);
    `deadlines_for` (all the providers) reads as many for 1 plan as for 15."""
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    access = access_for(sendco, school)
    today = date(2026, 12, 4)

    def add_plans(count):
        for n in range(count):
            pupil = on_sen_support(school, f"Kid{n}")
            if n % 2:
                plan_services.plan_start(access=access, pupil=pupil, today=date(2026, 11, 20))
            else:
                plan_under_way(access, pupil, lead=sendco)

    def queries(read):
        with CaptureQueriesContext(connection) as captured:
            found = read()
        return len(captured), found

    def provider():
        pupils = pupils_visible_to(access=access, on=today)
        return list(
            plan_deadlines.deadlines(
                school=school, pupils=pupils, today=today, until=today + timedelta(weeks=8)
            )
        )

    def everything():
        return deadlines_for(access=access, today=today)

    add_plans(1)
    small, found = queries(everything)
    assert queries(provider)[0] == 7
    assert len([d for d in found if d.kind == REVIEW]) == 1
    add_plans(14)
    large, found = queries(everything)
    assert queries(provider)[0] == 7
    assert large == small
    assert len([d for d in found if d.kind == REVIEW]) == 8
    assert len([d for d in found if d.kind == AGREE]) == 7


@pytest.mark.parametrize(
    ("user", "shown", "hidden"),
    [
        (
            "sendco",
            ["Mina .*: Support plan review \\(cycle 1\\)", "Otto .*: Agree the support plan"],
            [],
        ),
        ("teacher", ["Mina .*: Support plan review \\(cycle 1\\)"], ["Otto"]),
    ],
)
def test_the_deadlines_page_shows_plan_deadlines(
    client, request, school, apdr, user, shown, hidden
):
    with at(date(2026, 12, 4)):
        client.force_login(request.getfixturevalue(user))
        url = reverse("deadlines", args=[school.slug])
        page = client.get(url, {"by": "kind"}).content.decode()
    for pattern in shown:  # by kind of work: "pupil: what is due"
        assert re.search(pattern, page), pattern
    for text in hidden:
        assert text not in page
    review_url = reverse("plans:plan", args=[school.slug, apdr["mina"].public_id])
    assert f'href="{review_url}"' in page


ANNUAL = "provision.apdr_review.annual"


def annual_rows(found):
    return [(d.subject.split()[0], d.due, d.severity) for d in found if d.kind == ANNUAL]


def test_each_support_plan_is_reviewed_as_a_whole_a_year_after_it_began(school, sendco, apdr):
    """Mina's plan began on 14 September 2026, Otto's on 1 December: each is due its annual review
    a year on, beside the termly reviews. Mina's plan is under way with its review set for after
    the anniversary: that review is the annual one, due on the anniversary (one line, not two).
    Otto's plan is not under way: the annual review stands on its own. A review recorded as the
    annual review moves it a year from that review."""
    access, cycle = access_for(sendco, school), apdr["cycle"]
    Cycle.objects.filter(pk=cycle.pk).update(review_due=date(2027, 10, 15))
    with at(date(2027, 9, 6)):
        found = deadlines_for(access=access, today=timezone.localdate())
    mina = [d for d in found if d.subject.startswith("Mina") and d.kind.startswith(REVIEW)]
    assert [(d.kind, d.title, d.due) for d in mina] == [
        (ANNUAL, "Support plan annual review (cycle 1)", date(2027, 9, 14))
    ]
    with at(date(2027, 12, 2)):
        found = deadlines_for(access=access, today=timezone.localdate())
    assert annual_rows(found) == [
        ("Mina", date(2027, 9, 14), OVERDUE),
        ("Otto", date(2027, 12, 1), OVERDUE),
    ]
    otto = next(d for d in found if d.kind == ANNUAL and d.subject.startswith("Otto"))
    assert otto.url == reverse("plans:plan", args=[school.slug, apdr["otto"].public_id])
    with at(date(2027, 12, 3)):
        today = timezone.localdate()
        plan_services.review_complete(
            access=access,
            cycle=Cycle.objects.get(pk=cycle.pk),
            today=today,
            reviewed_on=today,
            outcomes={cycle.targets.get().pk: {"outcome": "achieved"}},
            annual_review=True,
        )
        found = deadlines_for(access=access, today=today)
    assert [name for name, *_ in annual_rows(found)] == ["Otto"]


def test_the_annual_review_of_support_plans_is_a_setting(school, sendco, apdr, settings):
    settings.SUPPORT_PLAN_ANNUAL_REVIEW_MONTHS = 0
    with at(date(2027, 12, 2)):
        found = deadlines_for(access=access_for(sendco, school), today=timezone.localdate())
    assert annual_rows(found) == []
    settings.SUPPORT_PLAN_ANNUAL_REVIEW_MONTHS = 6
    with at(date(2027, 6, 8)):
        found = deadlines_for(access=access_for(sendco, school), today=timezone.localdate())
    # Otto's six months are up; Mina's termly review, set before hers were, comes first.
    assert [name for name, *_ in annual_rows(found)] == ["Otto"]


def test_a_pupil_with_an_ehc_plan_has_the_statutory_review_not_this_one(school, sendco, apdr):
    SenStatus.objects.filter(pupil=apdr["mina"]).update(ends_on=date(2027, 1, 3))
    put_on(apdr["mina"], "E", date(2027, 1, 4))
    with at(date(2027, 12, 2)):
        found = deadlines_for(access=access_for(sendco, school), today=timezone.localdate())
    assert [name for name, *_ in annual_rows(found)] == ["Otto"]
