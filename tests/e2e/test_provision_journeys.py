"""The provision map's journey in a real browser, on a tablet (768 x 1024): a TA logs today's
session of a group of six with two pupils absent, without a page reload and with the
confirmation announced; the SENDCo then sees the group's delivery and attendance change on the
map and "4 of 6" on the group's page.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from provision.costing import costed_groups, with_costing_data
from provision.models import Attendance, Group, GroupPupil, Intervention, Session, StaffRate
from staff import calendar as school_calendar
from tests.e2e.budget import Counted
from tests.e2e.conftest import TABLET, main_nav, nav_to, sign_in
from tests.register.factories import make_pupil, put_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN = re.compile(r"\bshow\b")
PUPILS = [
    ("Amara", "Okafor"),
    ("Bilal", "Hussain"),
    ("Chloe", "Evans"),
    ("Dawid", "Nowak"),
    ("Erin", "Walsh"),
    ("Finley", "Green"),
]


@pytest.fixture
def talk_boost(school, ta, sendco):
    """The TA's Talk Boost group of six, meeting every day (no set weekdays), with its three
    sessions before today logged: 6, 5 and 6 of 6 present (17 of 18)."""
    today = timezone.localdate()
    start = school_calendar.academic_year_start_for(today)
    for year_start in (start - 1, start):
        school_calendar.create_default_year(school=school, academic_year_start=year_start)
    before = school_calendar.school_days(
        school=school, start=today - timedelta(days=120), end=today - timedelta(days=1)
    )[-3:]
    rate = StaffRate.objects.create(school=school, name="TA level 3", hourly_cost="18.40")
    talk = Intervention.objects.create(
        school=school, name="Talk Boost", broad_area="ci", default_rate=rate
    )
    group = Group.objects.create(
        school=school,
        intervention=talk,
        name="Talk Boost Year 3",
        status=Group.Status.RUNNING,
        starts_on=before[0],
        ends_on=today + timedelta(days=60),
        sessions_per_week=3,
        session_minutes=30,
        room="Speech corner",
        rate=rate,
    )
    group.staff.add(ta)
    pupils = []
    for first, last in PUPILS:
        pupil = make_pupil(school, legal_first_name=first, legal_last_name=last)
        put_on(pupil, "K", before[0] - timedelta(days=200), "SLCN")
        GroupPupil.objects.create(
            school=school, group=group, pupil=pupil, joined_on=before[0], entry_score=3
        )
        pupils.append(pupil)
    for n, day in enumerate(before):
        session = Session.objects.create(school=school, group=group, on=day, logged_by=ta)
        Attendance.objects.bulk_create(
            Attendance(
                school=school,
                session=session,
                pupil=pupil,
                present=not (n == 1 and i == 0),
                absence_reason="absent" if n == 1 and i == 0 else "",
            )
            for i, pupil in enumerate(pupils)
        )
    return group


def delivery_to_date(group: Group) -> tuple[int, int]:
    """Sessions run of those planned up to today, as the map computes them (the calendar
    decides: on a weekend or a fourth day of a week of three, today's session is an extra)."""
    groups = with_costing_data(Group.objects.filter(pk=group.pk), school=group.school)
    (costed,) = costed_groups(school=group.school, groups=groups, on=timezone.localdate())
    assert costed.sessions_run + costed.sessions_extra == 4  # never "4 of 3"
    return costed.sessions_run, costed.planned_to_date


def open_menu(page: Page) -> None:
    """On a tablet the main navigation folds behind its toggle."""
    page.get_by_role("button", name="Show the menu").click()
    expect(page.locator("#main-nav")).to_have_class(SHOWN)


def test_ta_logs_a_session_on_a_tablet_and_the_map_changes(
    page: Page,
    browser: Browser,
    browser_context_args,
    live_server,
    look,
    school,
    ta,
    sendco,
    talk_boost,
):
    group = talk_boost

    # The TA, on a tablet, lands on her home, which starts with today's groups, and logs the
    # session: two pupils did not come, each with a reason (a reason marks them absent).
    # Budget: 5 interactions after sign-in.
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, look, "ta@acorn.test")
    steps = Counted()
    expect(page.get_by_role("heading", name="Your groups today")).to_be_visible()
    card = page.get_by_role("region", name=re.compile("Talk Boost Year 3"))
    switches = card.get_by_role("switch")
    expect(switches).to_have_count(6)
    for switch in switches.all():
        expect(switch).to_be_checked()
    look(page, "my-groups-today")

    steps.select(card.get_by_label("If absent, why (Amara Okafor)"), label="Absent from school")
    steps.select(card.get_by_label("If absent, why (Bilal Hussain)"), label="Did not want to come")
    expect(card.get_by_role("switch", name="Amara Okafor", exact=True)).not_to_be_checked()
    look(page, "ticked")
    page.evaluate("window.notReloaded = true")
    steps.click(card.get_by_role("button", name="Save session"))

    confirmation = "Talk Boost Year 3: session saved, 4 of 6 present."
    card = page.get_by_role("region", name=re.compile("Talk Boost Year 3"))
    expect(card.locator(".alert")).to_have_text(confirmation)
    expect(page.locator("#messages")).to_have_text(confirmation)  # the live region announces it
    assert page.evaluate("window.notReloaded === true"), "the page reloaded instead of a swap"
    expect(card.get_by_role("heading", name=re.compile("Talk Boost Year 3"))).to_be_focused()
    expect(card.get_by_text("Logged today.")).to_be_visible()
    expect(card.get_by_role("switch", name="Amara Okafor", exact=True)).not_to_be_checked()
    expect(card.get_by_role("switch", name="Chloe Evans", exact=True)).to_be_checked()
    look(page, "session-saved")
    assert steps.count <= 5, steps.done

    session = Session.objects.get(group=group, on=timezone.localdate())
    assert session.ran
    assert session.logged_by == ta
    marks = {a.pupil.legal_first_name: a for a in session.attendance.select_related("pupil")}
    assert sorted(n for n, a in marks.items() if not a.present) == ["Amara", "Bilal"]
    assert marks["Amara"].absence_reason == "absent"
    assert marks["Bilal"].absence_reason == "refused"

    run, planned = delivery_to_date(group)
    assert run <= planned

    # The SENDCo, on a tablet of their own, opens the provision map.
    with browser.new_context(**browser_context_args, viewport=TABLET) as context:
        office = context.new_page()
        sign_in(office, live_server, look, "sendco@acorn.test")
        open_menu(office)
        nav_to(office, "Provision", "Provision map")
        expect(office.get_by_role("heading", name="Provision map", level=1)).to_be_visible()
        row = office.get_by_role("row").filter(has_text="Talk Boost Year 3")
        # Four sessions run (three before today and today's; on a weekend today's is an extra),
        # 21 of 24 marks present.
        expect(row).to_contain_text(f"{run} of {planned}")
        expect(row).to_contain_text("87.5%")
        look(office, "map")

        row.get_by_role("link", name="Talk Boost Year 3").click()
        expect(office.get_by_role("heading", name="Talk Boost Year 3", level=1)).to_be_visible()
        delivery = office.get_by_role("region", name="Planned and delivered so far")
        expect(delivery).to_contain_text(re.compile(rf"Sessions planned to date\s*{planned}\b"))
        expect(delivery).to_contain_text(re.compile(rf"Sessions run\s*{run} of those planned"))
        expect(delivery).to_contain_text("87.5%")
        today_row = office.get_by_role("row").filter(has_text=f"{timezone.localdate():%d/%m/%Y}")
        expect(today_row).to_contain_text("4 of 6")
        expect(today_row).to_contain_text("Tara Assistant")
        look(office, "group")

        # The section's tabs lead to the impact ranking and TA deployment, both accessible.
        office.go_back()
        tabs = office.get_by_role("navigation", name="Provision")
        tabs.get_by_role("link", name="Impact").click()
        expect(office.get_by_role("heading", name="Impact: what works here")).to_be_visible()
        # Talk Boost has no measure set: listed, not ranked, saying why (nothing to chart).
        expect(office.get_by_role("heading", name="Not ranked")).to_be_visible()
        expect(office.get_by_text("No measure set, so nobody can say")).to_be_visible()
        look(office, "impact")
        office.get_by_role("navigation", name="Provision").get_by_role(
            "link", name="TA deployment"
        ).click()
        expect(office.get_by_role("heading", name="TA deployment")).to_be_visible()
        expect(office.get_by_role("table").first).to_contain_text("Tara Assistant")
        look(office, "deployment")


def test_an_absent_pupil_without_a_reason_is_named_and_nothing_saved(
    page: Page, live_server, look, school, ta, talk_boost
):
    """Switched off with no reason: the card comes back (no reload) saying whose reason is
    missing, the pupil's reason field marked, nothing saved; choosing the reason then saves."""
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, look, "ta@acorn.test")
    open_menu(page)
    main_nav(page).get_by_role("link", name="My groups today").click()
    expect(page.get_by_role("heading", name="My groups today", level=1)).to_be_visible()
    card = page.get_by_role("region", name=re.compile("Talk Boost Year 3"))
    expect(card.get_by_role("switch")).to_have_count(6)
    card.get_by_role("switch", name="Bilal Hussain", exact=True).uncheck()
    card.get_by_role("button", name="Save session").click()
    card = page.get_by_role("region", name=re.compile("Talk Boost Year 3"))
    expect(card.locator(".alert-danger")).to_contain_text("Choose why Bilal Hussain did not come")
    reason = card.get_by_label("If absent, why (Bilal Hussain)")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(card.get_by_role("switch", name="Bilal Hussain", exact=True)).not_to_be_checked()
    look(page, "reason-missing")
    assert not Session.objects.filter(group=talk_boost, on=timezone.localdate()).exists()
    reason.select_option(label="Kept in class")
    card.get_by_role("button", name="Save session").click()
    expect(card.locator(".alert-success")).to_have_text(
        "Talk Boost Year 3: session saved, 5 of 6 present."
    )
