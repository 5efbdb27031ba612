"""The Pupil Premium strategy statement: its rules, its deadline in the engine, and the pages
that draft it (the SENDCo), read it (the head) and refuse everyone else."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from premium import rules
from premium.deadlines import deadlines as statement_deadlines
from premium.models import Activity, Challenge, Statement
from provision.models import Attendance, Group, GroupPupil, Intervention, Session
from register.models import Pupil, PupilPremiumPeriod
from sendco.deadlines import deadlines_for
from staff import calendar as school_calendar
from staff.models import AuditEvent
from staff.tenancy import access_for
from tests.conftest import shared_acorn_fixtures
from tests.factories import SchoolFactory
from tests.register.factories import make_pupil

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
TODAY = D(2026, 12, 4)


@pytest.mark.parametrize(
    ("disadvantaged", "published_on", "owed"),
    [
        (6, None, True),
        (5, None, False),  # "more than 5" (DOMAIN.md 4.3)
        (6, D(2026, 10, 1), False),  # published this academic year
        (6, D(2026, 9, 1), False),
        (6, D(2026, 8, 31), True),  # last year's: this year's is still to publish
    ],
)
def test_a_statement_is_owed_until_published_this_academic_year(disadvantaged, published_on, owed):
    found = rules.statement_owed(
        disadvantaged=disadvantaged, published_on=published_on, academic_year=2026
    )
    assert found is owed
    assert rules.statement_due(2026) == D(2026, 12, 31)
    assert rules.statement_census(2026) == D(2026, 10, 1)


def test_tier_totals_say_spent_only_when_every_cost_is_known():
    def activity(tier, budgeted, actual):
        return SimpleNamespace(tier=tier, budgeted_cost=Decimal(budgeted), actual_cost=actual)

    totals = rules.tier_totals(
        [
            activity("teaching", "100", Decimal(90)),
            activity("teaching", "50", Decimal(60)),
            activity("targeted", "200", None),
            activity("targeted", "20", Decimal(5)),
        ]
    )
    assert totals["teaching"] == {"budgeted": Decimal(150), "actual": Decimal(150)}
    assert totals["targeted"] == {"budgeted": Decimal(220), "actual": None}


def build_statement_world(acorn: dict) -> dict:
    """Acorn with seven pupils on free school meals at the October 2026 census (so a statement
    is owed) and two groups this year, one with three sessions run."""
    school = acorn["school"]
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    for n in range(7):
        pupil = make_pupil(school, legal_last_name=f"Sentinel{n}", year_group="4")
        PupilPremiumPeriod.objects.create(
            school=school, pupil=pupil, kind="fsm", starts_on=D(2025, 9, 1)
        )
    talk = Intervention.objects.create(school=school, name="Talk Boost")
    groups = [
        Group.objects.create(
            school=school,
            intervention=talk,
            name=name,
            status="running",
            starts_on=year.starts_on,
            ends_on=year.ends_on,
            sessions_per_week=3,
            session_minutes=30,
            funding=Group.Funding.PUPIL_PREMIUM,
        )
        for name in ("Talk Boost Y3", "Talk Boost Y4")
    ]
    fsm_pupils = list(Pupil.objects.filter(school=school).order_by("legal_last_name")[:2])
    for pupil, exit_score in zip(fsm_pupils, (12, 8), strict=True):
        GroupPupil.objects.create(
            school=school,
            group=groups[0],
            pupil=pupil,
            joined_on=D(2026, 9, 7),
            left_on=D(2026, 11, 27),
            target_score=10,
            exit_score=exit_score,
        )
    for n, day in enumerate((D(2026, 9, 8), D(2026, 9, 9), D(2026, 9, 10))):
        session = Session.objects.create(
            school=school, group=groups[0], on=day, logged_by=acorn["sendco"]
        )
        # The first pupil came every time, the second once: 4 of 6.
        for i, pupil in enumerate(fsm_pupils):
            Attendance.objects.create(
                school=school, session=session, pupil=pupil, present=i == 0 or n == 0
            )
    return {"groups": groups}


globals().update(
    shared_acorn_fixtures(build_statement_world, "sendco", "head", "teacher", "governor", on=NOON)
)


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def _deadlines(school):
    return list(
        statement_deadlines(
            school=school,
            pupils=Pupil.objects.none(),
            today=TODAY,
            until=TODAY + timedelta(weeks=8),
        )
    )


def test_the_statement_is_a_deadline_until_it_is_published(client, school, sendco, world):
    (found,) = _deadlines(school)
    assert (found.kind, found.due, found.subject) == ("premium.statement", D(2026, 12, 31), "")
    access = access_for(sendco, school)
    assert "premium.statement" in {d.kind for d in deadlines_for(access=access, today=TODAY)}
    client.force_login(sendco)
    url = reverse("premium:statement_edit", args=[school.slug, 2026])
    response = client.post(
        url, {"published_on": "2026-12-01", "recovery": "0", "carried_forward": "0"}
    )
    assert response.status_code == 302
    assert _deadlines(school) == []
    # The engine's kept answer followed the write (premium feeds the engine).
    assert "premium.statement" not in {d.kind for d in deadlines_for(access=access, today=TODAY)}


def test_the_deadline_is_not_for_those_who_cannot_open_it(school, teacher, head, world):
    assert "premium.statement" not in {
        d.kind for d in deadlines_for(access=access_for(teacher, school), today=TODAY)
    }
    assert "premium.statement" in {
        d.kind for d in deadlines_for(access=access_for(head, school), today=TODAY)
    }


def test_no_deadline_with_five_disadvantaged_pupils_or_fewer(school, world):
    PupilPremiumPeriod.objects.filter(
        school=school, pupil__legal_last_name__in=["Sentinel0", "Sentinel1"]
    ).delete()
    assert _deadlines(school) == []


def _new(school, name, year=2026):
    return reverse("premium:part_new", args=[school.slug, year, name])


def test_the_sendco_drafts_a_statement_with_activities_linked_to_groups(
    client, school, sendco, world
):
    client.force_login(sendco)
    for detail in ("Low attendance", "Narrow vocabulary"):
        assert client.post(_new(school, "challenge"), {"detail": detail}).status_code == 302
    talk_y3, talk_y4 = world["groups"]
    response = client.post(
        _new(school, "activity"),
        {
            "tier": "targeted",
            "activity": "Talk Boost for pupils with narrow vocabulary",
            "evidence": "EEF: oral language interventions, +6 months",
            "challenges": "2; 1",
            "budgeted_cost": "3000",
            "groups": [talk_y3.pk],
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(school=school)
    assert activity.challenges == "2, 1"
    assert list(activity.groups.all()) == [talk_y3]
    page = client.get(reverse("premium:statement", args=[school.slug]))
    text = page.content.decode()
    assert "Talk Boost Y3" in text
    # From the session logs, never typed: sessions, disadvantaged pupils' attendance, targets.
    assert "3 sessions run this year" in text
    assert "disadvantaged pupils attended 67% of theirs" in text
    assert "1 of 2 who finished reached their target" in text
    assert "Narrow vocabulary" in text
    assert AuditEvent.objects.filter(action="premium.statement_part_saved").count() == 3


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"challenges": "3"}, "challenges", "There is no challenge 3"),
        ({"challenges": "one"}, "challenges", "separated by commas"),
        ({"budgeted_cost": "-5"}, "budgeted_cost", "£0 or more"),
        ({"groups": ["999999"]}, "groups", ""),
    ],
)
def test_a_wrong_activity_is_explained_and_nothing_saved(
    client, school, sendco, world, data, field, words
):
    client.force_login(sendco)
    client.post(_new(school, "challenge"), {"detail": "Attendance"})
    base = {"tier": "wider", "activity": "A", "evidence": "B", "challenges": "1"}
    base["budgeted_cost"] = "10"
    response = client.post(_new(school, "activity"), {**base, **data})
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert not Activity.objects.filter(school=school).exists()


def test_another_schools_group_cannot_be_linked(client, school, sendco, world):
    elsewhere = SchoolFactory(name="Birch", slug="birch", urn="654321", trust=None)
    theirs = Group.objects.create(
        school=elsewhere,
        intervention=Intervention.objects.create(school=elsewhere, name="Theirs"),
        name="Their group",
        starts_on=D(2026, 9, 1),
        ends_on=D(2027, 7, 20),
        sessions_per_week=1,
        session_minutes=30,
    )
    client.force_login(sendco)
    data = {"tier": "wider", "activity": "A", "evidence": "B", "budgeted_cost": "1"}
    response = client.post(_new(school, "activity"), {**data, "groups": [theirs.pk]})
    assert response.status_code == 200
    assert "groups" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_removing_a_challenge_renumbers_the_rest(client, school, sendco, world):
    client.force_login(sendco)
    for detail in ("One", "Two", "Three"):
        client.post(_new(school, "challenge"), {"detail": detail})
    first = Challenge.objects.get(school=school, position=1)
    remove = reverse("premium:part_remove", args=[school.slug, "challenge", first.pk])
    assert client.post(remove).status_code == 302
    assert list(Challenge.objects.filter(school=school).values_list("position", "detail")) == [
        (1, "Two"),
        (2, "Three"),
    ]


def test_the_statement_prints_and_downloads(client, school, head, world):
    client.force_login(head)
    printed = client.get(reverse("premium:statement_print", args=[school.slug]))
    assert printed.status_code == 200
    assert "Part B: Review of the previous academic year" in printed.content.decode()
    pdf = client.get(reverse("premium:statement_pdf", args=[school.slug]), {"year": "2026"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="premium.statement_printed", actor=head).count() == 2


def test_the_head_reads_and_changes_nothing(client, school, head, world):
    client.force_login(head)
    page = client.get(reverse("premium:statement", args=[school.slug]))
    assert page.status_code == 200
    assert "Add a challenge" not in page.content.decode()
    assert client.post(_new(school, "challenge"), {"detail": "X"}).status_code == 403
    edit = reverse("premium:statement_edit", args=[school.slug, 2026])
    assert client.post(edit, {"recovery": "0", "carried_forward": "0"}).status_code == 403
    assert not Statement.objects.filter(school=school).exists()


@pytest.mark.parametrize("year", ["2014", "2028", "abc", "99999999999999999999"])
def test_a_year_out_of_reach_is_a_404(client, school, sendco, world, year):
    client.force_login(sendco)
    response = client.get(reverse("premium:statement", args=[school.slug]), {"year": year})
    assert response.status_code == 404


def test_an_unknown_part_is_a_404(client, school, sendco, world):
    client.force_login(sendco)
    assert client.get(_new(school, "budget")).status_code == 404
    assert client.get(_new(school, "challenge", year=2040)).status_code == 404


def test_the_statement_page_reads_the_same_number_of_queries_at_any_size(
    client, school, sendco, world, django_assert_num_queries
):
    client.force_login(sendco)
    url = reverse("premium:statement", args=[school.slug])
    client.post(_new(school, "challenge"), {"detail": "One"})
    client.get(url)
    sizes = []
    for extra in (1, 12):
        for n in range(extra):
            client.post(
                _new(school, "activity"),
                {
                    "tier": ["teaching", "targeted", "wider"][n % 3],
                    "activity": f"A{n}",
                    "evidence": "E",
                    "challenges": "1",
                    "budgeted_cost": "10",
                    "groups": [g.pk for g in world["groups"]],
                },
            )
        with django_assert_num_queries(QUERIES) as captured:
            client.get(url)
        sizes.append(len(captured))
    assert sizes[0] == sizes[1]


QUERIES = 21  # after a first page: the header's school switcher kept (staff/switcher_cache.py)
