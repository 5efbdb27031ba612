"""EHC plan pages as each role meets them: the SENDCo records authorities, requests, plans and runs
annual reviews step by step; a class teacher reads their pupils' plans and adds advice; the head
reads everything and changes nothing; a TA and a governor get nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files import uploadhandler
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ehcp import selectors, services
from ehcp.models import (
    Advice,
    AnnualReview,
    AssessmentRequest,
    EhcPlan,
    LocalAuthority,
    OutcomeProgress,
    PlanOutcome,
    PlanVersion,
    ProvisionItem,
)
from provision import services as provision_services
from provision.models import Group, GroupPupil, Intervention
from staff import calendar as school_calendar
from staff.models import AuditEvent
from staff.tenancy import access_for
from tests.factories import member
from tests.register.factories import class_of, make_pupil, put_on

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OUTCOME = "Mina will take part in a conversation of five turns with a peer."
ATTENDEES = "Mrs Mine (mother)\nTom Teacher\nSam Sendco"


# --------------------------------------------------------------------------------------------------
# Fixtures and builders
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def year(school, today):
    start = school_calendar.academic_year_start_for(today)
    return school_calendar.create_default_year(school=school, academic_year_start=start)


@pytest.fixture
def pupils(school, year, teacher, ta):
    """Mina is in the teacher's and TA's class; Otto is in another class."""
    mina = make_pupil(school, legal_first_name="Mina", legal_last_name="Mine")
    otto = make_pupil(school, legal_first_name="Otto", legal_last_name="Other")
    put_on(mina, "E", date(2025, 1, 6), "SLCN")
    put_on(otto, "E", date(2025, 1, 6), "SEMH")
    class_of(school, "3T", teachers=[teacher], assistants=[ta], pupils=[mina], year=year)
    class_of(school, "3O", pupils=[otto], year=year)
    return {"mina": mina, "otto": otto}


@pytest.fixture(autouse=True)
def documents(settings, tmp_path, monkeypatch):
    """Documents stored under a temporary DOCUMENTS_ROOT, for every test here and before any
    advice is built (the field resolves its storage when the model is loaded, and a file field
    keeps the storage it had when its row was loaded, so it is given the storage the new
    settings describe first)."""
    root = tmp_path / "documents"
    settings.DOCUMENTS_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    monkeypatch.setattr(Advice._meta.get_field("document"), "storage", storages["documents"])
    return root


def _access(user, school):
    return access_for(user, school)


@pytest.fixture
def la(school, sendco):
    return services.authority_save(
        access=_access(sendco, school), name="Anyshire County Council", code="123"
    )


@pytest.fixture
def talk_group(school, year, ta, sendco, pupils, today):
    """A running group of the provision map with Mina in it, and six sessions logged: Mina came
    to four of them (4 x 30 minutes = 2 hours)."""
    talk = Intervention.objects.create(school=school, name="Talk Boost")
    group = Group.objects.create(
        school=school,
        intervention=talk,
        name="Talk Boost Y3",
        status="running",
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        sessions_per_week=3,
        session_minutes=30,
        days="0,2,4",
    )
    group.staff.add(ta)
    mina = pupils["mina"]
    GroupPupil.objects.create(school=school, group=group, pupil=mina, joined_on=year.starts_on)
    days = [
        d
        for d in school_calendar.school_days(school=school, start=year.starts_on, end=today)
        if d.weekday() in (0, 2, 4) and d < today
    ][:6]
    access = _access(sendco, school)
    for n, day in enumerate(days):
        provision_services.session_log(
            access=access,
            group=group,
            on=day,
            today=today,
            present={mina.pk} if n < 4 else set(),
            absence_reasons={} if n < 4 else {mina.pk: "absent"},
        )
    return group


def make_plan(school, sendco, pupil, la, today, *, outcomes=1, items=1, group=None) -> EhcPlan:
    access = _access(sendco, school)
    plan = services.plan_create(
        access=access,
        pupil=pupil,
        authority=la,
        issued_on=today - timedelta(days=300),
        today=today,
        section_a="Mina loves trains and wants to be a driver.",
        section_b="Speech, language and communication needs.",
    )
    version = plan.versions.get()
    made = [
        services.outcome_save(
            access=access,
            version=version,
            outcome=OUTCOME if n == 0 else f"Outcome number {n + 1}",
            interim_targets="Three turns by Easter.",
        )
        for n in range(outcomes)
    ]
    for n in range(items):
        services.provision_save(
            access=access,
            version=version,
            description=f"Small-group language work, item {n + 1}",
            hours_per_week="1.5",
            provider="Teaching assistant",
            outcome=made[0] if made else None,
            group=group,
        )
    return plan


def schedule(school, sendco, plan, today, *, days=-7) -> AnnualReview:
    return services.review_schedule(
        access=_access(sendco, school),
        plan=plan,
        meeting_on=today + timedelta(days=days),
        today=today,
        place="Room 4",
    )


@pytest.fixture
def plan(school, sendco, pupils, la, today, talk_group):
    return make_plan(school, sendco, pupils["mina"], la, today, group=talk_group)


@pytest.fixture
def review(school, sendco, plan, today):
    return schedule(school, sendco, plan, today, days=21)


@pytest.fixture
def other_plan(school, sendco, pupils, la, today):
    return make_plan(school, sendco, pupils["otto"], la, today)


def _url(name, school, *args):
    return reverse(f"ehcp:{name}", args=[school.slug, *args])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------
# The whole journey through the pages
# --------------------------------------------------------------------------------------------------


def test_full_journey_from_authority_to_the_amended_plan(
    client, school, sendco, pupils, talk_group, today, documents
):
    mina = pupils["mina"]
    client.force_login(sendco)

    # An authority, with the statutory minimums as its lead times.
    form = _page(client.get(_url("authority_new", school)))
    assert "At least 2 weeks' notice (reg. 20)." in form
    response = client.post(
        _url("authority_new", school),
        {
            "name": "Anyshire County Council",
            "code": "123",
            "advice_request_weeks": "6",
            "invitation_weeks": "2",
            "circulate_weeks": "2",
            "report_days": "14",
            "decision_weeks": "4",
            "amended_plan_weeks": "8",
            "under_five_months": "6",
        },
    )
    assert response.status_code == 302
    la = LocalAuthority.objects.get(school=school)
    response = client.post(
        _url("contact_new", school, la.pk), {"name": "Cara Case", "role": "SEN caseworker"}
    )
    assert response.status_code == 302
    assert "Cara Case" in _page(client.get(_url("authorities", school)))

    # No plan yet: the page says so and offers to record one.
    page = _page(client.get(_url("plan", school, mina.public_id)))
    assert "has no EHC plan recorded" in page
    assert "Record an EHC plan" in page

    response = client.post(
        _url("plan_new", school, mina.public_id),
        {
            "authority": la.pk,
            "issued_on": (today - timedelta(days=300)).isoformat(),
            "section_a": "Mina loves trains.",
            "section_b": "Speech, language and communication needs.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    plan = EhcPlan.objects.get(pupil=mina)
    response = client.post(
        _url("outcome_new", school, mina.public_id),
        {"area": "ci", "outcome": OUTCOME, "interim_targets": "Three turns by Easter."},
    )
    assert response.status_code == 302, response.context["form"].errors
    outcome = PlanOutcome.objects.get(version__plan=plan)
    response = client.post(
        _url("provision_new", school, mina.public_id),
        {
            "description": "Talk Boost in a small group",
            "hours_per_week": "1.5",
            "provider": "Teaching assistant",
            "outcome": outcome.pk,
            "group": talk_group.pk,
        },
    )
    assert response.status_code == 302
    page = _page(client.get(_url("plan", school, mina.public_id)))
    assert OUTCOME in page
    assert "Section F delivery" in page
    assert '<td class="text-end">2.0</td>' in page  # four sessions of 30 minutes attended

    # Schedule the review: the form suggests the latest meeting date.
    form = _page(client.get(_url("review_new", school, mina.public_id)))
    assert "Hold it by" in form
    meeting = today - timedelta(days=7)
    response = client.post(
        _url("review_new", school, mina.public_id),
        {"meeting_on": meeting.isoformat(), "place": "Room 4"},
    )
    assert response.status_code == 302
    review = AnnualReview.objects.get(plan=plan)

    # Advice: requested, then received with a PDF.
    response = client.post(
        _url("advice_request", school, review.public_id),
        {
            "contributor": "salt",
            "name": "Dr Patel",
            "requested_on": (today - timedelta(days=42)).isoformat(),
        },
    )
    assert response.status_code == 302
    advice = Advice.objects.get(review=review)
    response = client.post(
        _url("advice_receive", school, advice.public_id),
        {
            "received_on": (today - timedelta(days=30)).isoformat(),
            "summary": "Good progress with turn-taking.",
            "document": SimpleUploadedFile("salt-report.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    advice.refresh_from_db()
    assert advice.document_type == "application/pdf"
    assert advice.document_name == "salt-report.pdf"

    def step(name, on, **data):
        return client.post(
            _url("step", school, review.public_id, name), {"on": on.isoformat(), **data}
        )

    assert step("invited", today - timedelta(days=35)).status_code == 302
    assert step("circulated", today - timedelta(days=21)).status_code == 302
    response = step(
        "held",
        meeting,
        attendees=ATTENDEES,
        pupil_views="I like Talk Boost.",
        parent_views="She talks more at home.",
        recommendation="amend",
        amendments="Add a social communication outcome.",
        disagreement="",
        **{f"rating_{outcome.pk}": "on_track", f"evidence_{outcome.pk}": "Four turns observed."},
    )
    assert response.status_code == 302
    assert step("reported", today - timedelta(days=3)).status_code == 302
    response = step("decided", today - timedelta(days=1), decision="amend")
    assert response.status_code == 302
    assert "final amended plan is due" in _messages(response)[-1]

    page = _page(client.get(_url("review", school, review.public_id)))
    assert "Record the final amended plan" in page
    assert "salt-report.pdf" in page
    assert "On track" in page

    response = step("amended", today)
    assert response.status_code == 302
    assert response["Location"] == _url("plan", school, mina.public_id)

    review.refresh_from_db()
    assert review.stage == AnnualReview.Stage.AMENDED
    assert review.attendees == ATTENDEES
    progress = OutcomeProgress.objects.get(review=review)
    assert (progress.rating, progress.evidence) == ("on_track", "Four turns observed.")
    versions = list(plan.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    first, second = versions
    assert first.section_a == "Mina loves trains."
    assert list(first.outcomes.values_list("outcome", flat=True)) == [OUTCOME]
    assert second.kind == PlanVersion.Kind.AMENDED
    assert second.outcomes.count() == 1
    assert second.provision.get().group == talk_group

    # Version 2 is edited; version 1 stays readable as it was, clearly marked.
    response = client.post(
        _url("outcome_edit", school, second.outcomes.get().pk),
        {"area": "ci", "outcome": "A new outcome after the review.", "interim_targets": ""},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.outcomes.get().outcome == OUTCOME
    old = _page(client.get(_url("plan", school, mina.public_id) + "?version=1"))
    assert "was replaced by version 2: read only" in old
    assert OUTCOME in old
    assert "Edit the sections" not in old
    current = _page(client.get(_url("plan", school, mina.public_id)))
    assert "A new outcome after the review." in current
    assert "Version 2 (current)" in current

    # An old version's outcome cannot be changed through its page either.
    response = client.post(
        _url("outcome_edit", school, first.outcomes.get().pk),
        {"area": "ci", "outcome": "Rewriting history", "interim_targets": ""},
    )
    assert response.status_code == 302
    assert "earlier versions are kept as they were" in _messages(response)[-1]
    assert first.outcomes.get().outcome == OUTCOME


# --------------------------------------------------------------------------------------------------
# Each role on each kind of page
# --------------------------------------------------------------------------------------------------


def test_teacher_sees_their_pupils_plan_and_review_and_adds_advice(
    client, school, teacher, pupils, plan, review, other_plan, documents
):
    client.force_login(teacher)
    mina = pupils["mina"]
    page = _page(client.get(_url("plan", school, mina.public_id)))
    assert OUTCOME in page
    assert "Add your advice to the review" in page
    assert "Edit the sections" not in page
    assert "Schedule the annual review" not in page
    review_page = _page(client.get(_url("review", school, review.public_id)))
    assert "Add your advice" in review_page
    assert "Record the invitations sent" not in review_page
    assert "Move the meeting" not in review_page
    assert "Review pack" not in review_page

    response = client.post(
        _url("advice_submit", school, review.public_id),
        {
            "summary": "Mina now answers questions in class.",
            "document": SimpleUploadedFile("my-notes.docx", _docx()),
        },
    )
    assert response.status_code == 302
    assert "your advice is added" in _messages(response)[-1]
    advice = Advice.objects.get(review=review)
    assert advice.contributor == Advice.Contributor.CLASS_TEACHER
    assert advice.submitted_by == teacher
    assert advice.document_type.endswith("wordprocessingml.document")
    # The teacher who gave it may open their own document.
    assert "my-notes.docx" in _page(client.get(_url("review", school, review.public_id)))
    response = client.get(_url("document", school, advice.public_id))
    assert response.status_code == 200

    # Another class's pupil does not exist for them; the SENDCo's pages are closed.
    otto = pupils["otto"]
    other_review = schedule(school, _sendco(school), other_plan, timezone.localdate(), days=30)
    assert client.get(_url("plan", school, otto.public_id)).status_code == 404
    assert client.get(_url("review", school, other_review.public_id)).status_code == 404
    assert client.get(_url("advice_submit", school, other_review.public_id)).status_code == 404
    for name in ("tracker", "authorities", "requests"):
        assert client.get(_url(name, school)).status_code == 403
    assert client.get(_url("review_new", school, mina.public_id)).status_code == 403
    assert client.post(_url("step", school, review.public_id, "invited")).status_code == 403


def _sendco(school):
    return school.memberships.get(role="sendco").user


def test_head_reads_everything_and_changes_nothing(
    client, school, head, pupils, plan, review, other_plan, la, today
):
    client.force_login(head)
    mina, otto = pupils["mina"], pupils["otto"]
    for url in (
        _url("tracker", school),
        _url("authorities", school),
        _url("requests", school),
        _url("plan", school, mina.public_id),
        _url("plan", school, otto.public_id),
        _url("review", school, review.public_id),
    ):
        page = _page(client.get(url))
        assert _url("review_new", school, mina.public_id) not in page
        for button in (
            "Edit the sections",
            "Record the invitations sent",
            "Add a local authority",
            "Add your advice",
            "Move the meeting",
            "Mark as received",
        ):
            assert button not in page, (url, button)
    assert "Review pack (PDF)" in _page(client.get(_url("review", school, review.public_id)))
    posts = [
        (_url("authority_new", school), {"name": "Other LA"}),
        (_url("plan_new", school, otto.public_id), {}),
        (_url("amend", school, mina.public_id), {"issued_on": today.isoformat()}),
        (_url("step", school, review.public_id, "invited"), {"on": today.isoformat()}),
        (_url("advice_request", school, review.public_id), {"contributor": "ep"}),
        (_url("advice_submit", school, review.public_id), {"summary": "Hello"}),
        (_url("reschedule", school, review.public_id), {"meeting_on": today.isoformat()}),
        (_url("plan_end", school, mina.public_id), {"status": "ceased"}),
        (_url("request_new", school, otto.public_id), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert AnnualReview.objects.get(pk=review.pk).invitations_sent_on is None


@pytest.mark.parametrize("role", ["ta", "governor"])
def test_teaching_assistants_and_governors_get_nothing(
    client, school, pupils, plan, review, role, request
):
    client.force_login(request.getfixturevalue(role))
    mina = pupils["mina"]
    for url in (
        _url("tracker", school),
        _url("authorities", school),
        _url("requests", school),
        _url("plan", school, mina.public_id),
        _url("review", school, review.public_id),
        _url("advice_submit", school, review.public_id),
    ):
        assert client.get(url).status_code == 403, url


def test_trust_lead_runs_reviews_like_the_sendco(client, school, trust_lead, pupils, plan, today):
    client.force_login(trust_lead)
    mina = pupils["mina"]
    assert "Schedule the annual review" in _page(client.get(_url("plan", school, mina.public_id)))
    response = client.post(
        _url("review_new", school, mina.public_id),
        {"meeting_on": (today + timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 302
    assert AnnualReview.objects.filter(plan=plan).count() == 1


def test_another_schools_sendco_finds_nothing(client, school, other_school, pupils, plan, review):
    outsider = member(other_school, "sendco", email="sendco@beech.test")
    client.force_login(outsider)
    assert client.get(_url("tracker", school)).status_code == 404
    assert client.get(_url("plan", school, pupils["mina"].public_id)).status_code == 404
    assert client.get(_url("review", school, review.public_id)).status_code == 404


def test_plan_page_is_audited(client, school, teacher, pupils, plan):
    client.force_login(teacher)
    client.get(_url("plan", school, pupils["mina"].public_id))
    event = AuditEvent.objects.filter(action="ehcp.plan_viewed").get()
    assert event.pupil_public_id == pupils["mina"].public_id
    assert event.actor == teacher
    assert event.detail == {"version": 1}


def test_pupil_page_and_navigation_link_to_ehc_plans(client, school, sendco, teacher, pupils):
    client.force_login(sendco)
    page = _page(
        client.get(reverse("register:pupil", args=[school.slug, pupils["mina"].public_id]))
    )
    assert _url("plan", school, pupils["mina"].public_id) in page
    assert f'href="{_url("tracker", school)}">Review tracker' in page
    client.force_login(teacher)
    page = _page(
        client.get(reverse("register:pupil", args=[school.slug, pupils["mina"].public_id]))
    )
    assert ">EHC plan</a>" in page
    assert f'href="{_url("tracker", school)}"' not in page


# --------------------------------------------------------------------------------------------------
# Steps refused, with the message shown and nothing lost
# --------------------------------------------------------------------------------------------------


STEP_CASES = [
    # (step, days from today, extra data, setup, message)
    ("held", -1, {"recommendation": "maintain"}, None, "Record the invitations first"),
    ("held", -1, {}, "invited", "Record the meeting&#x27;s recommendation"),
    ("reported", -1, {}, None, "Record the meeting before sending its report."),
    ("decided", -1, {"decision": "amend"}, None, "Send the report to the LA before recording"),
    ("amended", -1, {}, None, "An amended plan follows only an LA decision to amend."),
    ("circulated", -1, {}, None, "Request advice from at least one contributor"),
    ("invited", 3, {}, None, "A step cannot be recorded before it happens."),
    ("invited", -1, {}, "invited", "Invitations were already sent on"),
]


@pytest.mark.parametrize(("step", "days", "extra", "setup", "message"), STEP_CASES)
def test_a_step_out_of_order_is_refused_with_its_message_and_what_was_typed(
    client, school, sendco, plan, today, step, days, extra, setup, message
):
    review = schedule(school, sendco, plan, today, days=14)
    if setup == "invited":
        services.review_step(
            access=_access(sendco, school),
            review=review,
            step="invited",
            on=today - timedelta(days=2),
            today=today,
        )
    client.force_login(sendco)
    data = {"on": (today + timedelta(days=days)).isoformat(), **extra}
    if step == "held":
        data.update({"attendees": ATTENDEES, "pupil_views": "Typed views stay here."})
    response = client.post(_url("step", school, review.public_id, step), data)
    page = _page(response)
    assert message in page
    assert "There is a problem" in page
    if step == "held":
        assert "Typed views stay here." in page
        assert "Mrs Mine (mother)" in page
    before = AnnualReview.objects.get(pk=review.pk)
    assert before.held_on is None
    assert before.report_sent_on is None


def test_a_step_needs_its_date_and_an_unknown_step_is_not_found(
    client, school, sendco, plan, review
):
    client.force_login(sendco)
    page = _page(client.post(_url("step", school, review.public_id, "invited"), {"on": ""}))
    assert "Give the date." in page
    assert client.get(_url("step", school, review.public_id, "advice_requested")).status_code == 404
    assert client.get(_url("step", school, review.public_id, "bogus")).status_code == 404
    form = _page(client.get(_url("step", school, review.public_id, "held")))
    assert "<legend" in form
    assert "Progress towards outcome 1" in form


def test_evidence_without_a_rating_is_refused(client, school, sendco, plan, today):
    review = schedule(school, sendco, plan, today, days=-3)
    services.review_step(
        access=_access(sendco, school),
        review=review,
        step="invited",
        on=today - timedelta(days=20),
        today=today,
    )
    outcome = plan.versions.get().outcomes.get()
    client.force_login(sendco)
    response = client.post(
        _url("step", school, review.public_id, "held"),
        {
            "on": (today - timedelta(days=3)).isoformat(),
            "recommendation": "maintain",
            f"evidence_{outcome.pk}": "Seen in class.",
        },
    )
    page = _page(response)
    assert "Choose the progress towards outcome 1 for its evidence." in page
    assert AnnualReview.objects.get(pk=review.pk).held_on is None


def test_a_finished_review_takes_no_more_steps(client, school, sendco, plan, today):
    review = schedule(school, sendco, plan, today, days=-20)
    access = _access(sendco, school)
    for step, days, extra in (
        ("invited", -40, {}),
        ("held", -20, {"recommendation": "maintain"}),
        ("reported", -15, {}),
        ("decided", -5, {"decision": "maintain"}),
    ):
        services.review_step(
            access=access,
            review=review,
            step=step,
            on=today + timedelta(days=days),
            today=today,
            **extra,
        )
    client.force_login(sendco)
    page = _page(client.get(_url("review", school, review.public_id)))
    assert "Finished: read only" in page
    assert "Record the" not in page
    response = client.get(_url("step", school, review.public_id, "amended"))
    assert response.status_code == 302
    assert "This review is finished" in _messages(response)[-1]
    # The plan page now offers the next review.
    assert "Schedule the annual review" in _page(
        client.get(_url("plan", school, plan.pupil.public_id))
    )


def test_rescheduling_shows_the_notice_warning(client, school, sendco, plan, today):
    review = schedule(school, sendco, plan, today, days=30)
    services.review_step(
        access=_access(sendco, school), review=review, step="invited", on=today, today=today
    )
    client.force_login(sendco)
    response = client.post(
        _url("reschedule", school, review.public_id),
        {"meeting_on": (today + timedelta(days=7)).isoformat(), "place": "Hall"},
    )
    assert response.status_code == 302
    shown = _messages(response)
    assert any("less than 2 weeks before" in m for m in shown)
    review.refresh_from_db()
    assert review.meeting_on == today + timedelta(days=7)
    assert review.meeting_place == "Hall"
    page = _page(client.get(_url("review", school, review.public_id)))
    assert "less than 2 weeks before" in page  # the review's own warnings
    response = client.post(
        _url("reschedule", school, review.public_id),
        {"meeting_on": (today - timedelta(days=3)).isoformat(), "place": "Hall"},
    )
    assert "The meeting cannot be before the invitations were sent." in _page(response)


def test_the_plan_ends(client, school, sendco, pupils, plan, today):
    client.force_login(sendco)
    mina = pupils["mina"]
    page = _page(
        client.post(_url("plan_end", school, mina.public_id), {"status": "ceased", "on": ""})
    )
    assert "Give the date the plan ended." in page
    response = client.post(
        _url("plan_end", school, mina.public_id),
        {"status": "ceased", "on": today.isoformat()},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == EhcPlan.Status.CEASED
    page = _page(client.get(_url("plan", school, mina.public_id)))
    assert "it is kept read only" in page
    assert "Edit the sections" not in page
    assert "Record a new EHC plan" in page
    response = client.get(_url("version_edit", school, mina.public_id))
    assert response.status_code == 302


def test_the_sections_of_the_current_version_are_edited(client, school, sendco, pupils, plan):
    client.force_login(sendco)
    mina = pupils["mina"]
    form = _page(client.get(_url("version_edit", school, mina.public_id)))
    assert "Applies from Year 9" in form
    version = plan.versions.get()
    response = client.post(
        _url("version_edit", school, mina.public_id),
        {
            "issued_on": version.issued_on.isoformat(),
            "section_a": "Mina loves buses now.",
            "section_i": "Acorn Primary",
            "top_up_per_year": "-5",
        },
    )
    assert "Ensure this value is greater than or equal to 0." in _page(response)
    response = client.post(
        _url("version_edit", school, mina.public_id),
        {
            "issued_on": version.issued_on.isoformat(),
            "section_a": "Mina loves buses now.",
            "section_i": "Acorn Primary",
            "top_up_per_year": "6000",
        },
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.section_a == "Mina loves buses now."
    page = _page(client.get(_url("plan", school, mina.public_id)))
    assert "£6,000.00 a year" in page or "£6000.00 a year" in page


def test_preparing_for_adulthood_shows_from_year_9(client, school, sendco, la, today, year):
    older = make_pupil(school, year_group="9", date_of_birth=date(2012, 3, 1))
    make_plan(school, sendco, older, la, today, outcomes=0, items=0)
    client.force_login(sendco)
    page = _page(client.get(_url("plan", school, older.public_id)))
    assert "Preparing for adulthood" in page


def test_amend_needs_a_date_not_before_the_current_version(client, school, sendco, pupils, plan):
    client.force_login(sendco)
    mina = pupils["mina"]
    version = plan.versions.get()
    response = client.post(
        _url("amend", school, mina.public_id),
        {"issued_on": (version.issued_on - timedelta(days=1)).isoformat(), "kind": "amended"},
    )
    assert "cannot predate version 1" in _page(response)
    assert plan.versions.count() == 1


def test_provision_form_offers_only_this_schools_groups(
    client, school, other_school, sendco, pupils, plan
):
    foreign = Group.objects.create(
        school=other_school,
        intervention=Intervention.objects.create(school=other_school, name="Elsewhere"),
        name="Not ours",
        status="running",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 7, 1),
        sessions_per_week=1,
        session_minutes=30,
    )
    client.force_login(sendco)
    response = client.post(
        _url("provision_new", school, pupils["mina"].public_id),
        {"description": "Forged group", "hours_per_week": "1", "group": foreign.pk},
    )
    assert "Choose a group of this school." in _page(response)
    assert ProvisionItem.objects.filter(description="Forged group").count() == 0


# --------------------------------------------------------------------------------------------------
# Advice documents: checked on upload, served only to those who may read them
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def advice(school, sendco, review, today):
    return services.advice_request(
        access=_access(sendco, school),
        review=review,
        contributor="ep",
        name="Dr Ellis",
        requested_on=today - timedelta(days=5),
        today=today,
    )


def test_a_bad_document_is_refused_with_a_message(client, school, sendco, advice, today, documents):
    client.force_login(sendco)
    response = client.post(
        _url("advice_receive", school, advice.public_id),
        {
            "received_on": today.isoformat(),
            "summary": "The EP's summary stays typed.",
            "document": SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100),
        },
    )
    page = _page(response)
    assert "This file is not a PDF, a Word document (.docx), or a PNG or JPEG picture" in page
    assert "The EP&#x27;s summary stays typed." in page
    advice.refresh_from_db()
    assert advice.received_on is None
    assert not advice.document
    assert not any(documents.rglob("*.*")) if documents.exists() else True


def test_document_download_permissions_and_audit(
    client, school, sendco, head, teacher, ta, advice, pupils, today, documents
):
    services.advice_receive(
        access=_access(sendco, school),
        advice=advice,
        received_on=today,
        today=today,
        summary="EP report",
        document=SimpleUploadedFile("ep-report.pdf", PDF),
        document_type="application/pdf",
    )
    url = _url("document", school, advice.public_id)
    client.force_login(sendco)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == PDF

    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="ep-report.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="ehcp.document_downloaded")
    assert event.pupil_public_id == pupils["mina"].public_id
    assert event.actor == sendco

    client.force_login(head)
    response = client.get(url)
    assert response.status_code == 200

    client.force_login(teacher)  # teaches Mina, but did not give this advice
    assert client.get(url).status_code == 403
    assert "ep-report.pdf" not in _page(client.get(_url("review", school, advice.review.public_id)))
    client.force_login(ta)
    assert client.get(url).status_code == 403
    outsider = member(school, "teacher", email="other-teacher@acorn.test")
    client.force_login(outsider)  # teaches no class of Mina's
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="ehcp.document_downloaded").count() == 2


def test_advice_without_a_document_has_nothing_to_download(client, school, sendco, advice):
    client.force_login(sendco)
    assert client.get(_url("document", school, advice.public_id)).status_code == 404


def test_advice_cannot_be_added_once_the_meeting_is_held(
    client, school, sendco, teacher, plan, today
):
    review = schedule(school, sendco, plan, today, days=-2)
    access = _access(sendco, school)
    services.review_step(
        access=access, review=review, step="invited", on=today - timedelta(days=20), today=today
    )
    services.review_step(
        access=access,
        review=review,
        step="held",
        on=today - timedelta(days=2),
        today=today,
        recommendation="maintain",
    )
    client.force_login(teacher)
    assert "Add your advice" not in _page(client.get(_url("review", school, review.public_id)))
    response = client.post(_url("advice_submit", school, review.public_id), {"summary": "Late"})
    assert response.status_code == 302
    assert "too late" in _messages(response)[-1]
    assert not Advice.objects.filter(review=review).exists()


def test_advice_request_form_errors_keep_what_was_typed(client, school, sendco, review, today):
    client.force_login(sendco)
    response = client.post(
        _url("advice_request", school, review.public_id),
        {"contributor": "ep", "name": "North EP Service", "requested_on": ""},
    )
    page = _page(response)
    assert "Give the date the advice was requested." in page
    assert "North EP Service" in page
    response = client.post(
        _url("advice_request", school, review.public_id),
        {
            "contributor": "ep",
            "name": "North EP Service",
            "requested_on": (today + timedelta(days=2)).isoformat(),
        },
    )
    assert "This date is still to come." in _page(response)
    assert not Advice.objects.exists()


# --------------------------------------------------------------------------------------------------
# Query counts: the same at two sizes
# --------------------------------------------------------------------------------------------------

# Session, user, school, membership, savepoints and the audit event are part of every count; the
# rest is the page's own reads. The header's school list is kept between changes
# (staff/switcher_cache.py): no query on these pages, each measured after a first.
TRACKER_QUERIES = 11
# The plan page asks whether the pupil is looked after (sendco/alignment.py) and reads their layer
# of support: a query each. Its versions and reviews are read onto the plan already read, and
# the school's days once for section F (7 December 2026: 24 before).
PLAN_QUERIES = 20
# The review page shows the newest views given by parents and the pupil (issue 19): one query;
# and, to the SENDCo, the reports from outside agencies to add as advice (issue 20): one more.
# Its plan's versions and reviews are read onto the review's plan, and the school's days once
# (24 before).
REVIEW_QUERIES = 21


def _plans(school, sendco, la, today, group, n, *, with_review):
    plans = []
    for _ in range(n):
        plan = make_plan(school, sendco, make_pupil(school), la, today, group=group)
        if with_review:
            schedule(school, sendco, plan, today, days=10)
        plans.append(plan)
    return plans


@pytest.mark.parametrize("size", [2, 10])
def test_tracker_query_count_does_not_grow_with_plans(
    client, school, sendco, la, today, talk_group, size, django_assert_num_queries
):
    plans = _plans(school, sendco, la, today, talk_group, size, with_review=False)
    for plan in plans[: size // 2]:
        schedule(school, sendco, plan, today, days=10)
    client.force_login(sendco)
    client.get(_url("tracker", school))
    with django_assert_num_queries(TRACKER_QUERIES):
        page = _page(client.get(_url("tracker", school)))
    assert page.count("Talk") == 0  # the tracker names pupils, not provision
    assert f'<strong class="fs-4">{size}</strong> active plan' in page
    # The school's order worked out again after a write (staff/deadline_cache.py): every active
    # plan's clock, three queries more (the plans, their versions, their reviews); and the
    # header's school list, dropped with the rest of the cache: one more.
    cache.clear()
    with django_assert_num_queries(TRACKER_QUERIES + 3 + 1):
        assert page.count("active plan") == _page(client.get(_url("tracker", school))).count(
            "active plan"
        )


@pytest.mark.parametrize("size", [1, 5])
def test_plan_page_query_count_does_not_grow_with_outcomes_and_items(
    client, school, sendco, la, today, talk_group, size, django_assert_num_queries
):
    pupil = make_pupil(school)
    make_plan(school, sendco, pupil, la, today, outcomes=size, items=size, group=talk_group)
    client.force_login(sendco)
    client.get(_url("plan", school, pupil.public_id))
    with django_assert_num_queries(PLAN_QUERIES):
        page = _page(client.get(_url("plan", school, pupil.public_id)))
    assert page.count('Edit<span class="visually-hidden"> outcome') == size


@pytest.mark.parametrize("size", [1, 5])
def test_review_page_query_count_does_not_grow_with_advice_and_outcomes(
    client, school, sendco, la, today, talk_group, size, django_assert_num_queries
):
    pupil = make_pupil(school)
    plan = make_plan(school, sendco, pupil, la, today, outcomes=size, items=size, group=talk_group)
    review = schedule(school, sendco, plan, today, days=20)
    access = _access(sendco, school)
    for contributor in ("ep", "salt", "ot", "health", "parents")[:size]:
        advice = services.advice_request(
            access=access, review=review, contributor=contributor, requested_on=today, today=today
        )
        services.advice_receive(
            access=access,
            advice=advice,
            received_on=today,
            today=today,
            summary="Report",
            document=SimpleUploadedFile("report.pdf", PDF),
            document_type="application/pdf",
        )
    client.force_login(sendco)
    client.get(_url("review", school, review.public_id))
    with django_assert_num_queries(REVIEW_QUERIES):
        page = _page(client.get(_url("review", school, review.public_id)))
    assert page.count("report.pdf</a>") == size


# --------------------------------------------------------------------------------------------------
# The tracker, authorities and requests
# --------------------------------------------------------------------------------------------------


def test_tracker_lists_overdue_first_by_month_with_a_filter_by_authority(
    client, school, sendco, pupils, la, today, year
):
    other_la = services.authority_save(access=_access(sendco, school), name="Otherby Council")
    # Mina's plan is 13 months old with no review: overdue. Otto's was issued a month ago.
    late = make_plan(school, sendco, pupils["mina"], la, today, outcomes=0, items=0)
    late.versions.update(issued_on=today - timedelta(days=400))
    recent = make_plan(school, sendco, pupils["otto"], other_la, today, outcomes=0, items=0)
    recent.versions.update(issued_on=today - timedelta(days=30))
    year6 = make_pupil(school, legal_first_name="Sia", legal_last_name="Six", year_group="6")
    make_plan(school, sendco, year6, la, today, outcomes=0, items=0)

    client.force_login(sendco)
    page = _page(client.get(_url("tracker", school)))
    # Mina's review is overdue: it comes first, before the months.
    assert page.index(">Overdue <span") < page.index("Mine, Mina") < page.index("Due in ")
    assert page.index("Due in ") < page.index("Other, Otto")
    assert "Phase transfer" in page  # Year 6 moves to secondary school
    assert "Due in " in page
    assert _url("authorities", school) in page
    assert _url("requests", school) in page

    filtered = _page(client.get(_url("tracker", school) + f"?la={other_la.pk}"))
    assert "Other, Otto" in filtered
    assert "Mine, Mina" not in filtered
    junk = _page(client.get(_url("tracker", school) + "?la=nonsense"))
    assert "Mine, Mina" in junk
    assert "Other, Otto" in junk


def test_tracker_pages_keep_the_order_the_sections_and_the_filter(
    client, school, sendco, pupils, la, today, year, monkeypatch
):
    monkeypatch.setattr(selectors, "TRACKER_PAGE_SIZE", 2)
    late = make_plan(school, sendco, pupils["mina"], la, today, outcomes=0, items=0)
    late.versions.update(issued_on=today - timedelta(days=400))
    for pupil, days in ((pupils["otto"], 30), (make_pupil(school, legal_first_name="Sia"), 60)):
        plan = make_plan(school, sendco, pupil, la, today, outcomes=0, items=0)
        plan.versions.update(issued_on=today - timedelta(days=days))
    client.force_login(sendco)
    first = _page(client.get(_url("tracker", school)))
    assert first.index(">Overdue <span") < first.index("Mine, Mina")
    assert '<strong class="fs-4">3</strong> active plans' in first  # counted over every page
    assert "Page 1 of 2" in first
    assert f"?la={la.pk}&amp;page=2" in _page(client.get(_url("tracker", school), {"la": la.pk}))
    second = _page(client.get(_url("tracker", school), {"page": 2}))
    assert "Mine, Mina" not in second
    assert ">Overdue <span" not in second
    assert "Due in " in second


def test_tracker_empty_state(client, school, sendco):
    client.force_login(sendco)
    page = _page(client.get(_url("tracker", school)))
    assert "No active EHC plan is recorded" in page
    assert _url("authority_new", school) in page


def test_authority_name_must_be_unique_and_lead_times_within_the_law(client, school, sendco, la):
    client.force_login(sendco)
    data = {
        "name": "anyshire county council",
        "advice_request_weeks": "6",
        "invitation_weeks": "1",
        "circulate_weeks": "2",
        "report_days": "14",
        "decision_weeks": "4",
        "amended_plan_weeks": "8",
        "under_five_months": "6",
    }
    page = _page(client.post(_url("authority_new", school), data))
    assert "There is already a local authority called anyshire county council." in page
    assert "Ensure this value is greater than or equal to 2." in page
    assert LocalAuthority.objects.count() == 1
    page = _page(client.get(_url("authority_edit", school, la.pk)))
    assert "Add a contact" in page
    response = client.post(
        _url("authority_edit", school, la.pk), {**data, "name": la.name, "invitation_weeks": "3"}
    )
    assert response.status_code == 302
    la.refresh_from_db()
    assert la.invitation_weeks == 3


def test_needs_assessment_request_and_its_clock(client, school, sendco, head, pupils, la, today):
    client.force_login(sendco)
    otto = pupils["otto"]
    received = today - timedelta(weeks=7)
    form = _page(client.get(_url("request_new", school, otto.public_id)))
    assert "decision within 6 weeks" in form
    response = client.post(
        _url("request_new", school, otto.public_id),
        {
            "authority": la.pk,
            "requested_by": "school",
            "received_on": (today + timedelta(days=3)).isoformat(),
        },
    )
    assert "This date is still to come." in _page(response)
    response = client.post(
        _url("request_new", school, otto.public_id),
        {"authority": la.pk, "requested_by": "school", "received_on": received.isoformat()},
    )
    assert response.status_code == 302
    found = AssessmentRequest.objects.get()
    # Six weeks have passed without a decision: overdue.
    page = _page(client.get(_url("requests", school)))
    assert "Other, Otto" in page
    assert "Overdue" in page
    detail = _page(client.get(_url("request", school, found.public_id)))
    assert (received + timedelta(weeks=6)).strftime("%d/%m/%Y") in detail
    assert (received + timedelta(weeks=20)).strftime("%d/%m/%Y") in detail

    answers = {
        "authority": la.pk,
        "requested_by": "school",
        "received_on": received.isoformat(),
        "decision": "assess",
        "decision_on": "",
        "outcome": "pending",
    }
    page = _page(client.post(_url("request_edit", school, found.public_id), answers))
    assert "Give the decision and the date of the LA&#x27;s letter together." in page
    answers["decision_on"] = (received + timedelta(weeks=5)).isoformat()
    response = client.post(_url("request_edit", school, found.public_id), answers)
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.decision == "assess"
    assert "Overdue" not in _page(client.get(_url("request", school, found.public_id)))

    client.force_login(head)
    assert client.get(_url("request", school, found.public_id)).status_code == 200
    assert client.get(_url("request_edit", school, found.public_id)).status_code == 403


def test_tracker_due_soon_is_the_engines_14_days(client, school, sendco, la):
    """The tracker used its own 4 weeks; "due soon" is now staff.deadlines.is_due_soon (14 days),
    as on the home timeline. Plans with no review: the next step is to meet 4 weeks (the LA's
    decision time) before the 12-month window closes."""
    on = date(2026, 3, 10)
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        for name, meet_by in (
            ("Soon", on + timedelta(days=10)),
            ("Later", on + timedelta(days=20)),
        ):
            pupil = make_pupil(school, legal_first_name=name, year_group="4")
            plan = make_plan(school, sendco, pupil, la, on, outcomes=0, items=0)
            # 12 months after the issue, less the LA's 4 weeks to decide, is `meet_by`.
            plan.versions.update(
                issued_on=date(2025, meet_by.month, meet_by.day) + timedelta(weeks=4)
            )
        client.force_login(sendco)
        page = _page(client.get(_url("tracker", school)))
    assert '<strong class="fs-4">1</strong> due in the next 14 days' in page
    assert page.count("Due soon</span>") == 1


def test_step_page_gives_the_las_own_timescale(client, school, sendco, la, review):
    la.decision_weeks, la.amended_plan_weeks = 3, 6
    la.save()
    client.force_login(sendco)
    decided = _page(client.get(_url("step", school, review.public_id, "decided")))
    assert "The LA decides within 3 weeks of the meeting" in decided
    amended = _page(client.get(_url("step", school, review.public_id, "amended")))
    assert "The final amended plan is due within 6 weeks of the LA&#x27;s notice" in amended


# --------------------------------------------------------------------------------------------------
# A file over the limit is refused as it arrives, never written to disk (staff/uploads.py)
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def temporary_files(monkeypatch, settings, tmp_path):
    """Every temporary file an upload opens, in a folder of its own."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    opened = []

    class Recorded(uploadhandler.TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self.temporary_file_path())

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", Recorded)
    return opened


def test_a_file_over_the_limit_is_refused_before_it_is_written(
    client, school, sendco, advice, today, documents, temporary_files
):
    client.force_login(sendco)
    big = PDF + b"\x00" * (11 * 1024 * 1024)
    response = client.post(
        _url("advice_receive", school, advice.public_id),
        {
            "received_on": today.isoformat(),
            "summary": "The EP's summary stays typed.",
            "document": SimpleUploadedFile("scan.pdf", big, content_type="application/pdf"),
        },
    )
    page = _page(response)
    assert "The file is larger than 10 MB (it is 11 MB)" in page
    assert "The EP&#x27;s summary stays typed." in page
    assert temporary_files == []
    advice.refresh_from_db()
    assert (advice.received_on, advice.document.name) == (None, "")


def test_a_file_just_over_the_limit_is_refused_as_its_bytes_arrive(
    client, school, sendco, advice, today, documents, temporary_files, settings
):
    """Within the request's allowance, the file's own bytes are counted."""
    settings.DOCUMENT_MAX_BYTES = 3 * 1024 * 1024
    client.force_login(sendco)
    response = client.post(
        _url("advice_receive", school, advice.public_id),
        {
            "received_on": today.isoformat(),
            "summary": "Typed.",
            "document": SimpleUploadedFile("scan.pdf", PDF + b"\x00" * (3 * 1024 * 1024)),
        },
    )
    assert "The file is larger than 3 MB" in _page(response)
    advice.refresh_from_db()
    assert advice.document.name == ""


def test_a_file_within_the_limit_is_kept(
    client, school, sendco, advice, today, documents, temporary_files
):
    client.force_login(sendco)
    content = PDF + b"\x00" * (3 * 1024 * 1024)
    response = client.post(
        _url("advice_receive", school, advice.public_id),
        {
            "received_on": today.isoformat(),
            "document": SimpleUploadedFile("scan.pdf", content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    advice.refresh_from_db()
    with advice.document.open("rb") as stored:
        assert stored.read() == content
    assert len(temporary_files) == 1  # over 2.5 MB: through a temporary file, as before


def test_a_document_downloads_under_a_safe_name(client, school, sendco, advice, today, documents):
    """The uploader's name is given back as an attachment, without folders or header tricks."""
    client.force_login(sendco)
    name = 'C:\\Users\\Mina\\EP "report"\t.pdf'
    response = client.post(
        _url("advice_receive", school, advice.public_id),
        {
            "received_on": today.isoformat(),
            "document": SimpleUploadedFile(name, PDF, content_type="text/html"),
        },
    )
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.document.name.endswith(".pdf")
    download = client.get(_url("document", school, advice.public_id))
    assert download["Content-Disposition"] == 'attachment; filename="EP report.pdf"'
    assert download["Content-Type"] == "application/pdf"


# The tracker's rows as the template's loop wrote them before `tracker_rows` (kept beside this
# file): the tag must write the same page.
TRACKER_ROWS_TEMPLATE = (Path(__file__).parent / "tracker_rows_template.html").read_text()


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def test_the_trackers_rows_write_what_the_template_wrote(
    school, sendco, pupils, la, plan, review, other_plan, today
):
    from django.template import Context, Template

    from ehcp.rules import Transfer

    la.name = "Shire <County> & Co"
    la.save()
    found = selectors.tracker_page(access=_access(sendco, school), today=today)
    rows = found.rows
    assert len(rows) == 2
    first = rows[0]
    # Each way a row can read: no step due, overdue, due soon, warnings, a phase transfer.
    rows = [
        *rows,
        dataclasses.replace(first, step=None, overdue=False, due_soon=False),
        dataclasses.replace(first, overdue=True, due_soon=False),
        dataclasses.replace(first, overdue=False, due_soon=True),
        dataclasses.replace(
            first,
            line=dataclasses.replace(
                first.line,
                warnings=["one", "two"],
                transfer=Transfer(deadline=today + timedelta(days=90), label="Year 6 to 7"),
            ),
        ),
        dataclasses.replace(first, line=dataclasses.replace(first.line, warnings=["one"])),
    ]
    context = {"rows": rows, "current_school": school}
    old = Template(TRACKER_ROWS_TEMPLATE).render(Context(context))
    new = Template("{% load list_rows %}{% tracker_rows rows %}").render(Context(context))
    assert _squeezed(new) == _squeezed(old)
    assert "Shire &lt;County&gt; &amp; Co" in new
    for said in ("Overdue", "Due soon", "Phase transfer", "2 problems", "1 problem ", "Nothing"):
        assert said in new
