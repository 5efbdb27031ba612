"""The SENDCo's morning on the demo trust (issue 14): the secondary school's home fits the day's
work on the first screen of a 1366×768 laptop, the header fits on one line from 992 px, and the
census file is three interactions from home.

The demo is seeded once for the journeys here, on a school day in term, with the clock held there
(the demo builds its dates around "today").
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.budget import Counted
from tests.e2e.conftest import SCREENSHOTS, main_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A Wednesday in the autumn term, at eight in the morning.
MORNING = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Europe/London"))
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to run on a live server
    with time_machine.travel(MORNING, tick=True):
        call_command("seed_demo", stdout=io.StringIO())
        settings.DEBUG = False
        yield


def sign_in_demo(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def bottom(page: Page, locator) -> float:
    box = locator.bounding_box()
    assert box is not None, locator
    return box["y"] + box["height"]


def test_the_secondary_sendcos_morning_fits_the_first_screen(page: Page, live_server, look, demo):
    page.set_viewport_size(LAPTOP)
    sign_in_demo(page, live_server, "sendco@riverside.example.org")
    expect(page.get_by_role("heading", name="Riverside Academy", level=1)).to_be_visible()
    look(page, "home")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "riverside-sendco-home-1366x768.png")

    overdue = page.get_by_role("region", name="Overdue")
    week = page.get_by_role("region", name="Due in the next seven days")
    kinds = page.get_by_role("region", name="By kind of work")
    # Hundreds of deadlines, read in a minute: the most pressing pupils of each band, each kind's
    # counts, and the rest one click away; all of it above the fold.
    expect(overdue.get_by_role("heading", level=3).first).to_be_visible()
    assert 1 <= overdue.get_by_role("heading", level=3).count() <= 7
    for region in (overdue, week, kinds):
        assert bottom(page, region) <= LAPTOP["height"], region
    expect(kinds.get_by_role("link", name="EHC annual reviews")).to_be_visible()

    # One line of header, from a 992 px window up.
    header = page.locator("header")
    for width in (1366, 1280, 992):
        page.set_viewport_size({"width": width, "height": 768})
        assert header.bounding_box()["height"] < 70, width
        expect(main_nav(page).get_by_role("button", name="EHC", exact=True)).to_be_visible()

    # The rest is one click away, filtered.
    page.set_viewport_size(LAPTOP)
    kinds.get_by_role("link", name="EHC annual reviews").click()
    expect(
        page.get_by_role("heading", name="Deadlines: overdue and the next eight weeks")
    ).to_be_visible()
    expect(page.get_by_label("Kind of work")).to_have_value("ehcp.review")
    look(page, "deadlines-ehc")


def test_the_sendco_exports_the_census_from_home_in_3(page: Page, live_server, look, demo):
    sign_in_demo(page, live_server, "sendco@meadow-lane.example.org")
    task = Counted()
    task.click(page.get_by_role("main").get_by_role("link", name="Census export"))
    look(page, "census")
    with page.expect_download() as download_info:
        task.click(page.get_by_role("link", name="Download the check file"))
    assert download_info.value.suggested_filename.startswith("census-meadow-lane-")
    assert task.count <= 3, task.count
