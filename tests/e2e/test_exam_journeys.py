"""Exam access arrangements in a real browser: the SENDCo of a secondary school proposes 25%
extra time and supervised rest breaks for a Year 10 candidate, records the assessment by a
qualified assessor, and moves the arrangements through their stages (the online one applied
with its AAO reference before it is in place); the exams officer (a TA holding the duty)
downloads the exams office's CSV, which carries no need or health details.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from exams.models import Arrangement, Assessor, ExamSeries
from register.models import Need, NeedType, Pupil, SenStatus
from staff.capabilities import Duty
from staff.models import Membership, Role, School
from tests.e2e.conftest import main_nav, sign_in
from tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEALTH_WORDS = ["SPLD", "Specific learning", "dyslexia", "Dyslexia", "SEN support", "Anxiety"]


@pytest.fixture
def secondary(school):
    School.objects.filter(pk=school.pk).update(phase=School.Phase.SECONDARY)
    today = timezone.localdate()
    first = date(today.year + 1, 5, 10)
    series = ExamSeries.objects.create(
        school=school,
        name=f"Summer {first.year}",
        first_exam_on=first,
        application_deadline=date(first.year, 2, 21),
    )
    pupil = Pupil.objects.create(
        school=school,
        upn="C801200001001",
        legal_first_name="Cara",
        legal_last_name="Candidate",
        date_of_birth=date(2011, 3, 1),
        sex="F",
        year_group="10",
    )
    SenStatus.objects.create(
        school=school,
        pupil=pupil,
        category="K",
        starts_on=today - timedelta(days=400),
        reason="Dyslexia: slow reading and writing",
        parents_informed_on=today - timedelta(days=398),
    )
    Need.objects.create(
        school=school,
        pupil=pupil,
        need_type=NeedType.objects.get(code="SPLD"),
        starts_on=today - timedelta(days=400),
    )
    Assessor.objects.create(
        school=school,
        name="Dr Helen Price",
        qualification="Level 7 CPT|AA",
        qualification_checked_on=today - timedelta(days=90),
        external=True,
    )
    return series


def test_the_sendco_puts_arrangements_in_place_and_the_exams_officer_exports_them(
    browser: Browser, live_server, look, school, sendco, secondary, tmp_path
):
    today = timezone.localdate()
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    sign_in(page, live_server, look, sendco.email)
    main_nav(page).get_by_role("button", name="Register").click()
    main_nav(page).get_by_role("link", name="Exam access arrangements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exam access arrangements")
    look(page, "series-list")
    page.get_by_role("link", name=secondary.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(secondary.name)
    look(page, "series")

    # A secondary has over a thousand pupils in Year 9 and above: the pupil is found first.
    page.get_by_label("Pupil's name or UPN").fill("cara")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_text("1 pupil in Year 9 or above matches")).to_be_visible()
    look(page, "series-found")
    cara = Pupil.objects.get(school=school, upn="C801200001001")
    expect(page.locator("#id_pupil")).to_have_value(str(cara.pk))
    page.get_by_label("25% extra time (online application, Form 8)", exact=True).check()
    page.get_by_label("Supervised rest breaks (delegated to the school)", exact=True).check()
    page.get_by_label("Subjects").fill("English Language, History")
    page.get_by_role("button", name="Propose the arrangements").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cara Candidate")
    expect(page.get_by_text("2 arrangement(s) proposed.")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(
        "Flag: Needs Form 8: no assessment by a qualified assessor"
    )
    look(page, "candidate-proposed")

    page.get_by_role("link", name="Record an assessment").click()
    look(page, "assessment")
    page.get_by_label("Assessor").select_option(label="Dr Helen Price")
    page.get_by_label("Date of assessment").fill((today - timedelta(days=7)).isoformat())
    page.get_by_label("Standardised results").fill("Reading speed SS 78; writing speed SS 74.")
    page.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_text("The assessment is recorded.")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("no assessment by a qualified assessor")

    # 25% extra time needs an online application before it can be in place.
    page.get_by_role("link", name="Change the stage of 25% extra time").click()
    look(page, "arrangement")
    page.get_by_role("combobox", name="Stage").select_option(label="Gathering evidence")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("25% extra time: gathering evidence.")).to_be_visible()
    page.get_by_role("link", name="Change the stage of 25% extra time").click()
    page.get_by_role("combobox", name="Stage").select_option(label="In place")
    page.get_by_label("Date approved").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("main")).to_contain_text("record it as applied online")
    look(page, "arrangement-refused")
    page.get_by_role("combobox", name="Stage").select_option(label="Applied online")
    page.get_by_label("Date approved").fill("")
    page.get_by_label("Date applied online").fill(today.isoformat())
    page.get_by_label("AAO reference").fill("AAO470100")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("25% extra time: applied online.")).to_be_visible()
    page.get_by_role("link", name="Change the stage of 25% extra time").click()
    page.get_by_role("combobox", name="Stage").select_option(label="In place")
    page.get_by_label("Date approved").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("25% extra time: in place.")).to_be_visible()

    # Rest breaks are delegated: in place on the school's decision.
    page.get_by_role("link", name="Change the stage of Supervised rest breaks").click()
    page.get_by_role("combobox", name="Stage").select_option(label="In place")
    page.get_by_label("Date approved").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Supervised rest breaks: in place.")).to_be_visible()
    look(page, "candidate-in-place")
    context.close()
    stages = set(Arrangement.objects.values_list("stage", "aao_reference"))
    assert stages == {("approved", "AAO470100"), ("approved", "")}

    officer = member(school, Role.TA, email="exams@acorn.test")
    Membership.objects.filter(school=school, user=officer).update(duties=[Duty.EXAMS_OFFICER.value])
    other = browser.new_context(locale="en-GB", timezone_id="Europe/London", accept_downloads=True)
    page = other.new_page()
    sign_in(page, live_server, look, officer.email)
    main_nav(page).get_by_role("button", name="Register").click()
    main_nav(page).get_by_role("link", name="Exams office").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Access arrangements for the exams office"
    )
    expect(page.get_by_role("table")).to_contain_text("AAO470100")
    look(page, "office")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a spreadsheet (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "Candidate,Cara,C801200001001,10,25% extra time" in text
    assert "Supervised rest breaks" in text
    for word in HEALTH_WORDS:
        assert word not in text, word
    other.close()
