"""Training delivered this year (training/report.py): hours, people and records of the year's
completions, by need area and by course; INSET sessions held; certificates run out or running
out; the SENCO qualification. The head reads the names behind the figures; governors read
figures only, no one named and small counts of people suppressed; a fixed number of queries
whatever the school's size."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from staff import calendar as school_calendar
from staff.models import AuditEvent
from tests.conftest import need, shared_acorn_fixtures
from tests.factories import SchoolFactory, member
from training import rules
from training.models import Completion, Course, Session, StaffMember

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
MARK = "Zaftigby"  # every planted member of staff's surname: never on a governor's page


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def course(school, name: str, *, covers=(), whole_school=False, months=None, **fields) -> Course:
    return Course.objects.create(
        school=school,
        name=name,
        covers=list(covers),
        whole_school=whole_school,
        expires_after_months=months,
        **fields,
    )


def done(person, course_, on: date, hours: str | None, **fields) -> Completion:
    return Completion.objects.create(
        school=person.school,
        person=person,
        course=course_,
        completed_on=on,
        hours=Decimal(hours) if hours else None,
        **fields,
    )


def build_training(acorn: dict) -> dict:
    """Acorn's 2026/27 so far (to 4 December 2026), with eight planted staff P0..P7 and a
    leaver:

    - Autism awareness (ASD), 3 hours: P0..P5 (6 people, 18 hours)
    - Talk for all (SLCN and SLD), 2 hours: P0, P1 (2 people, 4 hours)
    - Whole-staff INSET on SEND (whole-school), 1.5 hours, 2 September: P0..P6 (10.5 hours)
    - Team Teach (SEMH, a 12-month certificate): P5 renewed on 1 November (6 hours); P7's of
      10 November 2025 ran out on 10 November 2026; P6's of 1 January 2026 runs out on
      1 January 2027; the leaver's ran out, but they have gone
    - last year's Autism awareness (June 2026) for the leaver: not this year's
    - the SENCO (Sam Sendco) appointed 6 January 2025, no qualification yet: due 6 January 2028
    """
    school = acorn["school"]
    school_calendar.create_default_year(school=school, academic_year_start=2025)
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    people = [
        StaffMember.objects.create(school=school, name=f"Quillon{n} {MARK}", job_title="TA")
        for n in range(8)
    ]
    leaver = StaffMember.objects.create(
        school=school, name=f"Leaving {MARK}", left_on=D(2026, 7, 31)
    )
    autism = course(school, "Autism awareness", covers=["ASD"])
    talk = course(school, "Talk for all", covers=["SLCN", "SLD"])
    inset = course(school, "SEND awareness", whole_school=True)
    team_teach = course(school, "Team Teach", covers=["SEMH"], months=12)
    course(school, "NPQ for SENCOs", qualification="npq")
    for person in people[:6]:
        done(person, autism, D(2026, 10, 5), "3")
    for person in people[:2]:
        done(person, talk, D(2026, 11, 2), "2")
    held = Session.objects.create(
        school=school, course=inset, on=D(2026, 9, 2), hours=Decimal("1.5"), whole_staff=True
    )
    for person in people[:7]:
        done(person, inset, held.on, "1.5", session=held)
    Session.objects.create(  # planned: not held yet
        school=school, course=inset, on=D(2027, 1, 4), hours=Decimal("1.5"), whole_staff=True
    )
    Session.objects.create(  # held, but not whole-staff
        school=school, course=talk, on=D(2026, 11, 2), hours=Decimal("2")
    )
    done(people[5], team_teach, D(2025, 12, 1), "6")
    done(people[5], team_teach, D(2026, 11, 1), "6")
    done(people[7], team_teach, D(2025, 11, 10), "6")
    done(people[6], team_teach, D(2026, 1, 1), "6")
    done(leaver, team_teach, D(2024, 12, 1), "6")
    done(leaver, autism, D(2026, 6, 20), "3")
    StaffMember.objects.filter(school=school, user=acorn["sendco"]).update(
        senco_appointed_on=D(2025, 1, 6)
    )
    return {"people": people, "leaver": leaver, "autism": autism}


globals().update(
    shared_acorn_fixtures(build_training, "sendco", "head", "teacher", "governor", on=NOON)
)


def _url(school, name="training:report") -> str:
    return reverse(name, args=[school.slug])


def _areas(context) -> dict:
    return {a.code: (str(a.people), a.hours, a.names) for a in context["areas"]}


def test_the_years_figures_for_the_head_with_names(client, school, head, world):
    client.force_login(head)
    response = client.get(_url(school))
    assert response.status_code == 200
    context = response.context
    assert context["named"] is True
    assert context["year_name"] == "2026/27"
    assert context["hours"] == Decimal("38.5")  # 18 + 4 + 10.5 + 6
    assert context["people"] == 7  # P0..P6; P7 and the leaver trained before this year
    assert context["records"] == 16
    assert context["inset_sessions"] == 1
    assert context["staff"] == 11  # P0..P7, the SENDCo, head and teacher; not the leaver
    areas = _areas(context)
    assert list(areas)[0] == "whole-school"  # whole-school SEND training first, its own line
    assert areas["whole-school"][:2] == ("7", Decimal("10.5"))
    assert areas["ASD"][:2] == ("6", Decimal("18"))
    assert areas["SLCN"][:2] == ("2", Decimal("4"))
    assert areas["SLD"][:2] == ("2", Decimal("4"))  # a course covering two areas counts in each
    assert areas["SEMH"][:2] == ("1", Decimal("6"))
    assert areas["SLCN"][2] == (f"Quillon0 {MARK}", f"Quillon1 {MARK}")
    assert areas["whole-school"][2] == ()  # everyone at the INSET: no list of the staff
    labels = {a.code: a.label for a in context["areas"]}
    assert labels["ASD"].startswith("ASD: Autis")  # the census code with its NeedType name
    courses = {c.label: (c.people, c.records, c.hours) for c in context["courses"]}
    assert courses["Autism awareness"] == (6, 6, Decimal("18"))
    assert courses["Team Teach"] == (1, 1, Decimal("6"))
    assert context["certificates"] == {"expired": 1, "expiring": 1, "to_renew": 2}
    assert [(r.person, r.expires) for r in context["expired"]] == [
        (f"Quillon7 {MARK}", D(2026, 11, 10))
    ]
    assert [(r.person, r.expires) for r in context["expiring"]] == [
        (f"Quillon6 {MARK}", D(2027, 1, 1))
    ]
    assert context["senco"].state == "due"
    assert context["senco"].words == "The SENCO must hold the NPQ for SENCOs by 6 January 2028."
    body = response.content.decode()
    assert f"Quillon7 {MARK}" in body  # whose certificate ran out
    assert f"Quillon3 {MARK}" in body  # who is trained in autism
    assert f"Leaving {MARK}" not in body  # gone: their certificate is not the school's to renew
    assert AuditEvent.objects.filter(action="training.report_viewed").count() == 1


def test_governors_read_figures_only_with_small_counts_suppressed(
    client, school, governor, world, tmp_path
):
    client.force_login(governor)
    response = client.get(_url(school))
    assert response.status_code == 200
    context = response.context
    assert context["named"] is False
    assert str(context["people"]) == "7"
    areas = _areas(context)
    assert areas["ASD"] == ("6", Decimal("18"), ())
    assert areas["SLCN"] == ("fewer than 5", Decimal("4"), ())
    assert areas["SEMH"][0] == "fewer than 5"
    courses = {c.label: (str(c.people), str(c.records)) for c in context["courses"]}
    assert courses["Talk for all"] == ("fewer than 5", "fewer than 5")
    certificates = {k: str(v) for k, v in context["certificates"].items()}
    assert certificates == {
        "expired": "fewer than 5",
        "expiring": "fewer than 5",
        "to_renew": "fewer than 5",
    }
    assert context["expired"] == []
    assert context["expiring"] == []
    body = response.content.decode()
    assert MARK not in body
    assert "Sam Sendco" not in body  # "the SENCO", never their name
    assert "The SENCO must hold the NPQ for SENCOs by 6 January 2028." in body
    assert "fewer than 5" in body
    pdf = client.get(_url(school, "training:report_pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="training.report_printed").count() == 1
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "SEND training delivered this year" in text
    assert "fewer than 5" in text
    assert MARK.lower() not in text.lower()
    assert "Sam Sendco" not in text


def test_a_total_that_would_tell_a_suppressed_part_is_not_shown(client, school, governor, world):
    """Six certificates ran out and one runs out soon: "7 to renew" beside "6" would tell the
    governors the suppressed one."""
    team_teach = Course.objects.get(school=school, name="Team Teach")
    for person in world["people"][:5]:
        done(person, team_teach, D(2025, 9, 1), "6")
    client.force_login(governor)
    certificates = client.get(_url(school)).context["certificates"]
    assert {k: str(v) for k, v in certificates.items()} == {
        "expired": "6",
        "expiring": "fewer than 5",
        "to_renew": "not shown",
    }


def test_who_may_read_it(client, school, sendco, teacher, governor, world):
    client.force_login(teacher)
    assert client.get(_url(school)).status_code == 403
    assert client.get(_url(school, "training:report_pdf")).status_code == 403
    client.force_login(sendco)
    assert client.get(_url(school)).context["named"] is True
    elsewhere = SchoolFactory(trust=school.trust, name="Beech", slug="beech")
    client.force_login(member(elsewhere, "sendco", email="beech@oak.test"))
    assert client.get(_url(school)).status_code == 404


def test_the_governors_home_and_menu_link_to_it_and_the_people_page_too(
    client, school, governor, sendco, world
):
    client.force_login(governor)
    page = client.get(reverse("school_home", args=[school.slug])).content.decode()
    assert page.count(f'href="{_url(school)}"') == 2  # "Your reports" and the menu
    client.force_login(sendco)
    page = client.get(reverse("training:people", args=[school.slug])).content.decode()
    assert f'href="{_url(school)}"' in page


def test_a_senco_with_the_qualification_or_none_recorded(client, school, head, world):
    client.force_login(head)
    npq = Course.objects.get(school=school, name="NPQ for SENCOs")
    senco = StaffMember.objects.get(school=school, senco_appointed_on__isnull=False)
    done(senco, npq, D(2026, 7, 1), None, started_on=D(2025, 1, 20))
    assert client.get(_url(school)).context["senco"].words == (
        "The SENCO holds the NPQ for SENCOs."
    )
    StaffMember.objects.filter(pk=senco.pk).update(senco_appointed_on=None)
    assert client.get(_url(school)).context["senco"].state == "none"


@pytest.mark.parametrize(
    ("appointed", "months_before", "state", "short"),
    [
        (D(2008, 1, 1), 0, "exempt", "Exempt"),
        (D(2020, 1, 1), 24, "exempt", "Exempt"),
        (D(2022, 9, 1), 0, "overdue", "Overdue since 1 Sep 2025"),
        (D(2025, 1, 6), 0, "due", "Due by 6 Jan 2028"),
    ],
)
def test_the_senco_line(appointed, months_before, state, short):
    from training.report import senco_line

    line = senco_line(
        rules.senco_qualification(appointed_on=appointed, months_before=months_before, studies=[]),
        D(2026, 12, 4),
    )
    assert (line.state, line.short) == (state, short)


@pytest.mark.parametrize(
    ("on", "months", "first"),
    [
        (D(2026, 3, 31), 1, D(2026, 3, 1)),  # 28 February + 1 month is 28 March: run out
        (D(2026, 12, 4), 12, D(2025, 12, 5)),  # 4 December 2025's ran out today
        (D(2028, 2, 29), 12, D(2027, 3, 1)),  # 28 February 2027 + 12 months: 28 February 2028
    ],
)
def test_the_first_day_a_certificate_is_still_current(on, months, first):
    assert rules.first_current_day(expires_after_months=months, on=on) == first


@pytest.mark.parametrize("more_staff", [0, 30])
def test_the_same_number_of_queries_whatever_the_school_s_size(
    client, school, head, world, more_staff, django_assert_num_queries
):
    autism = world["autism"]
    team_teach = Course.objects.get(school=school, name="Team Teach")
    for n in range(more_staff):
        person = StaffMember.objects.create(school=school, name=f"Extra{n} {MARK}")
        done(person, autism, D(2026, 10, 1), "3")
        done(person, team_teach, D(2025, 12, 1 + n % 20), "6")
    client.force_login(head)
    client.get(_url(school))  # the first request after signing in renews the session
    with django_assert_num_queries(QUERIES):
        response = client.get(_url(school))
    assert response.context["people"] == 7 + more_staff


# Signed in (2), the school and the person's membership (2), the audit event and its savepoint
# (3), and the report's own: the academic year, the need types, the year's completions, the
# certificates to renew, the SENCO and their studies, the staff count and the INSET sessions.
QUERIES = 15
