"""Evidence for exam access arrangements in a real browser: the SENDCo asks the candidate's
English teacher for their normal-way-of-working evidence, the teacher finds it under "Evidence
asked of you" and answers, and the SENDCo sees the answer on the evidence trail and downloads
Form 8 part 1 as a PDF.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from exams.models import Arrangement, ExamSeries
from register.models import AcademicYear, Need, NeedType, Pupil, SenStatus, TeachingGroup
from staff import calendar as school_calendar
from staff.models import School
from tests.e2e.conftest import main_nav, sign_in
from tests.exams.evidence_world import kinds, upn
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def candidate(school, teacher):
    # Exam pages answer only in a school that enters candidates (exams.rules.sits_exams).
    School.objects.filter(pk=school.pk).update(phase=School.Phase.SECONDARY)
    today = timezone.localdate()
    start = school_calendar.academic_year_start_for(today)
    school_calendar.create_default_year(school=school, academic_year_start=start)
    year = AcademicYear.objects.get(school=school, starts_on__year=start)
    pupil = Pupil.objects.create(
        school=school,
        upn=upn(7501),
        legal_first_name="Cara",
        legal_last_name="Candidate",
        date_of_birth=date(2011, 5, 2),
        sex="F",
        year_group="10",
    )
    SenStatus.objects.create(
        school=school,
        pupil=pupil,
        category="K",
        starts_on=today - timedelta(days=700),
        reason="Slow reading and writing speed.",
    )
    Need.objects.create(
        school=school,
        pupil=pupil,
        need_type=NeedType.objects.get(code="SPLD"),
        starts_on=today - timedelta(days=700),
    )
    group = TeachingGroup.objects.create(school=school, academic_year=year, name="10En1")
    group.teachers.add(teacher)
    group.pupils.add(pupil)
    series = ExamSeries.objects.create(
        school=school,
        name="Summer 2027",
        first_exam_on=date(2027, 5, 11),
        application_deadline=date(2027, 2, 21),
    )
    Arrangement.objects.create(
        school=school, pupil=pupil, series=series, kind=kinds()["extra-time-25"]
    )
    return pupil


def test_the_sendco_asks_the_teacher_answers_and_part_1_is_printed(
    browser: Browser, live_server, look, school, sendco, teacher, candidate, tmp_path
):
    office = browser.new_context(locale="en-GB", timezone_id="Europe/London", accept_downloads=True)
    page = office.new_page()
    sign_in(page, live_server, look, sendco.email)
    nav = main_nav(page)
    nav.get_by_role("button", name="Register").click()
    nav.get_by_role("link", name="Exam access arrangements").click()
    page.get_by_role("link", name="Summer 2027", exact=True).click()
    page.get_by_role("link", name="Evidence, candidate by candidate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence for access arrangements")
    look(page, "candidates")
    page.get_by_role("link", name="Cara Candidate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence trail: Cara Candidate")
    expect(page.get_by_role("table").first).to_contain_text("No teacher evidence yet")
    look(page, "trail-empty")
    page.get_by_label("Subject", exact=True).fill("English")
    page.get_by_label("Teacher", exact=True).select_option(label="Tom Teacher (teaches 10En1)")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_text("Tom Teacher is asked for the English evidence.")).to_be_visible()
    look(page, "asked")

    classroom = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    desk = classroom.new_page()
    sign_in(desk, live_server, look, teacher.email)
    nav = main_nav(desk)
    nav.get_by_role("button", name="School").click()
    nav.get_by_role("link", name="Evidence asked of you").click()
    expect(desk.get_by_role("table")).to_contain_text("Cara Candidate")
    look(desk, "asked-of-me")
    desk.get_by_role("link", name="Answer for Cara Candidate, English").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(
        "How does Cara Candidate normally work in English?"
    )
    expect(desk.locator("main")).not_to_contain_text("Specific learning difficulty")
    look(desk, "answer")
    desk.get_by_role("button", name="Send my answer").click()
    expect(desk.get_by_role("alert")).to_contain_text("Tick the arrangements")
    look(desk, "answer-refused")
    desk.get_by_label("25% extra time", exact=True).check()
    desk.get_by_label("How they work in your subject").fill(
        "Finishes timed essays with about a quarter more time."
    )
    desk.get_by_role("button", name="Send my answer").click()
    expect(desk.get_by_text("your English evidence for Cara Candidate is sent")).to_be_visible()
    expect(desk.locator("main")).to_contain_text("Nothing is waiting for you.")
    look(desk, "answered")
    classroom.close()

    page.reload()
    evidence = page.get_by_role("table").nth(1)
    expect(evidence).to_contain_text("Finishes timed essays with about a quarter more time.")
    expect(page.get_by_role("table").first).to_contain_text("English")
    look(page, "trail-answered")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Form 8 part 1 (PDF)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(pdf_text(content, tmp_path).split())
    assert "Cara Candidate" in text
    assert "English" in text
    assert "Finishes timed essays with about a quarter more time." in text
    office.close()
