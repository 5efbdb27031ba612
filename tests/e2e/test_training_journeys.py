"""Staff training in a real browser: the SENDCo sees a class whose adults are untrained for its
pupils' autism, plans the training from the proposal in one step, takes the attendance and sees
the gap close; the class teacher reads their own record on a tablet; a governor reads the
report, figures only.

Every page visited goes through `look` (conftest): no sideways scroll, axe-core clean, no CSP
violation.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from staff import calendar as school_calendar
from tests.e2e.conftest import TABLET, main_nav, nav_to, sign_in
from tests.register.factories import class_of, make_pupil, put_on
from training import catalogue
from training.models import Completion, Course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def training_gap(school, sendco, head, teacher, ta, governor):
    """Class 4C: three autistic pupils on SEN support; its teacher and TA have no autism
    training. The school's catalogue has the common courses."""
    year = school_calendar.create_default_year(
        school=school,
        academic_year_start=school_calendar.academic_year_start_for(timezone.localdate()),
    )
    catalogue.seed(course_model=Course, school_id=school.pk)
    pupils = []
    for n in range(3):
        pupil = make_pupil(school, legal_first_name=f"Asha{n}", legal_last_name="Sentinel")
        put_on(pupil, "K", date(2025, 9, 1), "ASD")
        pupils.append(pupil)
    class_of(school, "4C", teachers=[teacher], assistants=[ta], pupils=pupils, year=year)


def test_sendco_closes_a_classs_training_gap(page: Page, live_server, look, school, training_gap):
    sign_in(page, live_server, look, "sendco@acorn.test")
    nav_to(page, "School", "Staff training")
    expect(page.get_by_role("heading", name="Staff training", level=1)).to_be_visible()
    look(page, "people")

    page.get_by_role("link", name="Training matched to need").click()
    expect(page.get_by_text("4C: 3 pupils with ASD, 0 of 2 adults trained")).to_be_visible()
    look(page, "gap")

    # The proposal names the course and both adults; the SENDCo sets the day and plans it.
    plan = page.locator("#plan-asd")
    expect(plan).to_contain_text("To train: Tara Assistant, Tom Teacher.")
    yesterday = timezone.localdate() - timedelta(days=1)
    plan.get_by_label("Date").fill(yesterday.isoformat())
    plan.get_by_role("button", name=re.compile(r"^Plan .* for 2$")).click()
    expect(page.get_by_text(re.compile(r"^Planned: "))).to_be_visible()
    look(page, "session")

    # Both invited are ticked: one step records it for both.
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved: 2 added, 0 removed.")).to_be_visible()
    assert Completion.objects.filter(school=school, session__isnull=False).count() == 2

    page.goto(f"{live_server.url}/s/acorn/training/gaps/")
    expect(page.get_by_text("pupils with ASD")).to_have_count(0)
    look(page, "gap-closed")


def test_teacher_reads_their_own_training_on_a_tablet_and_a_governor_the_report(
    page: Page, live_server, look, school, training_gap
):
    sign_in(page, live_server, look, "teacher@acorn.test")
    nav_to(page, "School", "My training")
    page.set_viewport_size(TABLET)
    expect(page.get_by_role("heading", name="My training", level=1)).to_be_visible()
    expect(page.get_by_text("No training recorded yet.")).to_be_visible()
    look(page, "mine")
    assert page.goto(f"{live_server.url}/s/acorn/training/").status == 403

    page.context.clear_cookies()
    sign_in(page, live_server, look, "governor@acorn.test")
    expect(main_nav(page).get_by_role("link", name="Staff training")).to_have_count(0)
    page.goto(f"{live_server.url}/s/acorn/training/report/")
    expect(page.get_by_role("heading", name="SEND training delivered this year")).to_be_visible()
    expect(page.get_by_text("Tom Teacher")).to_have_count(0)
    look(page, "governor-report")
