"""Each role's main journey in a real browser, with axe-core on every page visited.

The fixtures' people (tests/conftest.py) sign in through the real login form. `look` (conftest)
screenshots each page into var/screenshots/ and fails on any axe violation.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from staff import calendar as school_calendar
from tests.e2e.conftest import TABLET, main_nav, nav_to, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "plums ripen slowly in late August"
SHOWN = re.compile(r"\bshow\b")


def test_sendco_invites_a_teacher_who_accepts(
    page: Page, browser: Browser, browser_context_args, live_server, look, sendco
):
    sign_in(page, live_server, look, "sendco@acorn.test")
    expect(page).to_have_url(f"{live_server.url}/s/acorn/")
    expect(page.get_by_text("You are signed in as SENDCo.")).to_be_visible()
    look(page, "home")

    nav_to(page, "School", "Staff")
    expect(page.get_by_role("heading", name="Staff of Acorn Primary")).to_be_visible()
    look(page, "staff-list")

    page.get_by_role("link", name="Invite a member of staff").click()
    expect(page.get_by_role("heading", name="Invite a member of staff")).to_be_visible()
    look(page, "invite")
    page.get_by_label("Full name").fill("Nia Newteacher")
    page.get_by_label("Email address").fill("nia@acorn.test")
    page.get_by_label("Role").select_option(label="Class teacher")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Invitation sent to nia@acorn.test as Class teacher."
    )
    row = page.get_by_role("row").filter(has_text="Nia Newteacher")
    expect(row).to_contain_text("Invited, not signed in yet")
    look(page, "invited")

    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert invitation.to == ["nia@acorn.test"]
    link = re.search(r"https?://\S+/accounts/welcome/\S+", invitation.body)
    assert link, invitation.body
    path = urlsplit(link.group()).path

    # The teacher opens the link in a browser of their own, not signed in.
    with browser.new_context(**browser_context_args) as context:
        teacher_page = context.new_page()
        teacher_page.goto(live_server.url + path)
        expect(teacher_page.get_by_role("heading", name="Welcome to sendco")).to_be_visible()
        expect(teacher_page.get_by_text("nia@acorn.test")).to_be_visible()
        look(teacher_page, "welcome")
        # crispy-forms marks required fields with "*", which is part of the label.
        teacher_page.get_by_label("New password*", exact=True).fill(NEW_PASSWORD)
        teacher_page.get_by_label("New password confirmation*", exact=True).fill(NEW_PASSWORD)
        teacher_page.get_by_role("button", name="Set password and sign in").click()

        expect(teacher_page).to_have_url(f"{live_server.url}/s/acorn/")
        expect(teacher_page.get_by_role("heading", name="Acorn Primary", level=1)).to_be_visible()
        expect(teacher_page.get_by_text("Welcome to sendco. Your password is set.")).to_be_visible()
        expect(teacher_page.get_by_text("You are signed in as Class teacher.")).to_be_visible()
        expect(main_nav(teacher_page).get_by_role("link", name="Staff", exact=True)).to_have_count(
            0
        )
        look(teacher_page, "teacher-home")

        response = teacher_page.goto(f"{live_server.url}/s/acorn/staff/")
        assert response.status == 403
        expect(
            teacher_page.get_by_role("heading", name="This page is not available to your role")
        ).to_be_visible()
        look(teacher_page, "teacher-403")


def test_governor_sees_no_staff_pages(page: Page, live_server, look, governor):
    sign_in(page, live_server, look, "governor@acorn.test")
    expect(page).to_have_url(f"{live_server.url}/s/acorn/")
    expect(page.get_by_text("You are signed in as Governor.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your reports")).to_be_visible()
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="Home", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Staff", exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="Audit log", exact=True)).to_have_count(0)
    look(page, "home")

    for path, label in [("/s/acorn/staff/", "staff"), ("/s/acorn/audit/", "audit")]:
        response = page.goto(live_server.url + path)
        assert response.status == 403, path
        expect(
            page.get_by_role("heading", name="This page is not available to your role")
        ).to_be_visible()
        look(page, f"{label}-403")


def test_trust_lead_opens_a_school_from_the_dashboard(
    page: Page, live_server, look, trust_lead, other_school, foreign_school
):
    sign_in(page, live_server, look, "lead@oak.test")
    expect(page).to_have_url(f"{live_server.url}/t/oak/")
    expect(page.get_by_role("heading", name="Oak Learning Trust", level=1)).to_be_visible()
    table = page.get_by_role("table", name="Schools of Oak Learning Trust")
    expect(table.get_by_role("row").filter(has_text="Acorn Primary")).to_contain_text("Primary")
    expect(table.get_by_role("row").filter(has_text="Beech Secondary")).to_contain_text("Secondary")
    expect(page.get_by_text("Elm Academy")).to_have_count(0)
    look(page, "dashboard")

    page.get_by_role("link", name="Vulnerable pupils in each school").click()
    expect(page).to_have_url(f"{live_server.url}/t/oak/vulnerable/")
    figures = page.get_by_role("table", name=re.compile(r"^Vulnerable pupils in each school"))
    expect(figures.get_by_role("link", name="Beech Secondary")).to_be_visible()
    gaps = page.get_by_role("table", name=re.compile(r"^Gaps in each school"))
    expect(gaps.get_by_role("link", name="Beech Secondary")).to_be_visible()
    expect(page.get_by_text("Elm Academy")).to_have_count(0)
    look(page, "trust-vulnerable")
    page.get_by_role("link", name="Oak Learning Trust", exact=True).click()

    table.get_by_role("link", name="Acorn Primary").click()
    expect(page).to_have_url(f"{live_server.url}/s/acorn/")
    expect(page.get_by_role("heading", name="Acorn Primary", level=1)).to_be_visible()
    expect(page.get_by_text("You are signed in as Trust SEND lead.")).to_be_visible()
    expect(page.get_by_role("region", name="By kind of work")).to_be_visible()
    look(page, "school-home")
    nav_to(page, "School", "Staff")
    expect(page.get_by_role("row").filter(has_text="Lee Lead")).to_contain_text("Trust SEND lead")


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page, live_server, look):
    page.goto(f"{live_server.url}/accounts/login/")
    look(page, "login")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visually hidden until it has focus
    look(page, "skip-link-focused")

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email")).to_be_focused()


def test_sendco_on_a_tablet(page: Page, live_server, look, school, sendco):
    school_calendar.create_default_year(
        school=school,
        academic_year_start=school_calendar.academic_year_start_for(timezone.localdate()),
    )
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, look, "sendco@acorn.test")
    expect(page).to_have_url(f"{live_server.url}/s/acorn/")
    look(page, "home")

    menu = page.get_by_role("button", name="Show the menu")
    staff_link = main_nav(page).get_by_role("link", name="Staff", exact=True)
    expect(menu).to_be_visible()
    expect(staff_link).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-nav")).to_have_class(SHOWN)  # Bootstrap's slide has finished
    main_nav(page).get_by_role("button", name="School", exact=True).click()
    expect(staff_link).to_be_visible()
    look(page, "menu-open")
    staff_link.click()
    expect(page.get_by_role("heading", name="Staff of Acorn Primary")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Sam Sendco")).to_contain_text("SENDCo")
    look(page, "staff-list")

    menu.click()
    expect(page.locator("#main-nav")).to_have_class(SHOWN)
    nav_to(page, "School", "Term dates")
    expect(page.get_by_role("heading", name="Term dates", level=1)).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Now")).to_have_count(1)
    look(page, "terms")


def test_trust_lead_compares_the_schools_and_reads_their_training(
    page: Page, live_server, look, trust_lead, other_school, foreign_school
):
    sign_in(page, live_server, look, "lead@oak.test")
    page.get_by_role("link", name="The schools compared").click()
    expect(page).to_have_url(f"{live_server.url}/t/oak/compare/")
    expect(page.get_by_role("link", name="Beech Secondary").first).to_be_visible()
    expect(page.get_by_text("Elm Academy")).to_have_count(0)
    look(page, "trust-compare")
    page.goto(f"{live_server.url}/t/oak/compare/board/")
    expect(page.get_by_text("Elm Academy")).to_have_count(0)
    look(page, "trust-board")
    page.goto(f"{live_server.url}/t/oak/training/")
    expect(page.get_by_role("link", name="Beech Secondary").first).to_be_visible()
    look(page, "trust-training")
