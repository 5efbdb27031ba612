"""A support plan on paper: "My support plan" for the parents and the graduated approach evidence
for an EHC needs-assessment request, each as a print view and a PDF of the same template."""

from __future__ import annotations

import datetime as dt
import re
import socket
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.print_views import evidence_summary, how_often, pdf_filename
from plans.selectors import plan_page
from provision.models import Attendance, Group, GroupPupil, Intervention, Session
from register.models import NeedType, Pupil
from staff import calendar as school_calendar
from staff.models import AuditEvent
from staff.pdf import StaticFileFetcher
from staff.tenancy import access_for
from tests.conftest import shared_acorn_fixtures
from tests.factories import member
from tests.pdf import pdf_text
from tests.register.factories import class_of, make_pupil, put_on
from tests.staff.test_pdf import _poppler

TODAY = date(2026, 11, 10)  # a Tuesday in autumn 2 of 2026/27

READ = "Ada will read 40 of the first 100 common words"
SPELL = "Ada will spell CVC words"
WRITE = "Ada will write two sentences"


@pytest.fixture(autouse=True)
def _on_10_november():
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _log(group: Group, pupil, days: list[date], absent: set[date], not_run: set[date], by):
    """Sessions of `group` on `days`: run with `pupil` present (absent on `absent`), or not run."""
    for day in days:
        ran = day not in not_run
        session = Session.objects.create(
            school=group.school,
            group=group,
            on=day,
            ran=ran,
            not_run_reason="" if ran else Session.NotRun.STAFF_ABSENCE,
            logged_by=by,
        )
        if ran:
            Attendance.objects.create(
                school=group.school, session=session, pupil=pupil, present=day not in absent
            )


def _mwf(start: date, end: date) -> list[date]:
    return [
        start + timedelta(days=n)
        for n in range((end - start).days + 1)
        if (start + timedelta(days=n)).weekday() in (0, 2, 4)
    ]


def build_plan_world(school, sendco, teacher, ta) -> dict:
    """Ada, on SEN support for SpLD, in the teacher's class and a phonics group (Mon, Wed, Fri).

    Cycle 1: agreed 14/09/2026, reviewed 09/10/2026. 12 sessions planned in its window, 11 logged
    (one not run), so 10 of 12 run; Ada attended 9 of 10. Reading partly achieved (carried over),
    spelling achieved.
    Cycle 2: agreed 02/11/2026, in Do, review due 18/12/2026; 4 planned to today, 3 run, Ada at 2.
    """
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    ada = make_pupil(
        school,
        legal_first_name="Ada",
        legal_last_name="Lovelace",
        date_of_birth=date(2018, 3, 14),
    )
    put_on(ada, "K", date(2026, 1, 12), "SPLD")
    class_of(school, "3B", year=year, teachers=[teacher], assistants=[ta], pupils=[ada])
    phonics = Intervention.objects.create(
        school=school,
        name="Phonics catch-up",
        description="Short daily phonics lessons in a small group.",
        default_sessions_per_week=3,
        default_session_minutes=20,
    )
    group = Group.objects.create(
        school=school,
        intervention=phonics,
        name="Phonics catch-up Year 3",
        status="running",
        starts_on=date(2026, 9, 7),
        ends_on=date(2027, 7, 16),
        sessions_per_week=3,
        session_minutes=20,
        days="0,2,4",
    )
    group.staff.add(ta)
    GroupPupil.objects.create(school=school, group=group, pupil=ada, joined_on=date(2026, 9, 7))
    spld = NeedType.objects.get(code="SPLD")

    lead = access_for(sendco, school)
    class_teacher = access_for(teacher, school)
    plan = services.plan_start(access=lead, pupil=ada, today=date(2026, 9, 7), lead=teacher)
    one = plan.cycles.get()
    services.cycle_update(
        access=lead,
        cycle=one,
        assessment="Phonics screening check: 22 of 40.",
        pupil_views="I like reading with Mr Reid.",
        parent_views="We read together every night.",
        strategies="Pre-teach new words.\nGive a word mat.",
        agreed_on=date(2026, 9, 14),
        review_due=date(2026, 10, 9),
    )
    read = services.target_save(
        access=lead,
        cycle=one,
        groups=[group],
        description=READ,
        outcome_sought="Ada reads books she chooses on her own",
        measure="Common words check",
        baseline="18 words",
        expected="40 words",
        by_when=date(2026, 10, 9),
        need_type=spld,
    )
    spell = services.target_save(
        access=lead,
        cycle=one,
        description=SPELL,
        measure="Weekly spelling check",
        baseline="3 of 10",
        expected="8 of 10",
        by_when=date(2026, 10, 9),
        need_type=spld,
        other_provision="Spelling mat on her desk",
    )
    services.contribution_add(
        access=class_teacher, cycle=one, body="Ada tries hard with phonics.", stage="assess"
    )
    services.cycle_advance(access=lead, cycle=one, today=date(2026, 9, 14))
    services.cycle_advance(access=lead, cycle=one, today=date(2026, 9, 14))
    days = _mwf(date(2026, 9, 14), date(2026, 10, 9))
    assert len(days) == 12
    _log(group, ada, days[:11], absent={days[3]}, not_run={days[5]}, by=ta)
    services.review_complete(
        access=lead,
        cycle=one,
        today=date(2026, 10, 9),
        reviewed_on=date(2026, 10, 9),
        outcomes={
            read.pk: {
                "outcome": "partly",
                "evidence": "Reads 31 words",
                "next_step": "Keep the group",
            },
            spell.pk: {"outcome": "achieved", "evidence": "8 of 10 three weeks running"},
        },
        parents_attended=True,
        review_summary="Good progress in spelling.",
        participants="Mrs Lovelace, Tom Teacher, Sam Sendco",
        next_steps="Carry on with phonics.",
        review_pupil_views="Spelling is easier now.",
    )

    two = services.cycle_next(access=lead, plan=plan, today=date(2026, 10, 12))
    carried = two.targets.get()
    services.target_save(
        access=lead, cycle=two, target=carried, groups=[group], by_when=date(2026, 12, 18)
    )
    services.target_save(access=lead, cycle=two, description=WRITE, measure="Writing book")
    services.cycle_update(
        access=lead,
        cycle=two,
        agreed_on=date(2026, 11, 2),
        review_due=date(2026, 12, 18),
        parent_views="She is more confident.",
    )
    services.contribution_add(
        access=class_teacher, cycle=two, body="Writing is the next step.", stage="assess"
    )
    services.cycle_advance(access=lead, cycle=two, today=date(2026, 11, 2))
    services.cycle_advance(access=lead, cycle=two, today=date(2026, 11, 2))
    days = _mwf(date(2026, 11, 2), TODAY)
    assert len(days) == 4
    _log(group, ada, days, absent={days[1]}, not_run={days[2]}, by=ta)
    return {"year": year, "ada": ada, "plan": plan, "group": group, "cycles": [one, two]}


# Built once for the module; each test gets fresh copies and a savepoint (tests/conftest.py).
globals().update(
    shared_acorn_fixtures(
        lambda a: build_plan_world(a["school"], a["sendco"], a["teacher"], a["ta"]),
        "sendco",
        "teacher",
        "ta",
        on=dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC),
    )
)


@pytest.fixture
def fetched(monkeypatch, settings):
    """Every URL the PDF renderer asks for (served or refused) and every attempt to open a
    network connection (refused). Seen in this process, so the PDF is rendered here, without the
    time limit's child process (tested in tests/staff/test_pdf.py)."""
    settings.PDF_TIME_LIMIT_SECONDS = 0
    seen = {"urls": [], "connections": []}
    fetch = StaticFileFetcher.fetch

    def recording(self, url, *args, **kwargs):
        seen["urls"].append(url)
        return fetch(self, url, *args, **kwargs)

    def refuse(*args, **kwargs):
        seen["connections"].append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(StaticFileFetcher, "fetch", recording)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return seen


def _url(name: str, school, pupil) -> str:
    return reverse(f"plans:{name}", args=[school.slug, pupil.public_id])


def _text(body: str) -> str:
    """The page's text: tags dropped, entities of quotes kept, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#x27;", "'")


def _pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text in reading order, spaces collapsed."""
    return " ".join(pdf_text(pdf, tmp_path).split())


# --------------------------------------------------------------------------------------------------
# What the documents say
# --------------------------------------------------------------------------------------------------


def test_how_often():
    assert how_often(1, 45) == "Once a week, 45 minutes each time"
    assert how_often(2, 30) == "Twice a week, 30 minutes each time"
    assert how_often(5, 10) == "5 times a week, 10 minutes each time"


def test_the_summary_counts_cycles_and_reviewed_targets(world):
    page = plan_page(plan=world["plan"], today=TODAY)
    assert evidence_summary(page, TODAY) == (
        "2 cycles, 1 reviewed, from 7 September 2026 to 10 November 2026; "
        "1 of 2 targets achieved, 1 partly."
    )


def test_pdf_filename():
    pupil = Pupil(legal_first_name="Zoë", legal_last_name="O'Neil")
    assert pdf_filename("support-plan", pupil, TODAY) == "support-plan-oneil-zoe-2026-11-10.pdf"


PARENT_CONTENT = [
    "My support plan",
    "Ada Lovelace",
    "Year 3",
    "3B",
    "Tom Teacher",
    "SEN support means that the school gives Ada extra help",
    READ,
    WRITE,
    "40 words",
    "18 December 2026",  # the review date, and the carried target's new date
    "Phonics catch-up",
    "3 times a week, 20 minutes each time",
    "Tara Assistant",
    "How we help in class",
    "Pre-teach new words",
    "She is more confident.",
    "How the last plan went",
    "9 October 2026",
    "Partly achieved",
    "Reads 31 words",
    "Spelling is easier now.",
]


def test_parent_print_view(client, school, sendco, world):
    client.force_login(sendco)
    response = client.get(_url("print", school, world["ada"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en-GB">' in body
    assert "<title>My support plan: Ada Lovelace, Acorn Primary</title>" in body
    assert "/static/plans/plan_print.css" in body
    assert 'class="navbar' not in body
    assert _url("pdf", school, world["ada"]) in body
    text = _text(body)
    for phrase in PARENT_CONTENT:
        assert phrase in text, phrase
    # Plain English: no codes, no jargon, nothing of the first cycle's targets but their review.
    for jargon in ("SPLD", "SpLD", "UPN", "(K)", "APDR", "Cycle 2", "Not achieved"):
        assert jargon not in text, jargon
    assert "Achieved" in text  # the spelling target, in the last review's table
    assert all("scope=" in th for th in re.findall(r"<th\b[^>]*>", body))
    headings = re.findall(r"<h(\d)", body)
    assert headings[0] == "1"
    assert all(int(b) - int(a) <= 1 for a, b in zip(headings, headings[1:], strict=False))
    [event] = AuditEvent.objects.filter(action="provision.plan.printed")
    assert event.detail == {"document": "parent", "format": "html"}
    assert event.actor == sendco
    assert event.pupil_public_id == world["ada"].public_id


def test_parent_pdf(client, school, teacher, world, tmp_path, fetched):
    client.force_login(teacher)  # the class teacher prints it for the parents' meeting
    response = client.get(_url("pdf", school, world["ada"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="support-plan-lovelace-ada-2026-11-10.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert fetched == {
        "urls": ["http://testserver/static/plans/plan_print.css"],
        "connections": [],
    }
    assert b"/EmbeddedFile" not in response.content
    text = _pdf_text(response.content, tmp_path)
    for phrase in PARENT_CONTENT:
        assert phrase in text, phrase
    assert "Confidential: Ada Lovelace’s support plan" in text
    assert "Page 1 of" in text
    info = " ".join(_poppler("pdfinfo", response.content, tmp_path).split())
    assert "Tagged: yes" in info
    assert "Page size: 595.276 x 841.89 pts (A4)" in info  # portrait
    assert "Title: My support plan: Ada Lovelace, Acorn Primary" in info
    [event] = AuditEvent.objects.filter(action="provision.plan.printed")
    assert event.detail == {"document": "parent", "format": "pdf"}
    assert event.actor == teacher


EVIDENCE_CONTENT = [
    "Graduated approach evidence",
    "2 cycles, 1 reviewed, from 7 September 2026 to 10 November 2026; "
    "1 of 2 targets achieved, 1 partly.",
    "Ada Lovelace",
    "14 March 2018",
    "Year 3",
    "UPN",
    "SEN support (K)",
    "Specific learning difficulty",
    "Cycle 1: Reviewed",
    "Cycle 2: Do",
    "Phonics screening check: 22 of 40.",
    "I like reading with Mr Reid.",
    READ,
    SPELL,
    WRITE,
    "Common words check",
    "18 words",
    "Spelling mat on her desk",
    "Carried over from cycle 1, target 1",
    "10 of 12",  # cycle 1: sessions run of planned
    "9 of 10",  # cycle 1: attended of run
    "3 of 4",  # cycle 2
    "2 of 3",
    "Partly achieved",
    "Achieved",
    "Reads 31 words",
    "Keep the group",
    "Good progress in spelling.",
    "Mrs Lovelace, Tom Teacher, Sam Sendco",
    "Carry on with phonics.",
    "Tom Teacher, 10 November 2026",
    "Ada tries hard with phonics.",
    "Writing is the next step.",
    "Meetings with parents",
    "Planning meeting",
    "Review meeting",
    "14 September 2026",
]


def test_evidence_print_view(client, school, sendco, world):
    client.force_login(sendco)
    response = client.get(_url("evidence", school, world["ada"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en-GB">' in body
    assert "<title>Graduated approach evidence: Ada Lovelace, Acorn Primary</title>" in body
    text = _text(body)
    for phrase in EVIDENCE_CONTENT:
        assert phrase in text, phrase
    assert world["ada"].upn in text
    assert text.index("Cycle 1: Reviewed") < text.index("Cycle 2: Do")
    assert text.count("Not set") >= 2  # the writing target has no baseline nor success
    headings = re.findall(r"<h(\d)", body)
    assert all(int(b) - int(a) <= 1 for a, b in zip(headings, headings[1:], strict=False))
    assert all("scope=" in th for th in re.findall(r"<th\b[^>]*>", body))
    [event] = AuditEvent.objects.filter(action="provision.plan.printed")
    assert event.detail == {"document": "evidence", "format": "html"}


def test_evidence_pdf(client, school, head, world, tmp_path, fetched):
    client.force_login(head)
    response = client.get(_url("evidence_pdf", school, world["ada"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="graduated-approach-lovelace-ada-2026-11-10.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert fetched == {
        "urls": ["http://testserver/static/plans/plan_print.css"],
        "connections": [],
    }
    text = _pdf_text(response.content, tmp_path)
    for phrase in EVIDENCE_CONTENT:
        assert phrase in text, phrase
    pages = int(_poppler("pdfinfo", response.content, tmp_path).split("Pages:")[1].split()[0])
    assert pages >= 2  # each cycle starts a page
    assert f"Page {pages} of {pages}" in text
    assert text.count("Confidential: graduated approach evidence for Ada Lovelace") == pages + 1
    info = " ".join(_poppler("pdfinfo", response.content, tmp_path).split())
    assert "Tagged: yes" in info
    [event] = AuditEvent.objects.filter(action="provision.plan.printed")
    assert event.detail == {"document": "evidence", "format": "pdf"}
    assert event.actor == head


def test_an_open_first_cycle_prints_as_a_draft(client, school, sendco, teacher, ta):
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    ben = make_pupil(school, legal_first_name="Ben", legal_last_name="Babbage")
    put_on(ben, "K", date(2026, 1, 12), "SLCN")
    services.plan_start(access=access_for(sendco, school), pupil=ben, today=TODAY)
    client.force_login(sendco)
    text = _text(client.get(_url("print", school, ben)).content.decode())
    assert "still being put together" in text
    assert "We have not set any targets yet." in text
    assert "How the last plan went" not in text
    text = _text(client.get(_url("evidence", school, ben)).content.decode())
    assert "1 cycle, none reviewed yet, from 10 November 2026 to 10 November 2026." in text
    assert "The plan has not started yet" in text


def test_an_overdue_review_is_not_promised_in_the_past(client, school, sendco, world):
    with time_machine.travel(dt.datetime(2027, 1, 11, 12, tzinfo=dt.UTC), tick=False):
        client.force_login(sendco)
        text = _text(client.get(_url("print", school, world["ada"])).content.decode())
    assert "The review of this plan was due on 18 December 2026" in text
    assert "We will meet with you to review this plan by" not in text


def test_interim_targets_of_an_ehc_plan(client, school, sendco):
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    eve = make_pupil(school, legal_first_name="Eve", legal_last_name="Edwards")
    put_on(eve, "E", date(2025, 3, 3), "ASD")
    services.plan_start(access=access_for(sendco, school), pupil=eve, today=TODAY)
    client.force_login(sendco)
    text = _text(client.get(_url("print", school, eve)).content.decode())
    assert "Eve has an education, health and care plan (an EHC plan)" in text
    assert "SEN support means" not in text
    text = _text(client.get(_url("evidence", school, eve)).content.decode())
    assert "Education, health and care plan (E)" in text
    assert "Interim targets (EHC plan)" in text


# --------------------------------------------------------------------------------------------------
# Who may print what
# --------------------------------------------------------------------------------------------------

NAMES = ["print", "pdf", "evidence", "evidence_pdf"]


@pytest.mark.parametrize("name", NAMES)
def test_another_schools_pupil_is_404(client, school, other_school, sendco, world, name):
    other = member(other_school, "sendco", email="sendco@beech.test")
    client.force_login(other)
    # Through the other school's own URL: the pupil is not theirs to see.
    assert client.get(_url(name, other_school, world["ada"])).status_code == 404
    # Through this school's URL: not their school.
    assert client.get(_url(name, school, world["ada"])).status_code == 404
    # This school's SENDCo asking through the other school's URL.
    client.force_login(sendco)
    assert client.get(_url(name, other_school, world["ada"])).status_code == 404
    assert not AuditEvent.objects.filter(action="provision.plan.printed").exists()


@pytest.mark.parametrize("name", NAMES)
def test_a_pupil_without_a_plan_is_404(client, school, sendco, world, name):
    cal = make_pupil(school, legal_first_name="Calum", legal_last_name="Carter")
    client.force_login(sendco)
    assert client.get(_url(name, school, cal)).status_code == 404
    assert not AuditEvent.objects.filter(action="provision.plan.printed").exists()


@pytest.mark.parametrize("name", ["print", "pdf"])
def test_the_teacher_prints_the_parents_plan(client, school, teacher, world, name):
    client.force_login(teacher)
    assert client.get(_url(name, school, world["ada"])).status_code == 200


@pytest.mark.parametrize("name", ["evidence", "evidence_pdf"])
def test_the_teacher_cannot_print_the_evidence(client, school, teacher, world, name):
    client.force_login(teacher)
    assert client.get(_url(name, school, world["ada"])).status_code == 403
    assert not AuditEvent.objects.filter(action="provision.plan.printed").exists()


@pytest.mark.parametrize("name", NAMES)
def test_the_ta_and_governor_cannot_print(client, school, ta, governor, world, name):
    for person in (ta, governor):
        client.force_login(person)
        assert client.get(_url(name, school, world["ada"])).status_code == 403


def test_a_teacher_sees_only_their_classs_plans(client, school, sendco, world):
    other_teacher = member(school, "teacher", email="other.teacher@acorn.test")
    client.force_login(other_teacher)
    assert client.get(_url("print", school, world["ada"])).status_code == 404


def test_only_get(client, school, sendco, world):
    client.force_login(sendco)
    for name in NAMES:
        assert client.post(_url(name, school, world["ada"])).status_code == 405


# --------------------------------------------------------------------------------------------------
# Queries: the same for one cycle as for four
# --------------------------------------------------------------------------------------------------


def _more_cycles(world, sendco, school, count: int) -> None:
    """Review the open cycle and start another, `count` times, each with a target and sessions."""
    access = access_for(sendco, school)
    plan, group = world["plan"], world["group"]
    day = date(2026, 11, 3)
    for _ in range(count):
        cycle = plan.cycles.exclude(stage="reviewed").get()
        services.review_complete(
            access=access,
            cycle=cycle,
            today=TODAY,
            reviewed_on=day,
            outcomes={t.pk: {"outcome": "partly"} for t in cycle.targets.all()},
        )
        cycle = services.cycle_next(access=access, plan=plan, today=day)
        services.target_save(
            access=access, cycle=cycle, groups=[group], description="Another target"
        )
        services.contribution_add(access=access, cycle=cycle, body="A note.", stage="assess")
        services.cycle_update(access=access, cycle=cycle, agreed_on=day, review_due=TODAY)
        services.cycle_advance(access=access, cycle=cycle, today=TODAY)
        services.cycle_advance(access=access, cycle=cycle, today=TODAY)
        services.meeting_record(access=access, plan=plan, held_on=day, today=TODAY)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["evidence", "print"])
def test_queries_do_not_grow_with_the_cycles(
    client, school, sendco, django_assert_num_queries, world, name
):
    # One cycle, in Do: a target delivered by the group, a contribution, the planning meeting.
    access = access_for(sendco, school)
    ben = make_pupil(school, legal_first_name="Ben", legal_last_name="Babbage")
    put_on(ben, "K", date(2026, 1, 12), "SLCN")
    GroupPupil.objects.create(school=school, group=world["group"], pupil=ben, joined_on=TODAY)
    cycle = services.plan_start(access=access, pupil=ben, today=date(2026, 11, 2)).cycles.get()
    services.target_save(access=access, cycle=cycle, groups=[world["group"]], description="Talk")
    services.contribution_add(access=access, cycle=cycle, body="A note.", stage="assess")
    services.cycle_update(
        access=access, cycle=cycle, agreed_on=TODAY, review_due=date(2026, 12, 18)
    )
    services.cycle_advance(access=access, cycle=cycle, today=TODAY)
    services.cycle_advance(access=access, cycle=cycle, today=TODAY)
    client.force_login(sendco)
    client.get(_url(name, school, ben))  # the first request after signing in renews the session
    expected = _count(client, _url(name, school, ben))

    _more_cycles(world, sendco, school, 2)  # Ada: four cycles, more targets and meetings
    assert world["plan"].cycles.count() == 4
    with django_assert_num_queries(expected):
        response = client.get(_url(name, school, world["ada"]))
    assert response.status_code == 200
    if name == "evidence":
        assert "Cycle 4: Review due" in _text(response.content.decode())
