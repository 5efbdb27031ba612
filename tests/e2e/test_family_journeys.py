"""Parents' views by secure link in a real browser: the SENDCo makes a link from the pupil's page
and sees its code once; a parent on a phone-sized window types the code, gives the child's date
of birth, reads the plan in plain English and gives their views; the SENDCo sees the views on the
pupil's links page. (The plan page's panel of views is issue 19's other part.)

Every page visited goes through `look` (conftest): no sideways scroll, axe-core clean, no CSP
violation.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from plans.models import Cycle, SupportPlan, Target
from register.models import PassportVersion
from staff import calendar as school_calendar
from tests.e2e.conftest import sign_in
from tests.register.factories import class_of, make_pupil, put_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def ada(school, sendco, teacher):
    year = school_calendar.create_default_year(
        school=school,
        academic_year_start=school_calendar.academic_year_start_for(timezone.localdate()),
    )
    pupil = make_pupil(
        school, legal_first_name="Ada", legal_last_name="Quill", date_of_birth=date(2018, 3, 27)
    )
    put_on(pupil, "K", date(2025, 9, 1), "SLCN")
    class_of(school, "3B", teachers=[teacher], pupils=[pupil], year=year)
    plan = SupportPlan.objects.create(school=school, pupil=pupil, created_by=sendco)
    cycle = Cycle.objects.create(
        school=school,
        plan=plan,
        number=1,
        stage=Cycle.Stage.DO,
        starts_on=year.starts_on,
        strategies="Sit Ada near the front. Give her time to answer.",
    )
    Target.objects.create(
        school=school,
        cycle=cycle,
        description="Ada will read 20 tricky words.",
        expected="She reads them in a book.",
    )
    PassportVersion.objects.create(
        school=school, pupil=pupil, version=1, strengths="Kind and funny.", created_by=sendco
    )
    return pupil


def test_a_parent_gives_views_by_link_on_a_phone(
    page: Page, browser: Browser, live_server, look, school, ada
):
    sign_in(page, live_server, look, "sendco@acorn.test")
    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{ada.public_id}/")
    page.get_by_role("link", name="Parents' views by link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("parents' views by secure link")
    look(page, "links-empty")
    page.get_by_label("What is it for?").select_option("plan_review")
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_text("Print this page now, or copy the code.")).to_be_visible()
    code = page.locator(".family-code").inner_text().strip()
    expect(page.locator("svg.family-qr")).to_be_visible()
    look(page, "link-print")

    phone = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    parent = phone.new_page()
    parent.goto(f"{live_server.url}/f/")
    expect(parent.get_by_role("heading", name="Tell the school your views")).to_be_visible()
    look(parent, "parent-start")
    parent.get_by_label("Your code").fill(code.lower())
    parent.get_by_role("button", name="Next").click()
    expect(parent.get_by_role("heading", name="Check it is you")).to_be_visible()
    expect(parent.get_by_text("Ada")).to_have_count(0)
    look(parent, "parent-check")

    parent.get_by_label("Day").fill("27")
    parent.get_by_label("Month").fill("3")
    parent.get_by_label("Year").fill("2018")
    parent.get_by_role("button", name="Next").click()
    expect(parent.get_by_role("heading", name="Ada's plan")).to_be_visible()
    expect(parent.get_by_role("heading", name="What the school is doing to help")).to_be_visible()
    expect(parent.get_by_text("Ada will read 20 tricky words.")).to_be_visible()
    expect(parent.get_by_text("Kind and funny.")).to_be_visible()
    look(parent, "parent-plan")

    parent.get_by_label("What is going well for your child?").fill("She loves bedtime stories.")
    parent.get_by_label("What worries you?").fill("Lunchtimes are noisy.")
    parent.get_by_label("By phone").check()
    parent.get_by_label("Your name").fill("Mia Quill")
    parent.get_by_role("button", name="Send my views").click()
    expect(parent.get_by_role("heading", name="Thank you")).to_be_visible()
    look(parent, "parent-thanks")
    phone.close()

    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{ada.public_id}/family-links/")
    expect(page.get_by_role("cell", name="Views given", exact=True)).to_be_visible()
    page.get_by_text("by Mia Quill").click()
    expect(page.get_by_text("Lunchtimes are noisy.")).to_be_visible()
    look(page, "links-with-views")

    # The SENDCo sees them in the plan, as the views of parents, and accepts them into it.
    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{ada.public_id}/plan/")
    section = page.get_by_role("region", name="Views of parents and the pupil")
    expect(section.get_by_role("heading", name="Views of parents", exact=True)).to_be_visible()
    expect(section).to_contain_text("Given online by secure link on")
    expect(section).to_contain_text("Lunchtimes are noisy.")
    look(page, "plan-with-parents-views")
    section.get_by_role("button", name="Accept into the plan").click()
    expect(section).to_contain_text("Accepted into the plan on")
    look(page, "plan-parents-views-accepted")
    cycle = Cycle.objects.get(plan__pupil=ada)
    assert "Lunchtimes are noisy." in cycle.parent_views + cycle.review_parent_views
