"""The Pupil Premium in a real browser: the SENDCo sees the allocation and the lists, records a
pupil's ground (a mistake first), drafts the strategy statement with an activity linked to a
group and opens its print view; the head reads it on a tablet; a teacher has no such page.

Every page visited goes through `look` (conftest): no sideways scroll, axe-core clean, no CSP
violation.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from premium.models import Statement
from provision.models import Group, Intervention
from register.models import LookedAfterPeriod, PupilPremiumPeriod
from staff import calendar as school_calendar
from tests.e2e.conftest import TABLET, main_nav, nav_to, sign_in
from tests.register.factories import make_pupil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pupils(school):
    """Seven pupils on means-tested free school meals since 2024 and one on the Universal
    Credit extension only (free meals, no Pupil Premium); a Pupil Premium group this year."""
    year = school_calendar.create_default_year(
        school=school,
        academic_year_start=school_calendar.academic_year_start_for(timezone.localdate()),
    )
    for n in range(7):
        pupil = make_pupil(school, legal_first_name=f"Fay{n}", legal_last_name="Meals")
        PupilPremiumPeriod.objects.create(
            school=school, pupil=pupil, kind="fsm", starts_on=date(2024, 1, 8)
        )
    uc = make_pupil(school, legal_first_name="Uma", legal_last_name="Credit")
    PupilPremiumPeriod.objects.create(
        school=school, pupil=uc, kind="fsm_uc", starts_on=date(2026, 9, 1)
    )
    Group.objects.create(
        school=school,
        intervention=Intervention.objects.create(school=school, name="Talk Boost"),
        name="Talk Boost Y3",
        status="running",
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        sessions_per_week=3,
        session_minutes=30,
        funding=Group.Funding.PUPIL_PREMIUM,
    )
    return {"uc": uc, "plain": make_pupil(school, legal_first_name="Pat", legal_last_name="Plain")}


def test_sendco_sees_the_allocation_records_a_ground_and_drafts_the_statement(
    page: Page, live_server, look, school, sendco, pupils
):
    sign_in(page, live_server, look, "sendco@acorn.test")
    nav_to(page, "Register", "Pupil Premium")
    expect(page.get_by_role("heading", name="Pupil Premium", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Last financial year"))).to_be_visible()
    expect(
        page.get_by_role("table", name=re.compile("Pupils on roll on each list"))
    ).to_contain_text("of whom through the Universal Credit extension only")
    look(page, "overview")

    page.get_by_role("link", name="of whom through the Universal Credit extension only").click()
    expect(page.get_by_role("link", name="Credit, Uma")).to_be_visible()
    look(page, "uc-list")

    page.goto(f"{live_server.url}/s/acorn/premium/pupils/{pupils['plain'].public_id}/")
    page.get_by_label("Ground of eligibility").select_option("fsm_uc")
    page.get_by_label("Start date").fill("2026-08-03")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("starts on 1 September 2026").first).to_be_visible()
    look(page, "ground-refused")
    page.get_by_label("Ground of eligibility").select_option("fsm")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("The ground of eligibility is recorded.")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("grounds of eligibility"))).to_contain_text(
        "Free school meals (means-tested)"
    )
    look(page, "ground-recorded")

    nav_to(page, "Register", "Pupil Premium")
    page.get_by_role("link", name="Open this year's strategy statement").click()
    expect(page.get_by_text(re.compile("There is no statement for"))).to_be_visible()
    look(page, "statement-empty")
    page.get_by_role("link", name="Add a challenge").click()
    page.get_by_label("The challenge").fill("Narrow vocabulary on entry to school.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add an activity").click()
    page.get_by_label("Tier").select_option("targeted")
    page.get_by_label("Activity").fill("Talk Boost in small groups")
    page.get_by_label("Evidence that supports this approach").fill("EEF: +6 months")
    page.get_by_label("Challenge numbers addressed").fill("1")
    page.get_by_label("Budgeted cost").fill("2500")
    page.get_by_label("Talk Boost Y3").check()
    look(page, "activity-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The activity is saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Talk Boost Y3")).to_be_visible()
    look(page, "statement")
    assert Statement.objects.get(school=school).published_on is None

    page.get_by_role("link", name="Print view").click()
    expect(
        page.get_by_role("heading", name=re.compile("Pupil premium strategy statement"))
    ).to_be_visible()
    look(page, "statement-print")


def test_head_reads_the_statement_on_a_tablet_and_a_teacher_has_no_such_page(
    page: Page, live_server, look, school, head, teacher, pupils
):
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, look, "head@acorn.test")
    page.goto(f"{live_server.url}/s/acorn/premium/")
    look(page, "head-overview")
    page.get_by_role("link", name="Open this year's strategy statement").click()
    expect(page.get_by_role("link", name="Add a challenge")).to_have_count(0)
    look(page, "head-statement")

    page.context.clear_cookies()
    sign_in(page, live_server, look, "teacher@acorn.test")
    expect(main_nav(page).get_by_role("link", name="Pupil Premium")).to_have_count(0)
    response = page.goto(f"{live_server.url}/s/acorn/premium/")
    assert response.status == 403
    look(page, "teacher-403")


def test_sendco_records_an_overdue_pep_and_reads_the_vulnerable_pupils(
    page: Page, live_server, look, school, sendco
):
    start = school_calendar.academic_year_start_for(timezone.localdate())
    for year in (start - 1, start):
        school_calendar.create_default_year(school=school, academic_year_start=year)
    lily = make_pupil(school, legal_first_name="Lily", legal_last_name="Robinson")
    LookedAfterPeriod.objects.create(
        school=school, pupil=lily, starts_on=date(2024, 1, 8), responsible_la="Anyshire"
    )
    sign_in(page, live_server, look, "sendco@acorn.test")
    nav_to(page, "Register", "Looked-after children")
    expect(page.get_by_text("1 PEP overdue.")).to_be_visible()
    look(page, "looked-after")
    page.get_by_role("link", name="Robinson, Lily").click()
    expect(page.get_by_role("heading", name="Lily Robinson: looked after")).to_be_visible()
    look(page, "child")
    page.get_by_label("Date of the PEP meeting").fill(
        (timezone.localdate() - timedelta(days=1)).isoformat()
    )
    page.get_by_label("The child's views").fill("Enjoys football club.")
    page.get_by_role("button", name="Record the PEP").click()
    expect(page.get_by_text("The PEP is recorded.")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("PEP meetings"))).to_contain_text(
        "Enjoys football club."
    )
    look(page, "pep-recorded")

    nav_to(page, "Register", "Vulnerable pupils")
    expect(page.get_by_role("img", name="How SEN, disadvantage and care overlap")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Looked-after children whose PEP is overdue: 0")
    ).to_be_visible()
    look(page, "vulnerable")
