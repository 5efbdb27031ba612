"""Early Help in a real browser: the SENDCo opens a pupil's record, starts Early Help with the
family's consent (refused first without it), records a Team Around the Family review and sees
when the next is due; every page says that a worry about a child's safety goes to the designated
safeguarding lead, not into sendco. A teacher is refused the Early Help page.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import nav_to, sign_in
from tests.register.factories import make_pupil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sendco_starts_early_help_and_records_a_review(
    page: Page, live_server, look, school, sendco
):
    today = timezone.localdate()
    pupil = make_pupil(school, legal_first_name="Mia", legal_last_name="Hart")
    sign_in(page, live_server, look, sendco.email)
    nav_to(page, "Register", "Early Help")
    expect(page.get_by_role("heading", level=1)).to_have_text("Early Help")
    expect(
        page.get_by_text("sendco does not replace the school's safeguarding system")
    ).to_be_visible()
    look(page, "early-help-list")

    page.goto(live_server.url + reverse("register:pupil", args=[school.slug, pupil.public_id]))
    page.get_by_role("link", name="Early Help", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mia Hart: Early Help")
    look(page, "pupil-none")
    page.get_by_role("link", name="Start Early Help").click()
    started = (today - timedelta(days=21)).isoformat()
    page.get_by_label("Started on").fill(started)
    page.get_by_label("Lead practitioner").fill("Dana Price")
    page.get_by_label("Their organisation").fill("Anyshire Early Help team")
    page.get_by_role("button", name="Start Early Help").click()
    # No consent recorded: said plainly, nothing saved.
    expect(page.get_by_role("alert").first).to_contain_text("the family's consent")
    look(page, "start-refused")
    page.get_by_label("Consent given by").fill("Mother (Jo Hart)")
    page.get_by_label("Consent given on").fill(started)
    page.get_by_role("button", name="Start Early Help").click()
    expect(page.get_by_text("Early Help is started.")).to_be_visible()
    expect(page.get_by_role("heading", name="Early Help assessment")).to_be_visible()
    look(page, "started")

    held = today - timedelta(days=1)
    page.get_by_label("Held on").fill(held.isoformat())
    page.get_by_label("Who attended").fill("Mother, Dana Price, class teacher")
    page.get_by_label("What was agreed").fill("Morning club; attendance checked weekly")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("The review is recorded.")).to_be_visible()
    due = held + timedelta(weeks=12)
    next_review = page.get_by_role("region", name="Next review")
    expect(next_review).to_contain_text(f"{due:%A} {due.day} {due:%B %Y}")
    expect(page.get_by_role("table")).to_contain_text("Morning club")
    look(page, "reviewed")


def test_a_teacher_is_refused_early_help(page: Page, live_server, look, school, teacher):
    sign_in(page, live_server, look, teacher.email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Early Help", exact=True)).to_have_count(0)
    response = page.goto(f"{live_server.url}/s/{school.slug}/early-help/")
    assert response is not None
    assert response.status == 403
    expect(page.locator("main")).not_to_contain_text("Early Help assessment")
    look(page, "refused")
