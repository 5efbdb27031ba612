"""The termly SEND report and the SEN information report in a real browser, on the demo trust:
the SENDCo starts a draft for spring, the head reads and reviews it, a governor reads the
published autumn report and its PDF (and never a draft); anyone reads the school's published
SEN information report without signing in.

Every page visited goes through `look` (conftest): no sideways scroll, axe-core clean, no CSP
violation.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from reports.models import TermReport
from staff.models import School, Term, User
from tests.e2e.test_morning_journeys import demo, sign_in_demo  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHOOL = "meadow-lane"


def test_the_sendco_starts_a_draft_for_spring(page: Page, live_server, look, demo):  # noqa: F811
    sign_in_demo(page, live_server, f"sendco@{SCHOOL}.example.org")
    page.goto(f"{live_server.url}/s/{SCHOOL}/reports/")
    look(page, "sendco-list")
    page.get_by_role("link", name="Start a report").click()
    term = page.get_by_label("Term")
    # A list of options read at once does not wait for the page to arrive: wait for the option.
    spring = term.locator("option", has_text="Spring").first
    expect(spring).to_be_attached()
    term.select_option(label=spring.inner_text())
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_text(re.compile("The draft report for the .* is ready"))).to_be_visible()
    expect(page.get_by_role("button", name="Mark as reviewed")).to_have_count(0)  # not hers
    look(page, "sendco-draft")


def test_the_head_reads_and_reviews_a_draft(page: Page, live_server, look, demo):  # noqa: F811
    school = School.objects.get(slug=SCHOOL)
    term = Term.objects.filter(school=school, season="spring").order_by("starts_on").first()
    sendco = User.objects.get(email=f"sendco@{SCHOOL}.example.org")
    TermReport.objects.create(
        school=school,
        period="Spring term",
        starts_on=term.starts_on,
        ends_on=term.ends_on,
        created_by=sendco,
    )
    sign_in_demo(page, live_server, f"head@{SCHOOL}.example.org")
    page.goto(f"{live_server.url}/s/{SCHOOL}/reports/")
    page.get_by_role("link", name="Spring term").click()
    look(page, "head-draft")
    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_text("The report is reviewed: the SENDCo can publish it")).to_be_visible()


def test_a_governor_reads_the_published_report_and_its_pdf(
    page: Page,
    live_server,
    look,
    demo,  # noqa: F811 - the fixture
):
    sign_in_demo(page, live_server, f"governor@{SCHOOL}.example.org")
    reports = page.get_by_role("region", name="Your reports")
    reports.get_by_role("link", name=re.compile("Autumn")).click()
    expect(page.get_by_role("link", name="PDF")).to_be_visible()
    look(page, "governor-report")
    href = page.get_by_role("link", name="PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"


def test_anyone_reads_the_published_sen_information_report(page: Page, live_server, look, demo):  # noqa: F811
    response = page.goto(f"{live_server.url}/p/{SCHOOL}/sen-information-report/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("SEN information report")
    look(page, "public-report")
