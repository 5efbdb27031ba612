"""The graduated approach in a real browser: a class teacher adds a contribution to the review of
a pupil's support plan; the SENDCo completes the review with the parents' and the pupil's views
and starts the next cycle, which carries the unfinished target over; the home timeline moves on
from the review to agreeing the new plan. The teacher does this on a tablet.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from plans import services as plan_services
from plans.models import Cycle, ParentMeeting, SupportPlan
from staff import calendar as school_calendar
from staff.tenancy import access_for
from tests.e2e.conftest import TABLET, main_nav, sign_in
from tests.register.factories import class_of, make_pupil, put_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def maya(school, sendco, teacher):
    """Maya, on SEN support for dyslexia in the teacher's class, with a plan under way whose
    review is due in ten days."""
    today = timezone.localdate()
    start = school_calendar.academic_year_start_for(today)
    year = None
    for year_start in (start - 1, start):
        year = school_calendar.create_default_year(school=school, academic_year_start=year_start)
    pupil = make_pupil(school, legal_first_name="Maya", legal_last_name="Patel", year_group="4")
    put_on(pupil, "K", today - timedelta(days=300), "SPLD")
    class_of(school, "4P", teachers=[teacher], pupils=[pupil], year=year)
    access = access_for(sendco, school)
    plan = plan_services.plan_start(access=access, pupil=pupil, today=today - timedelta(days=70))
    cycle = plan.cycles.get()
    plan_services.plan_set_lead(access=access, plan=plan, lead=teacher)
    plan_services.target_save(
        access=access,
        cycle=cycle,
        description="Read 40 high-frequency words on sight",
        measure="Word list check",
        baseline="18 of 40 words",
        expected="40 of 40 words",
        by_when=today + timedelta(days=10),
        other_provision="Precision teaching, 10 minutes a day",
        need_type=pupil.needs.get().need_type,
    )
    plan_services.cycle_advance(access=access, cycle=cycle, today=today)
    plan_services.cycle_update(
        access=access,
        cycle=cycle,
        strategies="Give Maya a word mat; check instructions are understood.",
        agreed_on=today - timedelta(days=63),
        review_due=today + timedelta(days=5),
    )
    plan_services.cycle_advance(access=access, cycle=cycle, today=today)
    return pupil


def test_teacher_contributes_and_the_sendco_reviews_and_starts_the_next_cycle(
    browser: Browser, live_server, look, school, sendco, teacher, maya
):
    # The class teacher, on a tablet, sees the review coming on their home page.
    tablet = browser.new_context(viewport=TABLET, locale="en-GB", timezone_id="Europe/London")
    page = tablet.new_page()
    sign_in(page, live_server, look, teacher.email)
    deadlines = page.get_by_role("region", name="Due in the next seven days")
    expect(deadlines).to_contain_text("Support plan review (cycle 1)")
    expect(deadlines).to_contain_text("Maya Patel")
    look(page, "teacher-home")
    page.get_by_role("button", name="Show the menu").click()
    main_nav(page).get_by_role("link", name="Support plans").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Support plans")
    look(page, "teacher-plans")
    page.get_by_role("link", name="Patel, Maya").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Patel")
    look(page, "teacher-plan")
    page.get_by_role("link", name="Add your contribution").click()
    expect(page.get_by_label("Your contribution")).to_be_visible()
    look(page, "teacher-contribute")
    page.get_by_label("Your contribution").fill(
        "Maya now reads 31 of the 40 words in class and uses her word mat without prompting."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Maya now reads 31 of the 40 words")).to_be_visible()
    look(page, "teacher-contributed")
    tablet.close()

    # The SENDCo sees the same review on the timeline and completes it.
    desk = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = desk.new_page()
    sign_in(page, live_server, look, sendco.email)
    deadlines = page.get_by_role("region", name="Due in the next seven days")
    expect(deadlines).to_contain_text("Support plan review (cycle 1)")
    look(page, "sendco-home")
    deadlines.get_by_role("link", name="Support plan review (cycle 1)").first.click()
    look(page, "sendco-plan")
    page.get_by_role("link", name="Complete the review").click()
    expect(page.get_by_text("Maya now reads 31 of the 40 words")).to_be_visible()
    look(page, "sendco-review-form")
    page.get_by_label("Date of the review meeting").fill(timezone.localdate().isoformat())
    page.get_by_role("group", name="Target 1").get_by_label("Partly achieved").check()
    page.get_by_label("Evidence of progress towards target 1").fill("31 of 40 words in class.")
    page.get_by_label("Next step for target 1").fill("Keep going with the last 9 words.")
    page.get_by_label("The pupil's views").fill("I like the word games.")
    page.get_by_label("The parents' views").fill("Reading at home is easier.")
    page.get_by_label("Who took part").fill("Mrs Patel, Maya, Tom Teacher, Sam Sendco")
    page.get_by_label("The parents attended the review").check()
    page.get_by_label("This was the plan's annual review").check()
    page.get_by_role("button", name="Complete the review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Patel")
    look(page, "sendco-reviewed")

    # At the review the parents agreed more help: the layer of support, from the plan's page.
    page.get_by_role("link", name="Change the layer of support").click()
    look(page, "sendco-layer")
    page.get_by_label("Targeted Plus: More intensive").check()
    page.get_by_role("textbox", name="From").fill(timezone.localdate().isoformat())
    page.get_by_label("Why (optional)").fill("Agreed at the annual review with Mrs Patel.")
    page.get_by_role("button", name="Save the layer of support").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Patel")
    expect(page.get_by_text("Targeted Plus since")).to_be_visible()
    look(page, "sendco-plan-layer")

    page.get_by_role("button", name="Start the next cycle").click()
    expect(page.get_by_text("1 target")).to_be_visible()
    look(page, "sendco-next-cycle")

    cycles = list(Cycle.objects.filter(plan__pupil=maya).order_by("number"))
    assert [c.stage for c in cycles] == ["reviewed", "assess"]
    assert cycles[0].review_parent_views == "Reading at home is easier."
    assert cycles[0].annual_review
    assert maya.support_layers.get().layer == "targeted_plus"
    carried = cycles[1].targets.get()
    assert carried.carried_from.cycle == cycles[0]
    assert carried.description == "Read 40 high-frequency words on sight"
    plan = SupportPlan.objects.get(pupil=maya)
    assert ParentMeeting.objects.filter(plan=plan, kind="review").count() == 1

    # The timeline has moved on: the review is done, the new plan is to be agreed.
    page.goto(f"{live_server.url}/s/{school.slug}/deadlines/")
    deadlines = page.get_by_role("main")
    expect(deadlines).not_to_contain_text("Support plan review (cycle 1)")
    expect(deadlines).to_contain_text("Agree the support plan (cycle 2)")
    look(page, "sendco-home-after")

    # The plan for parents prints.
    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{maya.public_id}/plan/print/")
    expect(page.get_by_text("Read 40 high-frequency words on sight").first).to_be_visible()
    look(page, "parent-plan-print")
    desk.close()


def test_two_people_edit_the_plan_section_and_the_second_merges_by_hand(
    browser: Browser, live_server, look, school, sendco, trust_lead, maya
):
    """The SENDCo and the trust SEND lead open Maya's Plan section at the same time. The lead
    saves first; the SENDCo's save is refused with the lead's strategies beside hers, her text
    still in the box; she merges the two and saves."""
    plan_url = f"{live_server.url}/s/{school.slug}/pupils/{maya.public_id}/plan/"
    sendco_page = browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()
    sign_in(sendco_page, live_server, look, sendco.email)
    sendco_page.goto(plan_url)
    sendco_page.get_by_role("link", name="Edit Plan", exact=True).click()
    look(sendco_page, "sendco-plan-section")

    lead_page = browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()
    sign_in(lead_page, live_server, look, trust_lead.email)
    lead_page.goto(plan_url)
    lead_page.get_by_role("link", name="Edit Plan", exact=True).click()
    lead_page.get_by_label("Strategies for class teachers").fill("Pre-teach new words on Mondays.")
    lead_page.get_by_role("button", name="Save").click()
    expect(lead_page.get_by_text("Plan saved.")).to_be_visible()

    strategies = sendco_page.get_by_label("Strategies for class teachers")
    strategies.fill("Use a reading ruler for every text.")
    sendco_page.get_by_role("button", name="Save").click()
    alert = sendco_page.get_by_role("alert")
    expect(alert).to_contain_text("Someone else saved this while you were editing.")
    changed = sendco_page.get_by_role("table", name="Each part someone else changed")
    expect(changed).to_contain_text("Pre-teach new words on Mondays.")
    expect(strategies).to_have_value("Use a reading ruler for every text.")
    look(sendco_page, "sendco-conflict")

    strategies.fill("Pre-teach new words on Mondays. Use a reading ruler for every text.")
    sendco_page.get_by_role("button", name="Save").click()
    expect(sendco_page.get_by_text("Plan saved.")).to_be_visible()
    look(sendco_page, "sendco-merged")
    cycle = Cycle.objects.get(plan__pupil=maya)
    assert cycle.strategies == "Pre-teach new words on Mondays. Use a reading ruler for every text."
