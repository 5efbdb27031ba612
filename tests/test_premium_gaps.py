"""The Pupil Premium gap analysis (sendco/gaps.py): disadvantaged pupils against the others,
counted by the database, naming no pupil."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from plans.models import Cycle, SupportPlan, Target
from provision.models import Group, GroupPupil, Intervention
from register.models import PupilPremiumPeriod, TermFigures
from staff import calendar as school_calendar
from tests.conftest import shared_acorn_fixtures
from tests.register.factories import make_pupil, put_on

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))


def build_gaps(acorn: dict) -> dict:
    """Disadvantaged: Ann (K, SLCN, in a group, reached her target), Ben (E, ASD, no group),
    Cy (not SEN). Others: Di (K, SEMH, in a group, below target), Ed and Flo (not SEN).
    Reviewed targets this year: Ann's two (one achieved), Di's one (achieved).
    From the MIS this autumn: Ann 85% attendance, suspended once, working towards; Ben 96%, none,
    expected; Di 97%, none, greater depth (and 50% last year, not counted); Ed 92%, attainment
    blank; Cy and Flo nothing."""
    school = acorn["school"]
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    made = {
        n: make_pupil(school, legal_first_name=n, legal_last_name="Sentinel")
        for n in ("Ann", "Ben", "Cy", "Di", "Ed", "Flo")
    }
    put_on(made["Ann"], "K", D(2025, 1, 6), "SLCN")
    put_on(made["Ben"], "E", D(2025, 1, 6), "ASD")
    put_on(made["Di"], "K", D(2025, 1, 6), "SEMH")
    for name in ("Ann", "Ben", "Cy"):
        PupilPremiumPeriod.objects.create(
            school=school, pupil=made[name], kind="fsm", starts_on=D(2024, 9, 2)
        )
    group = Group.objects.create(
        school=school,
        intervention=Intervention.objects.create(school=school, name="Talk Boost"),
        name="Talk Boost Y3",
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        sessions_per_week=2,
        session_minutes=30,
    )
    for name, exit_score in (("Ann", 12), ("Di", 8)):
        GroupPupil.objects.create(
            school=school,
            group=group,
            pupil=made[name],
            joined_on=D(2026, 9, 7),
            left_on=D(2026, 11, 27),
            entry_score=5,
            target_score=10,
            exit_score=exit_score,
        )
    for name, outcomes in (("Ann", ["achieved", "partly"]), ("Di", ["achieved"])):
        plan = SupportPlan.objects.create(
            school=school, pupil=made[name], created_by=acorn["sendco"]
        )
        cycle = Cycle.objects.create(
            school=school,
            plan=plan,
            number=1,
            starts_on=D(2026, 9, 7),
            stage="reviewed",
            reviewed_on=D(2026, 11, 20),
        )
        for n, outcome in enumerate(outcomes, start=1):
            Target.objects.create(
                school=school, cycle=cycle, position=n, description="x", outcome=outcome
            )
    for name, attendance, suspensions, attainment in (
        ("Ann", "85", 1, "towards"),
        ("Ben", "96", 0, "expected"),
        ("Di", "97", 0, "above"),
        ("Ed", "92", None, ""),
    ):
        TermFigures.objects.create(
            school=school,
            pupil=made[name],
            academic_year_start=2026,
            season="autumn",
            recorded_on=D(2026, 11, 27),
            attendance=Decimal(attendance),
            suspensions=suspensions,
            attainment=attainment,
        )
    TermFigures.objects.create(
        school=school,
        pupil=made["Di"],
        academic_year_start=2025,
        season="summer",
        recorded_on=D(2026, 7, 17),
        attendance=Decimal("50"),
    )
    return made


globals().update(shared_acorn_fixtures(build_gaps, "sendco", "head", "teacher", on=NOON))


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def _page(client, school):
    return client.get(reverse("premium_gaps", args=[school.slug]))


def test_each_measure_for_both_groups(client, school, sendco, world):
    client.force_login(sendco)
    response = _page(client, school)
    context = response.context
    assert context["on_roll"] == (3, 3)
    lines = {line.label: (line.disadvantaged, line.others, line.gap) for line in context["lines"]}
    assert lines["On SEN support (K)"] == ((1, 3), (1, 3), 0)
    assert lines["With an EHC plan (E)"] == ((1, 3), (0, 3), 33)
    assert lines["SEN pupils with provision this year"] == ((1, 2), (1, 1), -50)
    impact = context["impact"]
    assert (impact.disadvantaged, impact.others) == ((1, 1), (0, 1))
    targets = context["targets"]
    assert (targets.disadvantaged, targets.others) == ((1, 2), (1, 1))
    areas = {line.label: (line.disadvantaged, line.others) for line in context["areas"]}
    assert areas["Communication and interaction"] == ((2, 2), (0, 1))  # SLCN and ASD
    assert areas["Social, emotional and mental health"] == ((0, 2), (1, 1))
    figures = context["figures"]
    assert figures.recorded_on == D(2026, 11, 27)
    assert figures.average_attendance == (90.5, 94.5)
    assert figures.attendance_gap == -4.0
    mis = {line.label: (line.disadvantaged, line.others) for line in figures.lines}
    assert mis == {
        "Persistently absent (attendance below 90%)": ((1, 2), (0, 2)),
        "Suspended at least once this year": ((1, 2), (0, 1)),
        "At or above the expected standard": ((1, 2), (1, 1)),
    }
    page = response.content.decode()
    assert "last imported on 27 November 2026" in page
    assert "Sentinel" not in page  # figures only


def test_without_figures_from_the_mis_the_page_says_how_to_bring_them(
    client, school, sendco, head, world
):
    TermFigures.objects.filter(school=school).delete()
    cache.clear()
    client.force_login(sendco)
    response = _page(client, school)
    assert response.context["figures"] is None
    import_url = reverse("mis_import:upload", args=[school.slug])
    assert f'href="{import_url}"' in response.content.decode()
    client.force_login(head)  # the head reads it but does not import
    page = _page(client, school).content.decode()
    assert "ask the SENDCo to import it" in page
    assert import_url not in page


def test_the_head_reads_it_class_teachers_do_not(client, school, head, teacher, world):
    client.force_login(head)
    assert _page(client, school).status_code == 200
    client.force_login(teacher)
    assert _page(client, school).status_code == 403


@pytest.mark.parametrize("extra", [0, 20])
def test_the_same_queries_at_any_size(
    client, school, sendco, world, extra, django_assert_num_queries
):
    for n in range(extra):
        pupil = make_pupil(school, legal_last_name=f"More{n}")
        put_on(pupil, "K", D(2025, 1, 6), "MLD")
        TermFigures.objects.create(
            school=school,
            pupil=pupil,
            academic_year_start=2026,
            season="autumn",
            recorded_on=D(2026, 11, 27),
            attendance=Decimal("93.5"),
        )
    client.force_login(sendco)
    _page(client, school)
    with django_assert_num_queries(QUERIES):  # the analysis kept since the last write
        response = _page(client, school)
    assert response.context["on_roll"] == (3, 3 + extra)
    cache.clear()
    # Worked out afresh: five aggregates, and the header's school switcher (the cache cleared).
    with django_assert_num_queries(QUERIES + 5 + 1):
        assert _page(client, school).context["on_roll"] == (3, 3 + extra)


QUERIES = 7  # the header's school switcher kept too (staff/switcher_cache.py)
