"""An annual review in a real browser, from scheduling it to recording the LA's decision: the
SENDCo schedules the review of a Year 6 pupil's EHC plan (a phase transfer), sends the
invitations, requests and receives advice, circulates it, moves the meeting, records the meeting
with progress per outcome and its recommendation, sends the report and records the LA's decision
to amend; the class teacher adds their advice on the way. The tracker shows the review first.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ehcp import services
from ehcp.models import AnnualReview, EhcPlan, OutcomeProgress
from staff import calendar as school_calendar
from staff.tenancy import access_for
from tests.e2e.conftest import nav_to, sign_in
from tests.register.factories import class_of, make_pupil, put_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leo(school, sendco, teacher):
    """Leo, Year 6, with an EHC plan from Northshire issued ten and a half months ago."""
    today = timezone.localdate()
    start = school_calendar.academic_year_start_for(today)
    year = None
    for year_start in (start - 1, start):
        year = school_calendar.create_default_year(school=school, academic_year_start=year_start)
    pupil = make_pupil(
        school,
        legal_first_name="Leo",
        legal_last_name="Grant",
        year_group="6",
        date_of_birth=today.replace(year=today.year - 11) - timedelta(days=40),
    )
    put_on(pupil, "E", today - timedelta(days=400), "ASD")
    class_of(school, "6G", teachers=[teacher], pupils=[pupil], year=year)
    access = access_for(sendco, school)
    authority = services.authority_save(access=access, name="Northshire County Council")
    plan = services.plan_create(
        access=access,
        pupil=pupil,
        authority=authority,
        issued_on=today - timedelta(days=320),
        today=today,
        section_a="Leo loves trains and wants to be a driver.",
        section_b="Social communication and interaction needs; sensory sensitivities.",
    )
    version = plan.versions.get()
    services.outcome_save(
        access=access,
        version=version,
        outcome="Leo will work with a partner for 15 minutes in class.",
        area="ci",
    )
    services.outcome_save(
        access=access,
        version=version,
        outcome="Leo will say when he feels overwhelmed and use his calm card.",
        area="semh",
    )
    services.provision_save(
        access=access,
        version=version,
        description="Social communication group with a TA",
        hours_per_week="1.5",
        provider="Trained TA",
    )
    return pupil


def _step(page: Page, look, button: str, label: str, date: str, name: str) -> None:
    page.get_by_role("link", name=button).click()
    page.get_by_label(label).fill(date)
    look(page, name)
    page.get_by_role("button", name=button).click()


def test_sendco_runs_an_annual_review_to_the_las_decision(
    browser: Browser, live_server, look, school, sendco, teacher, leo
):
    today = timezone.localdate().isoformat()
    desk = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = desk.new_page()
    sign_in(page, live_server, look, sendco.email)

    # The tracker shows the plan, a phase transfer, with its review still to schedule.
    nav_to(page, "EHC", "Review tracker")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Grant")
    look(page, "tracker")
    page.get_by_role("link", name="Leo").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leo Grant")
    look(page, "plan")

    # Schedule the meeting in three weeks.
    page.get_by_role("link", name="Schedule the annual review").click()
    meeting = (timezone.localdate() + timedelta(days=21)).isoformat()
    page.get_by_label("Meeting date").fill(meeting)
    page.get_by_label("Where").fill("Meeting room 2")
    look(page, "schedule")
    page.get_by_role("button", name="Schedule the review").click()
    expect(page.get_by_text("Annual review scheduled for")).to_be_visible()
    look(page, "review-scheduled")

    # Invitations, advice requested from the educational psychologist, then received.
    _step(
        page,
        look,
        "Record the invitations sent",
        "Date the invitations were sent",
        today,
        "invitations",
    )
    expect(page.get_by_text("Invitations sent:")).to_be_visible()
    page.get_by_label("Who is asked").select_option("ep")
    page.get_by_label("Name or service").fill("Dr Hale, Educational Psychology Service")
    page.get_by_label("Date asked").fill(today)
    page.get_by_role("button", name="Add", exact=True).click()
    look(page, "advice-requested")
    page.get_by_role("link", name="Mark as received").click()
    page.get_by_label("Date received").fill(today)
    page.get_by_label("Summary of the advice").fill(
        "Leo's regulation has improved; keep the calm card and the movement breaks."
    )
    look(page, "advice-received-form")
    page.get_by_role("button", name="Save the advice").click()
    look(page, "advice-received")
    review = AnnualReview.objects.get(plan__pupil=leo)
    desk_url = page.url

    # The class teacher adds their advice.
    classroom = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    teacher_page = classroom.new_page()
    sign_in(teacher_page, live_server, look, teacher.email)
    teacher_page.goto(f"{live_server.url}/s/{school.slug}/ehcp/reviews/{review.public_id}/")
    look(teacher_page, "teacher-review")
    teacher_page.get_by_role("link", name="Add your advice").click()
    teacher_page.get_by_label("Your advice").fill("Leo now works with a partner for 10 minutes.")
    look(teacher_page, "teacher-advice")
    teacher_page.get_by_role("button", name="Add my advice").click()
    expect(teacher_page.get_by_text("Leo now works with a partner")).to_be_visible()
    classroom.close()

    # Circulate the advice, then the meeting is brought forward to today.
    page.goto(desk_url)
    expect(page.get_by_text("Leo now works with a partner")).to_be_visible()
    _step(
        page,
        look,
        "Record the advice circulated",
        "Date the advice was circulated",
        today,
        "circulate",
    )
    page.get_by_label("Meeting date").fill(today)
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("less than 2 weeks").first).to_be_visible()  # a warning, not a refusal
    look(page, "moved")

    # The meeting: progress per outcome and the recommendation to amend.
    page.get_by_role("link", name="Record the review meeting").click()
    page.get_by_label("Date the meeting was held").fill(today)
    page.get_by_label("Who attended").fill("Mrs Grant\nLeo\nSam Sendco\nTom Teacher\nDr Hale")
    page.get_by_label("The pupil's views").fill("I want to go to the big school with my friend.")
    page.get_by_label("The parents' views").fill("We want the transition to start early.")
    page.get_by_role("group", name="Outcome 1").get_by_label("On track").check()
    page.get_by_label("Evidence of progress towards outcome 1").fill("10 minutes with a partner.")
    page.get_by_role("group", name="Outcome 2").get_by_label("Achieved").check()
    page.get_by_label("Amend the plan").check()
    page.get_by_label("Amendments recommended").fill("Name the secondary school in section I.")
    look(page, "meeting")
    page.get_by_role("button", name="Record the review meeting").click()
    look(page, "held")

    # The report, then the LA's decision to amend.
    _step(
        page,
        look,
        "Record the report sent to the LA",
        "Date the report was sent to the LA",
        today,
        "report",
    )
    page.get_by_role("link", name="Record the LA's decision").click()
    page.get_by_label("Date of the LA's notice").fill(today)
    page.get_by_label("Amend the plan").check()
    look(page, "decision")
    page.get_by_role("button", name="Record the LA's decision").click()
    expect(page.get_by_text("final amended plan is due within 8 weeks")).to_be_visible()
    look(page, "decided")

    review.refresh_from_db()
    assert review.stage == "decided"
    assert review.la_decision == "amend"
    assert review.recommendation == "amend"
    assert review.advice.filter(received_on__isnull=False).count() == 2
    ratings = dict(
        OutcomeProgress.objects.filter(review=review).values_list("outcome__position", "rating")
    )
    assert ratings == {1: "on_track", 2: "achieved"}
    assert EhcPlan.objects.get(pupil=leo).status == "active"

    # The tracker now shows the amended plan as the next step.
    nav_to(page, "EHC", "Review tracker")
    expect(page.get_by_role("main")).to_contain_text("Final amended plan due")
    look(page, "tracker-after")
    desk.close()
