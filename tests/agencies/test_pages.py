"""The outside agencies pages on one shared world: the SENDCo refers a pupil (never without
consent), records each step forward, an appointment and the report with its document; the
report reaches the pupil's chronology and the deadlines; a teacher sees the referrals of the
pupils they teach without consent, question or report; a forged or another school's service is
refused; the lists and the referral page do the same queries at two sizes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies import deadlines as agency_deadlines
from agencies import selectors, services
from agencies.models import Referral, Report, Service, StatusChange
from agencies.services import NO_CONSENT
from register.models import Pupil, TeachingGroup
from sendco.deadlines import deadlines_for
from staff import calendar as school_calendar
from staff.models import AuditEvent, Role
from staff.tenancy import access_for
from tests.conftest import shared_acorn_fixtures
from tests.factories import SchoolFactory, TrustFactory, member

NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 12, 4)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _pupil(school, first: str, upn: str) -> Pupil:
    return Pupil.objects.create(
        school=school,
        upn=upn,
        legal_first_name=first,
        legal_last_name="Sentinel",
        date_of_birth="2018-03-01",
        sex="F",
        year_group="3",
    )


def build(acorn: dict) -> dict:
    school, trust = acorn["school"], acorn["trust"]
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    ada, ben = _pupil(school, "Ada", "B801200005001"), _pupil(school, "Ben", "A801200005002")
    group = TeachingGroup.objects.create(school=school, academic_year=year, name="3B")
    group.teachers.add(acorn["teacher"])
    group.pupils.add(ada)
    salt = Service.objects.create(
        school=school, kind="salt", name="Speech and language therapy", provider="NHS",
        stated_wait_weeks=12,
    )  # fmt: skip
    beech = SchoolFactory(trust=trust, name="Beech Secondary", slug="beech", urn="123457")
    shared = Service.objects.create(
        school=beech, kind="advisory", name="Autism advisory", provider="Oak Trust",
        shared_with_trust=True,
    )  # fmt: skip
    private = Service.objects.create(
        school=beech, kind="ep", name="Beech's own EP", provider="County"
    )
    elm = SchoolFactory(trust=TrustFactory(name="Elm", slug="elm"), slug="elm-academy", urn="2")
    foreign = Service.objects.create(
        school=elm, kind="ep", name="Elm's EP", provider="Elsewhere", shared_with_trust=True
    )
    return {
        "ada": ada,
        "ben": ben,
        "salt": salt,
        "shared": shared,
        "private": private,
        "foreign": foreign,
        "beech_sendco": member(beech, Role.SENDCO, email="sendco@beech.test"),
    }


globals().update(
    shared_acorn_fixtures(build, "sendco", "head", "teacher", "ta", "governor", on=NOON)
)


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def documents(settings, tmp_path, monkeypatch):
    root = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    monkeypatch.setattr(Report._meta.get_field("document"), "storage", storages["documents"])
    return root


def url(name: str, school, *args) -> str:
    return reverse(f"agencies:{name}", args=[school.slug, *args])


def refer_data(service, **changes) -> dict:
    return {
        "service": service.pk,
        "referred_on": "2026-10-01",
        "consent_given_by": "Mum (Ms Sentinel)",
        "consent_on": "2026-09-28",
        "question": "Why does Ada struggle to follow two-step instructions?",
        **changes,
    }


def referral_of(school, user, pupil, service, *, on=date(2026, 10, 1), steps=()) -> Referral:
    access = access_for(user, school)
    made = services.referral_make(
        access=access,
        pupil=pupil,
        service=service,
        referred_on=on,
        consent_given_by="Mum",
        consent_on=on,
        question="What helps?",
        today=TODAY,
    )
    for status, day in steps:
        made = services.status_change(
            access=access, referral=made, status=status, on=day, today=TODAY
        )
    return made


def test_the_sendco_refers_a_pupil_with_consent(client, school, sendco, world):
    client.force_login(sendco)
    ada = world["ada"]
    response = client.post(url("refer", school, ada.public_id), refer_data(world["salt"]))
    referral = Referral.objects.get(pupil=ada)
    assert response["Location"] == url("referral", school, referral.public_id)
    assert (referral.status, referral.referred_by, referral.consent_given_by) == (
        "waiting",
        sendco,
        "Mum (Ms Sentinel)",
    )
    assert list(referral.changes.values_list("status", "on")) == [("waiting", date(2026, 10, 1))]
    event = AuditEvent.objects.get(action="agencies.referral_made")
    assert event.pupil_public_id == ada.public_id
    page = client.get(url("referral", school, referral.public_id)).content.decode()
    assert "Given by Mum (Ms Sentinel) on 28 September 2026" in page
    assert "chase it from 12 November 2026" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent_given_by": ""}, NO_CONSENT),
        ({"consent_on": ""}, NO_CONSENT),
        ({"consent_on": "2026-10-02"}, "Consent must be given on or before the referral."),
        ({"referred_on": "2026-12-05"}, "This date is still to come"),
        ({"question": ""}, "Write the question the referral asks."),
        ({"expected_report_on": "2026-09-01"}, "A report cannot be due before the referral."),
    ],
)
def test_a_referral_refused_says_why_and_saves_nothing(
    client, school, sendco, world, changes, message
):
    client.force_login(sendco)
    response = client.post(
        url("refer", school, world["ada"].public_id), refer_data(world["salt"], **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Referral.objects.exists()
    assert not StatusChange.objects.exists()


def test_only_services_of_the_directory_can_be_chosen(client, school, sendco, world):
    client.force_login(sendco)
    target = url("refer", school, world["ada"].public_id)
    for service in (world["private"], world["foreign"]):
        response = client.post(target, refer_data(service))
        assert "Choose a service from this school&#x27;s directory." in response.content.decode()
    assert not Referral.objects.exists()
    # A service another school of the trust shares can be chosen.
    assert client.post(target, refer_data(world["shared"])).status_code == 302


def test_the_directory_lists_the_schools_own_and_the_trusts_shared_services(
    client, school, sendco, head, world
):
    client.force_login(head)
    page = client.get(url("services", school)).content.decode()
    assert "Speech and language therapy" in page
    assert "Shared by Beech Secondary" in page
    assert "Beech&#x27;s own EP" not in page
    assert "Elm&#x27;s EP" not in page
    assert url("service_add", school) not in page  # the head reads
    client.force_login(sendco)
    assert client.get(url("service_edit", school, world["shared"].pk)).status_code == 404
    response = client.post(
        url("service_add", school),
        {"kind": "ot", "name": "OT", "provider": "NHS", "stated_wait_weeks": "16"},
    )
    assert response.status_code == 302
    added = Service.objects.get(school=school, name="OT")
    edit = client.get(url("service_edit", school, added.pk))
    fingerprint = edit.context["form"]["edit_fingerprint"].value()
    changed = {
        "kind": "ot",
        "name": "Occupational therapy",
        "provider": "NHS",
        "stated_wait_weeks": "14",
        "edit_fingerprint": fingerprint,
    }
    assert client.post(url("service_edit", school, added.pk), changed).status_code == 302
    added.refresh_from_db()
    assert (added.name, added.stated_wait_weeks) == ("Occupational therapy", 14)
    assert AuditEvent.objects.filter(action__startswith="agencies.service_").count() == 2


def test_steps_go_forward_only_with_their_dates(client, school, sendco, world):
    referral = referral_of(school, sendco, world["ada"], world["salt"])
    client.force_login(sendco)
    step = url("status", school, referral.public_id)
    seen = {"step-status": "seen", "step-on": "2026-11-20", "step-expected_report_on": ""}
    assert client.post(step, {**seen, "step-on": "2026-12-05"}).status_code == 400
    assert client.post(step, {**seen, "step-on": "2026-09-30"}).status_code == 400
    assert client.post(step, seen).status_code == 302
    backwards = client.post(step, {"step-status": "accepted", "step-on": "2026-11-21"})
    assert backwards.status_code == 400
    assert "Select a valid choice" in backwards.content.decode()  # not offered any more
    referral.refresh_from_db()
    assert referral.status == "seen"
    assert list(referral.changes.values_list("status", "on")) == [
        ("waiting", date(2026, 10, 1)),
        ("seen", date(2026, 11, 20)),
    ]
    assert AuditEvent.objects.filter(action="agencies.status_changed").count() == 1


def test_an_appointment_to_come_has_no_attendance_yet(client, school, sendco, world):
    referral = referral_of(school, sendco, world["ada"], world["salt"])
    client.force_login(sendco)
    add = url("appointment", school, referral.public_id)
    later = {"appointment-on": "2026-12-10", "appointment-with_whom": "Ms Patel"}
    refused = client.post(add, {**later, "appointment-attended": "yes"})
    assert refused.status_code == 400
    assert "still to come: leave attended empty" in refused.content.decode()
    assert client.post(add, later).status_code == 302
    assert client.post(add, {**later, "appointment-on": "2026-11-02"}).status_code == 302
    assert referral.appointments.count() == 2


def test_the_report_is_recorded_downloaded_and_audited(
    client, school, sendco, head, teacher, world, documents
):
    ada = world["ada"]
    referral = referral_of(school, sendco, ada, world["salt"], steps=[("seen", date(2026, 11, 2))])
    client.force_login(sendco)
    posted = client.post(
        url("report", school, referral.public_id),
        {
            "report-received_on": "2026-11-30",
            "report-summary": "Receptive language below age.",
            "report-document": SimpleUploadedFile("Ada Sentinel SALT.pdf", PDF),
        },
    )
    assert posted.status_code == 302
    report = Report.objects.get(referral=referral)
    assert "Ada" not in report.document.name  # stored without the pupil's name
    assert report.document.name.endswith(".pdf")
    referral.refresh_from_db()
    assert referral.status == "report"
    download = client.get(url("document", school, report.public_id))
    assert download.status_code == 200
    assert b"".join(download) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="agencies.report_downloaded")
    assert event.pupil_public_id == ada.public_id
    client.force_login(head)
    assert client.get(url("document", school, report.public_id)).status_code == 200
    client.force_login(teacher)
    assert client.get(url("document", school, report.public_id)).status_code == 403
    # The pupil's chronology shows the referral, the visit and the report.
    page = client.get(reverse("register:pupil", args=[school.slug, ada.public_id]))
    lines = page.content.decode()
    for line in (
        "Referred to Speech and language therapy",
        "Seen by Speech and language therapy",
        "Report received from Speech and language therapy",
    ):
        assert line in lines
    # For ehcp or plans to copy into review advice in one step.
    found = selectors.reports_for_pupil(school=school, pupil=ada)
    assert [(r.service_name, r.received_on, r.document_name) for r in found] == [
        ("Speech and language therapy", date(2026, 11, 30), "Ada Sentinel SALT.pdf")
    ]
    copied = services.report_file(found[0].report)
    assert (copied.content, copied.content_type) == (PDF, "application/pdf")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"<html>not a pdf</html>", "This file is not a PDF"),
        ("report.exe", PDF, "its name does not end in .pdf"),
        ("report.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_report_that_is_not_an_accepted_document_is_refused(
    client, school, sendco, world, documents, name, content, message
):
    referral = referral_of(
        school, sendco, world["ada"], world["salt"], steps=[("seen", date(2026, 11, 2))]
    )
    client.force_login(sendco)
    response = client.post(
        url("report", school, referral.public_id),
        {"report-received_on": "2026-11-30", "report-document": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()
    assert not any(documents.rglob("*.*")) if documents.exists() else True


def test_a_report_needs_an_answer_first_and_a_date_past(client, school, sendco, world):
    referral = referral_of(school, sendco, world["ada"], world["salt"])
    client.force_login(sendco)
    report = url("report", school, referral.public_id)
    refused = client.post(report, {"report-received_on": "2026-11-30"})
    assert "takes no report" in refused.content.decode()
    access = access_for(sendco, school)
    services.status_change(
        access=access, referral=referral, status="accepted", on=date(2026, 11, 1), today=TODAY
    )
    assert client.post(report, {"report-received_on": "2026-12-05"}).status_code == 400
    assert client.post(report, {"report-received_on": "2026-11-30"}).status_code == 302
    assert Report.objects.count() == 1


def test_a_teacher_sees_their_pupils_referrals_without_the_private_details(
    client, school, sendco, teacher, ta, governor, world
):
    mine = referral_of(school, sendco, world["ada"], world["salt"])
    other = referral_of(school, sendco, world["ben"], world["salt"])
    client.force_login(teacher)
    listed = client.get(url("referrals", school))
    assert [r.pk for r, _ in listed.context["rows"]] == [mine.pk]
    page = client.get(url("referral", school, mine.public_id)).content.decode()
    assert "<strong>Waiting</strong>" in page
    assert "What helps?" not in page
    assert "Given by" not in page
    assert "Record the next step" not in page
    assert client.get(url("referral", school, other.public_id)).status_code == 404
    assert client.get(url("pupil", school, world["ben"].public_id)).status_code == 404
    assert client.get(url("services", school)).status_code == 403
    for person in (ta, governor):
        client.force_login(person)
        assert client.get(url("referrals", school)).status_code == 403
        assert client.get(url("referral", school, mine.public_id)).status_code == 403


def test_the_referrals_list_filters_by_service_and_status(client, school, sendco, world):
    referral_of(school, sendco, world["ada"], world["salt"])
    seen = referral_of(
        school, sendco, world["ben"], world["shared"], steps=[("seen", date(2026, 11, 2))]
    )
    client.force_login(sendco)
    listed = client.get(url("referrals", school), {"status": "seen"})
    assert [r.pk for r, _ in listed.context["rows"]] == [seen.pk]
    listed = client.get(url("referrals", school), {"service": world["shared"].pk})
    assert [r.pk for r, _ in listed.context["rows"]] == [seen.pk]
    # Nonsense filters are ignored, never a 500.
    listed = client.get(url("referrals", school), {"service": "x", "status": "lost", "page": "9"})
    assert listed.status_code == 200
    assert "Speech and language therapy: no answers yet to measure (stated 12 weeks); 1 pupil " \
        "waiting" in listed.content.decode()  # fmt: skip


# A page of referrals as the template's loop wrote it before `referral_rows` (kept beside this
# file): the tag writes the same rows, a wait measured or not.
REFERRAL_ROWS_TEMPLATE = (Path(__file__).parent / "referral_rows_template.html").read_text()


def test_the_referral_rows_write_what_the_template_wrote(client, school, sendco, world):
    import re

    from django.template import Context, Template

    referral_of(school, sendco, world["ada"], world["salt"])
    referral_of(school, sendco, world["ben"], world["shared"], steps=[("seen", date(2026, 11, 2))])
    client.force_login(sendco)
    response = client.get(url("referrals", school))
    rows = list(response.context["rows"])
    assert {waited is None for _, waited in rows} == {True, False}
    context = Context({"rows": rows, "current_school": school})
    old = Template(REFERRAL_ROWS_TEMPLATE).render(context)
    new = Template("{% load list_rows %}{% referral_rows rows %}").render(context)
    assert re.sub(r"\s+", " ", new).strip() == re.sub(r"\s+", " ", old).strip()
    assert re.sub(r"\s+", " ", new).strip() in re.sub(r"\s+", " ", response.content.decode())
    assert new.count("<tr>") == len(rows)


def test_referrals_to_chase_reach_whoever_made_them(school, sendco, head, world, settings):
    settings.AGENCY_CHASE_WEEKS = 6
    settings.AGENCY_REPORT_WEEKS = 6
    referral_of(school, sendco, world["ada"], world["salt"], on=date(2026, 10, 1))
    referral_of(
        school,
        sendco,
        world["ben"],
        world["shared"],
        on=date(2026, 9, 1),
        steps=[("seen", date(2026, 10, 5))],
    )
    found = list(
        agency_deadlines.deadlines(
            school=school,
            pupils=Pupil.objects.for_school(school),
            today=TODAY,
            until=TODAY + timedelta(weeks=8),
        )
    )
    assert sorted((d.kind, d.title, d.due, d.owner_id) for d in found) == [
        (
            "agencies.chase",
            "Chase the referral to Speech and language therapy",
            date(2026, 11, 12),
            sendco.pk,
        ),
        ("agencies.report", "Chase the report from Autism advisory", date(2026, 11, 16), sendco.pk),
    ]
    kinds = {d.kind for d in deadlines_for(access=access_for(sendco, school), today=TODAY)}
    assert {"agencies.chase", "agencies.report"} <= kinds
    # The head reads referrals but does not chase them.
    kinds = {d.kind for d in deadlines_for(access=access_for(head, school), today=TODAY)}
    assert not {k for k in kinds if k.startswith("agencies")}


def test_chasing_moves_the_next_chase_on(client, school, sendco, world, settings):
    settings.AGENCY_CHASE_WEEKS = 6
    referral = referral_of(school, sendco, world["ada"], world["salt"], on=date(2026, 10, 1))
    client.force_login(sendco)
    chased = url("chased", school, referral.public_id)
    assert client.post(chased, {"chase-on": "2026-12-05"}).status_code == 400  # to come
    assert client.post(chased, {"chase-on": "2026-09-30"}).status_code == 400  # before referral
    assert client.post(chased, {"chase-on": "2026-11-20"}).status_code == 302
    referral.refresh_from_db()
    assert referral.chased_on == date(2026, 11, 20)
    page = client.get(url("referral", school, referral.public_id)).content.decode()
    assert "chase it from 1 January 2027" in page
    assert AuditEvent.objects.filter(action="agencies.referral_chased").count() == 1
    found = agency_deadlines.deadlines(
        school=school,
        pupils=Pupil.objects.for_school(school),
        today=TODAY,
        until=TODAY + timedelta(weeks=8),
    )
    # 1 January falls in the Christmas holiday: the last school day before it.
    assert [d.due for d in found] == [date(2026, 12, 18)]


def _many(school, sendco, world, extra: int) -> None:
    pupils = [_pupil(school, f"P{n}", f"C8012000{n:05}") for n in range(extra)]
    TeachingGroup.objects.get(school=school, name="3B").pupils.add(*pupils)
    for pupil in pupils:
        referral_of(school, sendco, pupil, world["salt"], steps=[("seen", date(2026, 11, 2))])


# The same at both sizes: session, user, school, membership, the page's reads, the audit event,
# the savepoints of ATOMIC_REQUESTS. The list: services, waits, count, a page of referrals; the
# directory: services, waits; the referral: the referral, steps, appointments, reports; the pupil
# page: the register's reads and one for the referrals' lines in its chronology. The header's
# school switcher is kept since the first page (staff/switcher_cache.py): no query.
QUERIES = {
    "referrals": 11,
    "services": 9,
    "pupil": 9,
    "referral": 11,
    "register:pupil": 20,  # one query per chronology source (agencies, Early Help)
}


@pytest.mark.parametrize("extra", [0, 12])
def test_the_pages_do_the_same_queries_at_any_size(client, school, sendco, world, extra):
    _many(school, sendco, world, extra)
    ada = world["ada"]
    referral = referral_of(school, sendco, ada, world["salt"], steps=[("seen", date(2026, 11, 2))])
    access = access_for(sendco, school)
    for n in range(extra):
        services.appointment_record(
            access=access, referral=referral, on=date(2026, 11, 3), with_whom=f"T{n}", today=TODAY
        )
    client.force_login(sendco)
    client.get(url("services", school))  # the first request after signing in renews the session
    pages = {
        "referrals": url("referrals", school),
        "services": url("services", school),
        "pupil": url("pupil", school, ada.public_id),
        "referral": url("referral", school, referral.public_id),
        "register:pupil": reverse("register:pupil", args=[school.slug, ada.public_id]),
    }
    counted = {}
    for name, page in pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200, name
        counted[name] = len(queries)
    assert counted == QUERIES
