"""An outside agency's report becomes advice for the pupil's EHC annual review in one step: the
service's kind decides whose advice it is, its date and summary come with it and its document is
copied; once per review; never another pupil's report; never shown to a teacher."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies import services as agency_services
from agencies.models import Report, Service
from ehcp.models import Advice
from register.models import Pupil, TeachingGroup
from staff import calendar as school_calendar
from staff.models import AuditEvent
from staff.tenancy import access_for
from tests.conftest import shared_acorn_fixtures
from tests.ehcp.factories import make_authority, make_plan, make_review

NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 12, 4)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _pupil(school, first: str, upn: str) -> Pupil:
    return Pupil.objects.create(
        school=school, upn=upn, legal_first_name=first, legal_last_name="Sentinel",
        date_of_birth="2016-03-01", sex="F", year_group="5",
    )  # fmt: skip


def build(acorn: dict) -> dict:
    school, sendco = acorn["school"], acorn["sendco"]
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    ada, ben = _pupil(school, "Ada", "B801200005001"), _pupil(school, "Ben", "A801200005002")
    group = TeachingGroup.objects.create(school=school, academic_year=year, name="5B")
    group.teachers.add(acorn["teacher"])
    group.pupils.add(ada)
    plan = make_plan(ada, make_authority(school), issued_on=date(2026, 1, 10), by=sendco)
    review = make_review(plan, meeting_on=date(2026, 12, 18), by=sendco)
    salt = Service.objects.create(
        school=school, kind="salt", name="Northshire SALT", provider="NHS", stated_wait_weeks=12
    )
    reports = {}
    access = access_for(sendco, school)
    for pupil in (ada, ben):
        referral = agency_services.referral_make(
            access=access, pupil=pupil, service=salt, referred_on=date(2026, 9, 1),
            consent_given_by="Mum", consent_on=date(2026, 9, 1), question="What helps?",
            today=TODAY,
        )  # fmt: skip
        referral = agency_services.status_change(
            access=access, referral=referral, status="seen", on=date(2026, 10, 1), today=TODAY
        )
        reports[pupil.legal_first_name] = referral
    return {"ada": ada, "ben": ben, "review": review, "referrals": reports}


globals().update(shared_acorn_fixtures(build, "sendco", "teacher", on=NOON))


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def documents(settings, tmp_path, monkeypatch):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents"), "base_url": None},
        },
    }
    for model in (Report, Advice):
        monkeypatch.setattr(model._meta.get_field("document"), "storage", storages["documents"])


def _report(school, sendco, referral, *, summary="Receptive language below age.") -> Report:
    return agency_services.report_record(
        access=access_for(sendco, school),
        referral=referral,
        received_on=date(2026, 11, 20),
        today=TODAY,
        summary=summary,
        document=SimpleUploadedFile("SALT report.pdf", PDF, content_type="application/pdf"),
        document_type="application/pdf",
    )


def _add(client, school, review, report):
    args = [school.slug, review.public_id, report.public_id]
    return client.post(reverse("ehcp:advice_from_report", args=args), follow=True)


def test_the_sendco_adds_a_report_as_advice_with_its_document(
    client, school, sendco, world, documents
):
    report = _report(school, sendco, world["referrals"]["Ada"])
    review = world["review"]
    client.force_login(sendco)
    page = client.get(reverse("ehcp:review", args=[school.slug, review.public_id]))
    assert "Reports received from outside agencies" in page.content.decode()
    response = _add(client, school, review, report)
    assert "The report is now advice from Northshire SALT." in response.content.decode()
    advice = Advice.objects.get(review=review)
    assert (advice.contributor, advice.name, advice.received_on, advice.summary) == (
        "salt",
        "Northshire SALT",
        date(2026, 11, 20),
        "Receptive language below age.",
    )
    assert advice.requested_on == date(2026, 9, 1)
    with advice.document.open("rb") as handle:
        assert handle.read() == PDF
    assert advice.document.name != report.document.name  # a copy, kept with the review
    event = AuditEvent.objects.get(action="ehcp.advice_from_report")
    assert event.pupil_public_id == world["ada"].public_id
    # Added once: the offer is gone, and a second try is refused with the reason.
    assert "Add as advice" not in response.content.decode()
    again = _add(client, school, review, report).content.decode()
    assert "This report is already advice for this review." in again
    assert Advice.objects.filter(review=review).count() == 1


def test_another_pupils_report_is_refused(client, school, sendco, world, documents):
    report = _report(school, sendco, world["referrals"]["Ben"])
    client.force_login(sendco)
    response = _add(client, school, world["review"], report)
    assert "That report is about another pupil." in response.content.decode()
    assert not Advice.objects.filter(review=world["review"]).exists()


def test_a_teacher_neither_sees_the_reports_nor_adds_one(
    client, school, sendco, teacher, world, documents
):
    report = _report(school, sendco, world["referrals"]["Ada"], summary="Family matters.")
    review = world["review"]
    client.force_login(teacher)
    page = client.get(reverse("ehcp:review", args=[school.slug, review.public_id]))
    assert page.status_code == 200
    assert "Family matters" not in page.content.decode()
    args = [school.slug, review.public_id, report.public_id]
    assert client.post(reverse("ehcp:advice_from_report", args=args)).status_code == 403
    assert not Advice.objects.filter(review=review).exists()


def test_a_finished_review_takes_no_report(client, school, sendco, world, documents):
    report = _report(school, sendco, world["referrals"]["Ada"])
    review = world["review"]
    held = date(2026, 11, 1)
    review.held_on, review.invitations_sent_on = held, held - timedelta(weeks=3)
    review.report_sent_on, review.la_decision, review.la_decision_on = held, "maintain", held
    review.recommendation, review.stage = "maintain", "decided"
    review.save()
    client.force_login(sendco)
    page = client.get(reverse("ehcp:review", args=[school.slug, review.public_id]))
    assert "Add as advice" not in page.content.decode()
    response = _add(client, school, review, report)
    assert not Advice.objects.filter(review=review).exists()
    assert response.status_code == 200


# --------------------------------------------------------------------------------------------------
# The same report as evidence in the support plan's open cycle (plans)
# --------------------------------------------------------------------------------------------------


def test_the_sendco_adds_a_report_to_the_plans_assessment_evidence(
    client, school, sendco, world, documents
):
    from plans.models import Cycle, SupportPlan

    ada = world["ada"]
    plan = SupportPlan.objects.create(school=school, pupil=ada, created_by=sendco)
    cycle = Cycle.objects.create(
        school=school, plan=plan, number=1, starts_on=date(2026, 9, 7), assessment="Teacher notes."
    )
    report = _report(school, sendco, world["referrals"]["Ada"])
    client.force_login(sendco)
    plan_url = reverse("plans:plan", args=[school.slug, ada.public_id])
    assert "Add to the evidence" in client.get(plan_url).content.decode()
    args = [school.slug, cycle.public_id, report.public_id]
    page = client.post(reverse("plans:evidence_from_report", args=args), follow=True)
    assert "The report from Northshire SALT is in the assessment evidence." in (
        page.content.decode()
    )
    cycle.refresh_from_db()
    assert cycle.assessment == (
        "Teacher notes.\n\nReport from Northshire SALT, received 20 November 2026: "
        "Receptive language below age."
    )
    assert AuditEvent.objects.filter(action="plans.evidence_from_report").count() == 1
    assert "Add to the evidence" not in page.content.decode()
    again = client.post(reverse("plans:evidence_from_report", args=args), follow=True)
    assert "This report is already in the assessment evidence." in again.content.decode()
    other = _report(school, sendco, world["referrals"]["Ben"])
    refused = client.post(
        reverse("plans:evidence_from_report", args=[school.slug, cycle.public_id, other.public_id]),
        follow=True,
    )
    assert "That report is about another pupil." in refused.content.decode()
