"""The annual review pack of an EHC plan: the print view and the PDF of the same template, who may
generate it, what it holds, that it is audited, and that WeasyPrint fetches nothing but our own
static files."""

from __future__ import annotations

import datetime as dt
import html
import re
import socket
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ehcp import pack, rules, selectors
from ehcp import services as ehcp
from ehcp.models import Advice, OutcomeProgress, PlanOutcome, ProvisionItem
from provision.models import Attendance, Group, GroupPupil, Intervention, Session
from register.models import PassportVersion
from staff import calendar as school_calendar
from staff import pdf as staff_pdf
from staff.models import AuditEvent
from staff.pdf import StaticFileFetcher, render_pdf
from staff.tenancy import access_for
from tests.conftest import shared_acorn_fixtures
from tests.factories import SchoolFactory, member
from tests.register.factories import make_pupil, put_on
from tests.staff.test_pdf import _poppler

TODAY = date(2026, 11, 10)  # a Tuesday in autumn 2 of 2026/27
ISSUED = date(2025, 11, 20)  # the plan, a Thursday in autumn 2 of 2025/26
MEETING = date(2026, 11, 5)  # the review meeting, held on the day planned
GROUP_STARTS = date(2026, 9, 7)

OUTCOME_TALK = "Ada will take part in a conversation of five turns with a peer"
OUTCOME_READ = "Ada will read a Year 5 text and answer questions about it"
EVIDENCE_TALK = "Talks in five-turn exchanges in Talk Boost most sessions."
EVIDENCE_READ = "Reads Year 4 texts with 90% accuracy."
EP_SUMMARY = "Verbal reasoning in the low average range; working memory a relative weakness."
PARENT_SUMMARY = "Ada is happier at school this year and talks about her friends."
HOSTILE = (
    '<img src="file:///etc/passwd"> <img src="http://example.com/x.png"> '
    '<link rel=stylesheet href="file:///etc/hosts">'
)
HOSTILE_URLS = {"file:///etc/passwd", "http://example.com/x.png", "file:///etc/hosts"}


@pytest.fixture(autouse=True)
def _on_10_november():
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a connection is recorded and refused."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def _mwf(school, start: date, end: date) -> list[date]:
    """The school's open Mondays, Wednesdays and Fridays from `start` to `end`."""
    days = school_calendar.school_days(school=school, start=start, end=end)
    return [d for d in days if d.weekday() in (0, 2, 4)]


def build_pack_world(school, sendco, ta, *, hold: bool = True, parent_views: str = "") -> dict:
    """Ada Lovelace (Year 6, so a phase transfer) with a plan from Northshire issued 20/11/2025:
    two outcomes; section F item 1 (1.5 hours a week) delivered by the Talk Boost group (Mon, Wed,
    Fri, 30 minutes) and item 2 (0.25 hours a week) not linked to a group. Talk Boost has logged
    every open Mon/Wed/Fri from 7/09/2026 to 4/11/2026 except one not run, and Ada missed two.
    Her review: advice asked of three (two received), invitations, circulated, and (`hold`) the
    meeting held on 5/11/2026 with progress. Ben Babbage is in the same group with his own plan."""
    school_calendar.create_default_year(school=school, academic_year_start=2025)
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    ada = make_pupil(
        school,
        legal_first_name="Ada",
        legal_last_name="Lovelace",
        date_of_birth=date(2015, 12, 10),
        year_group="6",
    )
    ben = make_pupil(
        school,
        legal_first_name="Ben",
        legal_last_name="Babbage",
        date_of_birth=date(2016, 1, 20),
        year_group="6",
    )
    for pupil in (ada, ben):
        put_on(pupil, "E", ISSUED, "SLCN")
    PassportVersion.objects.create(
        school=school,
        pupil=ada,
        version=1,
        about_me="I love drawing machines and counting things.",
        what_helps="Pictures with instructions; time to think before I answer.",
        pupil_words="I like Talk Boost because we play games.",
        created_by=sendco,
    )
    access = access_for(sendco, school)
    northshire = ehcp.authority_save(access=access, name="Northshire County Council", code="931")

    talk = Intervention.objects.create(school=school, name="Talk Boost")
    group = Group.objects.create(
        school=school,
        intervention=talk,
        name="Talk Boost Year 6",
        status="running",
        starts_on=GROUP_STARTS,
        ends_on=date(2026, 12, 18),
        sessions_per_week=3,
        session_minutes=30,
        days="0,2,4",
    )
    group.staff.add(ta)
    for pupil in (ada, ben):
        GroupPupil.objects.create(school=school, group=group, pupil=pupil, joined_on=GROUP_STARTS)
    days = _mwf(school, GROUP_STARTS, MEETING)
    not_run, ada_absent = days[3], {days[5], days[8]}
    for day in days:
        ran = day != not_run
        session = Session.objects.create(
            school=school,
            group=group,
            on=day,
            ran=ran,
            not_run_reason="" if ran else Session.NotRun.STAFF_ABSENCE,
            logged_by=ta,
        )
        if ran:
            Attendance.objects.create(
                school=school, session=session, pupil=ada, present=day not in ada_absent
            )
            Attendance.objects.create(school=school, session=session, pupil=ben, present=True)

    plans = {}
    for pupil in (ada, ben):
        plan = ehcp.plan_create(
            access=access,
            pupil=pupil,
            authority=northshire,
            issued_on=ISSUED,
            today=TODAY,
            section_i=school.name,
        )
        plans[pupil.legal_first_name] = plan
    plan = plans["Ada"]
    version = plan.versions.get()
    talk_outcome = ehcp.outcome_save(
        access=access,
        version=version,
        outcome=OUTCOME_TALK,
        area="ci",
        interim_targets="By Easter: three turns with an adult.",
    )
    read_outcome = ehcp.outcome_save(
        access=access, version=version, outcome=OUTCOME_READ, area="cl"
    )
    ehcp.provision_save(
        access=access,
        version=version,
        description="Talk Boost small-group language programme with a trained TA",
        hours_per_week=Decimal("1.5"),
        provider="Trained teaching assistant",
        outcome=talk_outcome,
        group=group,
    )
    ehcp.provision_save(
        access=access,
        version=version,
        description="Speech and language therapy programme set by the NHS therapist",
        hours_per_week=Decimal("0.25"),
        provider="NHS speech and language therapist",
        outcome=read_outcome,
    )
    ben_plan = plans["Ben"]
    ehcp.outcome_save(
        access=access, version=ben_plan.versions.get(), outcome="Ben will write a paragraph"
    )
    ehcp.review_schedule(access=access, plan=ben_plan, meeting_on=date(2026, 11, 19), today=TODAY)

    review = ehcp.review_schedule(
        access=access, plan=plan, meeting_on=MEETING, today=TODAY, place="The library"
    )
    asked = date(2026, 9, 21)
    ep = ehcp.advice_request(
        access=access,
        review=review,
        contributor="ep",
        requested_on=asked,
        today=TODAY,
        name="Dr Mary Somerville",
    )
    parents = ehcp.advice_request(
        access=access, review=review, contributor="parents", requested_on=asked, today=TODAY
    )
    ehcp.advice_request(
        access=access,
        review=review,
        contributor="salt",
        requested_on=asked,
        today=TODAY,
        name="NHS speech and language therapy",
    )
    ehcp.advice_receive(
        access=access, advice=ep, received_on=date(2026, 10, 12), today=TODAY, summary=EP_SUMMARY
    )
    Advice.objects.filter(pk=ep.pk).update(document_name="EP report October 2026.pdf")
    ehcp.advice_receive(
        access=access,
        advice=parents,
        received_on=date(2026, 10, 14),
        today=TODAY,
        summary=PARENT_SUMMARY,
    )
    ehcp.review_step(
        access=access, review=review, step=rules.INVITED, on=date(2026, 9, 24), today=TODAY
    )
    ehcp.review_step(
        access=access, review=review, step=rules.CIRCULATED, on=date(2026, 10, 20), today=TODAY
    )
    if hold:
        review = ehcp.review_step(
            access=access,
            review=review,
            step=rules.HELD,
            on=MEETING,
            today=TODAY,
            attendees="Ada, her mother, Sam Sendco, the class teacher, the LA caseworker",
            pupil_views="I want to go to the big school with my friends.",
            parent_views=parent_views or "We are pleased with her talking; reading is still hard.",
            recommendation="amend",
            amendments="Add a reading outcome for Year 7; name the secondary school in section I.",
            disagreement="None.",
            progress={
                talk_outcome.pk: ("on_track", EVIDENCE_TALK),
                read_outcome.pk: ("some", EVIDENCE_READ),
            },
        )
    review.refresh_from_db()
    return {
        "ada": ada,
        "ben": ben,
        "plan": plan,
        "version": version,
        "review": review,
        "group": group,
        "days": days,
        "access": access,
    }


# Built once for the module; each test gets fresh copies and a savepoint (tests/conftest.py).
globals().update(
    shared_acorn_fixtures(
        lambda a: build_pack_world(a["school"], a["sendco"], a["ta"]),
        "sendco",
        "ta",
        on=dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC),
    )
)


def _url(name, school, review):
    return reverse(f"ehcp:{name}", args=[school.slug, review.public_id])


def _pdf_text(pdf: bytes, tmp_path) -> tuple[str, str]:
    """The PDF's text twice, spaces collapsed: laid out (a table's row on one line) and in reading
    order (a table cell's words together)."""
    layout = " ".join(_poppler("pdftotext", pdf, tmp_path).split())
    path = tmp_path / "raw.pdf"
    path.write_bytes(pdf)
    raw = subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return layout, " ".join(raw.split())


def _text(body: str) -> str:
    """The page's text: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# --------------------------------------------------------------------------------------------------
# The figures of section F, which both the print view and the PDF show
# --------------------------------------------------------------------------------------------------

# The period reviewed runs from the plan's issue (20/11/2025) to the meeting (5/11/2026): 39 school
# weeks of the default calendar. Talk Boost met on 23 open Mon/Wed/Fri from 7/09/2026 to the
# meeting; 22 ran (one staff absence) and Ada attended 20: 10 hours of 30-minute sessions, 17% of
# the 58.5 hours planned.
WEEKS = 39
SESSIONS_PLANNED, SESSIONS_RUN, ATTENDED = 23, 22, 20


def test_the_world_is_as_described(school, world):
    days = world["days"]
    assert len(days) == SESSIONS_PLANNED
    weeks = {
        d.isocalendar()[:2]
        for d in school_calendar.school_days(school=school, start=ISSUED, end=MEETING)
    }
    assert len(weeks) == WEEKS


def _figures(text: str) -> None:
    """Section F and attendance: hours a week, planned, delivered, sessions and percentages."""
    planned = Decimal("1.5") * WEEKS  # 58.5
    delivered = Decimal(ATTENDED) / 2  # 10.0
    row = (
        f"1.50 {planned:.1f} {delivered:.1f} {SESSIONS_PLANNED} {SESSIONS_RUN} {ATTENDED} "
        f"{round(100 * delivered / planned)}%"
    )
    assert row in text, row
    assert f"0.25 {Decimal('0.25') * WEEKS:.1f} Not logged" in text
    assert f"({WEEKS} school weeks)" in text
    # Attendance at provision: 20 of 22 run, 2 missed, 91%.
    assert f"Talk Boost Year 6 {SESSIONS_RUN} {ATTENDED} 2 91%" in text


# --------------------------------------------------------------------------------------------------
# The print view
# --------------------------------------------------------------------------------------------------


def test_print_view_holds_the_pack(client, school, sendco, world):
    client.force_login(sendco)
    response = client.get(_url("pack", school, world["review"]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert '<html lang="en-GB">' in body
    assert "<title>Annual review pack: Ada Lovelace, 5 November 2026</title>" in body
    assert "/static/ehcp/pack.css" in body
    assert 'class="navbar' not in body  # no site menu
    text = _text(body)
    # The cover.
    for fact in (
        "Acorn Primary (URN 123456)",
        "Date of birth 10 December 2015",
        "Year group Year 6",
        f"UPN {world['ada'].upn}",
        "Local authority Northshire County Council",
        "First issued on 20 November 2025",
        "Version 1 (original plan), issued on 20 November 2025",
        "Held on Thursday 5 November 2026, The library",
        "Phase transfer review (from primary to secondary school, regulation 18): the amended "
        "plan naming the next school must be issued by 15 February 2027.",
    ):
        assert fact in text, fact
    # The profile, the outcomes with their progress, the contributions, views, recommendations.
    assert "I love drawing machines and counting things." in text
    assert f"1. {OUTCOME_TALK}" in text
    assert f"On track {EVIDENCE_TALK}" in text
    assert f"Some progress {EVIDENCE_READ}" in text
    assert "Not yet recorded" not in text
    assert "2 of 3 contributions received" in text
    assert "Educational psychologist: Dr Mary Somerville" in text
    assert EP_SUMMARY in text
    assert PARENT_SUMMARY in text
    assert "EP report October 2026.pdf" in text
    assert "Speech and language therapist Dr" not in text
    assert "Not received" in text  # the therapist's advice
    assert "I want to go to the big school with my friends." in text
    assert "Amend the plan" in text
    assert "name the secondary school in section I" in text
    # The steps with their dates (Northshire's defaults: advice 6 weeks, invitations 2 weeks).
    assert "Request advice 24 September 2026 21 September 2026 Done on time" in text
    assert "Send the invitations 22 October 2026 24 September 2026 Done on time" in text
    assert "Hold the review meeting 5 November 2026 5 November 2026 Done on time" in text
    assert "Send the report to the LA 19 November 2026 — To do" in text
    assert "The LA's decision 3 December 2026 — To do" in text
    _figures(text)
    # Only Ada: Ben is in the same group and has his own plan and review.
    assert "Babbage" not in body
    # Headings in order, tables with header cells scoped.
    levels = [int(n) for n in re.findall(r"<h([1-6])", body)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert re.findall(r"<th(?=[\s>])(?! scope=\"(?:col|row)\")", body) == []
    [event] = AuditEvent.objects.filter(action="ehcp.pack_generated")
    assert event.actor == sendco
    assert event.pupil_public_id == world["ada"].public_id
    assert event.detail == {"format": "html", "review": str(world["review"].public_id)}


@pytest.fixture
def own(trust):
    """A school of its own, with its SENDCo and TA, for a test that builds another world."""
    school = SchoolFactory(trust=trust, name="Acorn Primary", slug="acorn-own", urn="123499")
    return (
        school,
        member(school, "sendco", email="sendco@own.test"),
        member(school, "ta", email="ta@own.test"),
    )


@pytest.mark.parametrize("shown_on", ["plan", "review", "pack"])
def test_section_f_below_plan_is_flagged_on_every_page_that_shows_it(client, own, shown_on):
    """One table (templates/ehcp/_section_f.html) and one rule (rules.below_plan) on the plan's
    page, the review's page and the pack: Ada attended 17% of the hours planned for item 1."""
    school, sendco, ta = own
    found = build_pack_world(school, sendco, ta, hold=False)
    client.force_login(sendco)
    if shown_on == "plan":
        url = reverse("ehcp:plan", args=[school.slug, found["ada"].public_id])
    else:
        url = _url(shown_on, school, found["review"])
    text = _text(client.get(url).content.decode())
    assert "17% Below plan" in text
    assert text.count("Below plan") == 1  # item 2 is not linked to a group: not counted
    assert "Not logged: no group of the provision map delivers it." in text


def test_before_the_meeting_progress_is_not_yet_recorded(client, own):
    school, sendco, ta = own
    found = build_pack_world(school, sendco, ta, hold=False)
    client.force_login(sendco)
    text = _text(client.get(_url("pack", school, found["review"])).content.decode())
    assert "Planned for Thursday 5 November 2026, The library" in text
    assert f"{OUTCOME_TALK}" in text
    assert text.count("Not yet recorded") == 4  # rating and evidence of each outcome
    assert "The meeting has not been held yet" in text
    # Still at "circulated" on 10/11: the meeting's date has passed without it being held.
    assert "Hold the review meeting 5 November 2026 — Overdue" in text


def test_an_ended_review_of_another_year_keeps_its_flag(world):
    review, ada = world["review"], world["ada"]
    line = selectors.plan_with_line(review.plan, today=date(2026, 11, 10))[1]
    assert pack.transfer_of(review, line).deadline == date(2027, 2, 15)
    ada.year_group = "7"  # a year later, looking back at last year's review
    ada.save()
    line = selectors.plan_with_line(review.plan, today=date(2027, 11, 10))[1]
    assert pack.transfer_of(review, line) == pack.Transfer("to the next phase", None)
    review.phase_transfer = False
    assert pack.transfer_of(review, line) is None


@pytest.mark.parametrize(
    ("due", "done", "status"),
    [
        (date(2026, 11, 5), date(2026, 11, 5), "Done on time"),
        (date(2026, 11, 5), date(2026, 11, 8), "Done 3 days late"),
        (date(2026, 11, 9), None, "Overdue"),
        (TODAY, None, "To do"),
    ],
)
def test_step_status(due, done, status):
    assert rules.step_status(due=due, done_on=done, today=TODAY) == status


# --------------------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------------------


def test_pdf_download(client, school, sendco, world, tmp_path, no_network):
    client.force_login(sendco)
    response = client.get(_url("pack_pdf", school, world["review"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="annual-review-lovelace-ada-2026-11-05.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert no_network == []

    text, words = _pdf_text(pdf, tmp_path)
    assert "Annual review of an EHC plan" in text
    assert "Ada Lovelace" in text
    assert "Date of birth 10 December 2015" in text
    assert f"UPN {world['ada'].upn}" in text
    assert "Northshire County Council" in text
    assert "Version 1 (original plan), issued on 20 November 2025" in text
    assert "Held on Thursday 5 November 2026, The library" in text
    assert "the amended plan naming the next school must be issued by 15 February 2027" in words
    assert f"1. {OUTCOME_TALK}" in words
    assert f"2. {OUTCOME_READ}" in words
    for shown in ("On track", EVIDENCE_TALK, "Some progress", EVIDENCE_READ):
        assert shown in words
    assert EP_SUMMARY in words
    assert "EP report October 2026.pdf" in text
    assert "Add a reading outcome for Year 7" in text
    assert "Confidential: annual review pack for Ada Lovelace, Acorn Primary." in text
    assert "17% Below plan" in text  # section F item 1, on paper too
    _figures(text)
    assert "Babbage" not in text
    assert "Babbage" not in words

    info = " ".join(_poppler("pdfinfo", pdf, tmp_path).split())
    assert "Tagged: yes" in info
    assert "Page size: 595.276 x 841.89 pts (A4)" in info
    assert "Title: Annual review pack: Ada Lovelace, 5 November 2026" in info
    pages = int(info.split("Pages:")[1].split()[0])
    assert pages >= 4  # the cover, then profile, outcomes, contributions and steps on new pages
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    assert text.count("Confidential: annual review pack for Ada Lovelace") == pages + 1

    [event] = AuditEvent.objects.filter(action="ehcp.pack_generated")
    assert event.detail == {"format": "pdf", "review": str(world["review"].public_id)}
    assert event.pupil_public_id == world["ada"].public_id


def test_pdf_filename_uses_the_planned_date_before_the_meeting(world):
    review = world["review"]
    review.held_on = None
    review.meeting_on = date(2026, 12, 1)
    assert pack.pdf_filename(pupil=world["ada"], review=review) == (
        "annual-review-lovelace-ada-2026-12-01.pdf"
    )


# --------------------------------------------------------------------------------------------------
# Who may generate it
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pack", "pack_pdf"])
@pytest.mark.parametrize("role", ["teacher", "ta", "governor"])
def test_other_roles_are_refused(client, school, world, name, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(name, school, world["review"])).status_code == 403
    assert not AuditEvent.objects.filter(action="ehcp.pack_generated").exists()


@pytest.mark.parametrize("role", ["head", "trust_lead"])
def test_the_head_and_trust_lead_may(client, school, world, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url("pack", school, world["review"])).status_code == 200


@pytest.mark.parametrize("name", ["pack", "pack_pdf"])
def test_another_schools_sendco_gets_404(client, school, other_school, world, name):
    other = member(other_school, "sendco", full_name="Olga Other", email="sendco@beech.test")
    client.force_login(other)
    review = world["review"]
    # Through our school's address: not their school.
    assert client.get(_url(name, school, review)).status_code == 404
    # Through their own school's address: not their review, exactly like a missing one.
    assert client.get(_url(name, other_school, review)).status_code == 404
    assert (
        client.get(reverse(f"ehcp:{name}", args=[other_school.slug, world["ada"].public_id]))
    ).status_code == 404
    assert not AuditEvent.objects.filter(action="ehcp.pack_generated").exists()


def test_a_post_is_refused(client, school, sendco, world):
    client.force_login(sendco)
    assert client.post(_url("pack_pdf", school, world["review"])).status_code == 405


# --------------------------------------------------------------------------------------------------
# WeasyPrint fetches nothing but our static files
# --------------------------------------------------------------------------------------------------


class SpyFetcher(StaticFileFetcher):
    made: list[SpyFetcher] = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        SpyFetcher.made.append(self)


def test_hostile_text_in_a_field_is_printed_not_fetched(
    client, own, tmp_path, monkeypatch, no_network
):
    school, sendco, ta = own
    found = build_pack_world(school, sendco, ta, parent_views=HOSTILE)
    PassportVersion.objects.filter(pupil=found["ada"]).update(about_me=HOSTILE)
    SpyFetcher.made = []
    monkeypatch.setattr(staff_pdf, "StaticFileFetcher", SpyFetcher)
    client.force_login(sendco)
    response = client.get(_url("pack_pdf", school, found["review"]))
    assert response.status_code == 200
    [fetcher] = SpyFetcher.made
    assert fetcher.refused == []
    assert fetcher.served == ["http://testserver/static/ehcp/pack.css"]
    _, words = _pdf_text(response.content, tmp_path)
    printed = words.replace(" ", "")  # a long line wraps anywhere
    assert printed.count('<imgsrc="file:///etc/passwd">') == 2  # printed as text, twice
    assert printed.count('<linkrel=stylesheethref="file:///etc/hosts">') == 2
    assert no_network == []

    body = client.get(_url("pack", school, found["review"])).content.decode()
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in body
    assert '<img src="file:///etc/passwd">' not in body


def test_hostile_tags_in_the_pack_html_are_refused(school, sendco, world, no_network):
    """Were a tag ever to reach the pack's HTML unescaped, the fetcher still refuses it."""
    request = RequestFactory().get("/")
    request.user, request.school = sendco, school
    request.access = world["access"]
    context = pack.pack_context(
        access=request.access, public_id=world["review"].public_id, today=TODAY
    )
    html = render_to_string(pack.TEMPLATE, {**context, "pdf": True}, request=request)
    html = html.replace("<body>", f"<body>{HOSTILE}", 1).replace("</head>", f"{HOSTILE}</head>")
    fetcher = StaticFileFetcher(base_url="http://testserver/")
    pdf = render_pdf(html, base_url="http://testserver/", url_fetcher=fetcher)
    assert pdf.startswith(b"%PDF-")
    assert set(fetcher.refused) == HOSTILE_URLS
    assert set(fetcher.served) == {"http://testserver/static/ehcp/pack.css"}
    assert no_network == []


# --------------------------------------------------------------------------------------------------
# Queries: the same number for 1 or 5 outcomes, items of provision and contributions
# --------------------------------------------------------------------------------------------------


def _grow(school, sendco, world, n: int) -> None:
    """n more outcomes (with progress), section F items (each in its own group) and advice."""
    review, version = world["review"], world["version"]
    for i in range(n):
        outcome = PlanOutcome.objects.create(
            version=version, position=10 + i, outcome=f"Extra outcome {i}"
        )
        OutcomeProgress.objects.create(
            review=review, outcome=outcome, rating="achieved", evidence="Seen."
        )
        group = Group.objects.create(
            school=school,
            intervention=world["group"].intervention,
            name=f"Extra group {i}",
            status="running",
            starts_on=GROUP_STARTS,
            ends_on=date(2026, 12, 18),
            sessions_per_week=1,
            session_minutes=60,
            days="1",
        )
        GroupPupil.objects.create(
            school=school, group=group, pupil=world["ada"], joined_on=GROUP_STARTS
        )
        session = Session.objects.create(
            school=school, group=group, on=GROUP_STARTS + timedelta(days=1), logged_by=sendco
        )
        Attendance.objects.create(school=school, session=session, pupil=world["ada"])
        ProvisionItem.objects.create(
            version=version,
            position=10 + i,
            description=f"Extra item {i}",
            hours_per_week=Decimal(1),
            outcome=outcome,
            group=group,
        )
        Advice.objects.create(
            school=school,
            review=review,
            contributor="other",
            name=f"Adviser {i}",
            requested_on=date(2026, 9, 21),
            received_on=date(2026, 10, 1),
            summary="Advice.",
            submitted_by=sendco,
        )


def test_print_view_queries_do_not_grow(client, school, sendco, world):
    client.force_login(sendco)
    url = _url("pack", school, world["review"])
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(school, sendco, world, 4)
    with CaptureQueriesContext(connection) as large:
        body = client.get(url).content.decode()
    for extra in ("Extra outcome 3", "Extra group 3", "Adviser 3"):
        assert extra in body
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
