"""Outside agencies in a real browser: the SENDCo refers a pupil to speech and language therapy
from the pupil's page (consent recorded), records that the pupil was seen, uploads the
therapist's report, finds the referral, the visit and the report in the pupil's chronology, and
adds the report to the pupil's EHC annual review as advice in one step.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.utils import timezone
from playwright.sync_api import Page, expect

from agencies.models import Report, Service
from ehcp.models import Advice, AnnualReview
from register.models import Pupil, SenStatus
from staff import calendar as school_calendar
from tests.e2e.conftest import sign_in
from tests.ehcp.factories import make_authority, make_plan, make_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def documents(settings, tmp_path, monkeypatch):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents"), "base_url": None},
        },
    }
    monkeypatch.setattr(Report._meta.get_field("document"), "storage", storages["documents"])
    monkeypatch.setattr(Advice._meta.get_field("document"), "storage", storages["documents"])


@pytest.fixture
def ada(school, sendco):
    today = timezone.localdate()
    start = school_calendar.academic_year_start_for(today)
    school_calendar.create_default_year(school=school, academic_year_start=start)
    pupil = Pupil.objects.create(
        school=school,
        upn="B801200005001",
        legal_first_name="Ada",
        legal_last_name="Lovelace",
        date_of_birth="2018-03-01",
        sex="F",
        year_group="3",
    )
    SenStatus.objects.create(
        school=school,
        pupil=pupil,
        category="K",
        starts_on=today - timedelta(days=90),
        reason="Speech below age expectations",
    )
    # Ada's EHC plan, with its annual review coming up in three weeks.
    plan = make_plan(
        pupil, make_authority(school), issued_on=today - timedelta(days=340), by=sendco
    )
    make_review(plan, meeting_on=today + timedelta(days=21), by=sendco)
    Service.objects.create(
        school=school,
        kind="salt",
        name="Speech and language therapy",
        provider="Northshire NHS Foundation Trust",
        stated_wait_weeks=12,
    )
    return pupil


def test_the_sendco_refers_records_the_visit_and_the_report(
    page: Page, live_server, look, school, sendco, ada, documents, tmp_path
):
    today = timezone.localdate()
    sign_in(page, live_server, look, sendco.email)
    page.goto(f"{live_server.url}/s/{school.slug}/pupils/{ada.public_id}/")
    page.get_by_role("link", name="Referrals to agencies").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Lovelace: referrals")
    look(page, "pupil-referrals")
    page.get_by_role("link", name="Refer Ada to a service").click()
    look(page, "refer-form")
    # Without consent the referral is refused, saying why.
    page.get_by_role("combobox", name="Service").select_option(
        label="Speech and language therapy (Northshire NHS Foundation Trust)"
    )
    page.get_by_label("The question asked").fill("Why does Ada struggle to follow instructions?")
    page.get_by_role("button", name="Make the referral").click()
    expect(page.get_by_role("alert")).to_contain_text("no referral is made without consent")
    look(page, "refer-no-consent")
    page.get_by_label("Consent given by").fill("Mum (Ms Lovelace)")
    page.get_by_label("Date consent given").fill((today - timedelta(days=7)).isoformat())
    page.get_by_label("Date referred").fill((today - timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Make the referral").click()
    expect(
        page.get_by_text("Ada Lovelace is referred to Speech and language therapy")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("referral to Speech and language")
    look(page, "referral-waiting")

    page.get_by_label("New status").select_option(label="Seen")
    page.get_by_label("Date it happened").fill((today - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Record the step").click()
    expect(page.get_by_text("The referral's status is recorded.")).to_be_visible()
    look(page, "referral-seen")

    report = tmp_path / "Ada SALT report.pdf"
    report.write_bytes(PDF)
    page.get_by_label("Summary of the report").fill("Receptive language below age; strategies.")
    page.get_by_label("Document (optional)").set_input_files(str(report))
    page.get_by_role("button", name="Record the report").click()
    expect(page.get_by_text("The report is recorded as received.")).to_be_visible()
    reports = page.get_by_role("region", name="Reports received")
    expect(reports.get_by_role("link", name="Ada SALT report.pdf")).to_be_visible()
    look(page, "referral-report")

    page.get_by_role("link", name="Back to Ada Lovelace's referrals").click()
    page.get_by_role("link", name="Back to Ada Lovelace").click()
    chronology = page.get_by_role("table", name="outside agencies, newest first")
    for line in (
        "Report received from Speech and language therapy",
        "Seen by Speech and language therapy",
        "Referred to Speech and language therapy",
    ):
        expect(chronology.get_by_role("link", name=line)).to_be_visible()
    look(page, "pupil-chronology")

    # The report becomes advice for Ada's annual review in one step, its document with it.
    review = AnnualReview.objects.get(plan__pupil=ada)
    page.goto(f"{live_server.url}/s/{school.slug}/ehcp/reviews/{review.public_id}/")
    offer = page.get_by_role("listitem").filter(has_text="Speech and language therapy, received")
    look(page, "review-agency-reports")
    offer.get_by_role("button", name="Add as advice").click()
    expect(
        page.get_by_text("The report is now advice from Speech and language therapy")
    ).to_be_visible()
    advice = page.get_by_role("table", name="Advice for the review, by contributor")
    expect(advice.get_by_role("row", name="Speech and language therapist")).to_contain_text(
        "Receptive language below age"
    )
    expect(advice.get_by_role("link", name="Ada SALT report.pdf")).to_be_visible()
    expect(page.get_by_role("button", name="Add as advice")).to_have_count(0)
    look(page, "review-advice-from-report")
