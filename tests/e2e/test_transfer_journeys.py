"""Moving school in a real browser: the primary's SENDCo finds a Year 6 leaver on the leavers
list, makes the transfer pack for the secondary in one step and downloads its PDF and JSON; the
secondary's SENDCo imports the JSON, checks the preview, and sees the pupil with the history
their previous school sent.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from families.models import PreviousSchoolRecord
from register.models import Pupil
from staff import calendar as school_calendar
from staff.models import Role
from tests.e2e.conftest import sign_in
from tests.factories import member
from tests.families.rich import rich_pupil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leaver(school, sendco):
    today = timezone.localdate()
    start = school_calendar.academic_year_start_for(today)
    school_calendar.create_default_year(school=school, academic_year_start=start)
    pupil = rich_pupil(school, sendco)
    Pupil.objects.filter(pk=pupil.pk).update(leaving_date=today + timedelta(days=30))
    return pupil


def test_the_primary_makes_the_pack_and_the_secondary_imports_it(
    browser: Browser, live_server, look, school, other_school, sendco, leaver, tmp_path
):
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, live_server, look, sendco.email)
    page.goto(f"{live_server.url}/s/{school.slug}/register/")
    page.get_by_role("link", name="Leavers and transfer packs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leavers this year")
    expect(page.get_by_role("table")).to_contain_text("Not made yet")
    look(page, "leavers")
    page.get_by_role("link", name="Sam Jones").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Moving school: Sam Jones")
    look(page, "moving-page")
    page.get_by_label("Receiving school").fill("Beech Secondary")
    page.get_by_label("Its URN (optional)").fill("123457")
    page.get_by_role("button", name="Make the transfer pack").click()
    expect(page.get_by_text("The transfer pack for Beech Secondary is ready")).to_be_visible()
    look(page, "pack-made")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF").first.click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as json_file:
        page.get_by_role("link", name="Portable plan (JSON)").first.click()
    saved = tmp_path / json_file.value.suggested_filename
    json_file.value.save_as(saved)
    context.close()

    receiver = member(other_school, Role.SENDCO, email="sendco@beech.test")
    other = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = other.new_page()
    sign_in(page, live_server, look, receiver.email)
    page.goto(f"{live_server.url}/s/{other_school.slug}/register/")
    page.get_by_role("link", name="Import a portable plan").click()
    look(page, "import-upload")
    page.get_by_label("Portable plan (JSON file)").set_input_files(str(saved))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check before importing")
    expect(page.locator("main")).to_contain_text("Sam Jones, Year 6")
    look(page, "import-preview")
    page.get_by_role("button", name="Import Sam Jones's records").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Moving school: Sam Jones")
    expect(page.get_by_role("heading", name="From Acorn Primary (URN 123456)")).to_be_visible()
    expect(
        page.get_by_role("table", name="Provision received at the previous school")
    ).to_contain_text("Talk Boost")
    look(page, "imported")
    page.get_by_role("link", name="Back to Sam Jones's page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Jones")
    look(page, "pupil-page")
    assert PreviousSchoolRecord.objects.filter(school=other_school).count() == 1
    other.close()
