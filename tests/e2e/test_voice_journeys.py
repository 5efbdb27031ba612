"""The pupil's voice in a real browser (issue 19): on a tablet (768x1024) the class teacher opens
the pupil voice form from the support plan; the pupil ticks symbols and a face, the teacher types
their own words and saves. The SENDCo sees "The pupil's views" on the support plan and accepts
them into the plan. The blank form prints for a pupil who prefers paper; on a phone the form
fits too.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from plans import services as plan_services
from plans.models import Cycle
from register.models import ViewsGiven
from staff import calendar as school_calendar
from staff.tenancy import access_for
from tests.e2e.conftest import TABLET, sign_in
from tests.register.factories import class_of, make_pupil, put_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def sam(school, sendco, teacher):
    """Sam, on SEN support in the teacher's class, with a plan being assessed."""
    today = timezone.localdate()
    year = school_calendar.create_default_year(
        school=school, academic_year_start=school_calendar.academic_year_start_for(today)
    )
    pupil = make_pupil(school, legal_first_name="Sam", legal_last_name="Jones", year_group="3")
    put_on(pupil, "K", date(2025, 1, 6), "SLCN")
    class_of(school, "3J", teachers=[teacher], pupils=[pupil], year=year)
    plan_services.plan_start(
        access=access_for(sendco, school), pupil=pupil, today=today - timedelta(days=10)
    )
    return pupil


def test_a_pupil_gives_their_views_on_a_tablet_and_the_sendco_accepts_them(
    browser: Browser, live_server, look, school, sendco, teacher, sam
):
    plan_url = f"{live_server.url}/s/{school.slug}/pupils/{sam.public_id}/plan/"
    tablet = browser.new_context(viewport=TABLET, locale="en-GB", timezone_id="Europe/London")
    page = tablet.new_page()
    sign_in(page, live_server, look, teacher.email)
    page.goto(plan_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Jones")
    look(page, "teacher-plan")
    page.get_by_role("link", name="Record the pupil's views").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My views: Sam")
    look(page, "voice-form")

    # The pupil ticks symbols (each a real checkbox named by its words) and a face.
    good_at = page.get_by_role("group", name="What I am good at")
    good_at.get_by_label("Drawing", exact=True).check()
    good_at.get_by_label("Building and making", exact=True).check()
    page.get_by_role("group", name="What helps me").get_by_label("A quiet place").check()
    hard = page.get_by_role("group", name="What I find hard")
    hard.get_by_label("Noise", exact=True).check()
    # The keyboard works too: Space ticks the focused box.
    hard.get_by_label("Writing", exact=True).focus()
    page.keyboard.press("Space")
    expect(hard.get_by_label("Writing", exact=True)).to_be_checked()
    page.get_by_label("In my own words: what I want to get better at").fill("Joined-up writing")
    page.get_by_role("group", name="How do you feel about school?").get_by_label("4, happy").check()
    page.get_by_role("group", name="How do you feel about your learning?").get_by_label(
        "3, OK"
    ).check()
    look(page, "voice-form-filled")
    page.get_by_role("button", name="Save my views").click()
    expect(page.get_by_text("Thank you: Sam's views")).to_be_visible()
    expect(page.get_by_text("Drawing; Building and making")).to_be_visible()
    look(page, "views-given")
    tablet.close()

    views = ViewsGiven.objects.get(pupil=sam)
    assert views.how == "symbol_form"
    assert {"question": "How do you feel about school?", "answer": "4, happy"} in views.answers

    # The SENDCo sees the pupil's views on the plan and accepts them into it.
    desk = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = desk.new_page()
    sign_in(page, live_server, look, sendco.email)
    page.goto(plan_url)
    section = page.get_by_role("region", name="Views of parents and the pupil")
    expect(section.get_by_role("heading", name="The pupil's views")).to_be_visible()
    expect(section).to_contain_text("Given on the pupil voice form, with an adult,")
    expect(section).to_contain_text("Not yet accepted")
    look(page, "sendco-plan")
    section.get_by_role("button", name="Accept into the plan").click()
    expect(page.get_by_text("added to the support plan's assessment")).to_be_visible()
    expect(section).to_contain_text("Accepted into the plan on")
    look(page, "sendco-accepted")
    cycle = Cycle.objects.get(plan__pupil=sam)
    assert "What I am good at: Drawing; Building and making" in cycle.pupil_views
    assert "What I want to get better at: In my own words: Joined-up writing" in cycle.pupil_views

    # The blank form prints for a pupil who prefers paper.
    page.goto(f"{live_server.url}/s/{school.slug}/voice/print/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My views")
    look(page, "voice-print")
    desk.close()

    # On a phone the form fits the screen.
    phone = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    page = phone.new_page()
    sign_in(page, live_server, look, teacher.email)
    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{sam.public_id}/voice/")
    look(page, "voice-form-phone")
    phone.close()
