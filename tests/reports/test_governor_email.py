"""The published termly report emailed to the governors (issue 18): each active governor of the
school with an address is emailed once, after the publication commits, by a Celery task; the
email gives the report, its term, a few figures suppressed exactly as the governors' page shows
them, and a link to the report behind the sign-in; the SENDCo sees who had it and when, and can
email the governors who have not had it, never anyone twice. One test delivers through a real
worker and Redis, as production does."""

from __future__ import annotations

import re
import smtplib
import time
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reports import emails, services
from reports.models import GovernorEmail
from reports.tasks import email_governors
from sendco.celery import app as celery_app
from staff.models import AuditEvent, Membership, Role
from staff.tenancy import access_for
from tests.factories import member
from tests.reports.conftest import NOON
from tests.reports.test_term_report import _published, _pupils
from tests.staff.test_tasks import celery_on_redis  # noqa: F401 - the real-Redis fixture

ACORN_GOVERNORS = ["governor@acorn.test", "gwen@acorn.test"]
AUTUMN = {"starts_on": date(2026, 9, 1), "ends_on": date(2026, 12, 18)}


@pytest.fixture
def governors(school, other_school, governor):
    """Gil (the `governor` fixture) and Gwen govern Acorn; a governor whose membership ended
    and Beech's governor are never emailed about Acorn's report, nor is the head."""
    member(school, Role.GOVERNOR, full_name="Gwen Second", email="gwen@acorn.test")
    member(school, Role.GOVERNOR, full_name="Gus Gone", email="gone@acorn.test")
    Membership.objects.filter(user__email="gone@acorn.test").update(ended_at=timezone.now())
    member(other_school, Role.GOVERNOR, full_name="Bea Beech", email="bea@beech.test")
    return governor


def _html(message) -> str:
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    return html


def _report_url(school, report) -> str:
    return reverse("reports:report", args=[school.slug, report.public_id])


def test_publishing_emails_each_governor_once_after_the_commit(
    client, school, sendco, head, governors, autumn, mailoutbox, django_capture_on_commit_callbacks
):
    _pupils(school, sendco, 13)
    with django_capture_on_commit_callbacks(execute=True):
        report = _published(school, sendco, head)
        assert mailoutbox == []  # nothing leaves before the publication commits
    assert sorted(m.to[0] for m in mailoutbox) == ACORN_GOVERNORS
    link = django_settings.SITE_URL + _report_url(school, report)
    for message in mailoutbox:
        assert message.subject == (
            "Acorn Primary: the SEND report for the Autumn term 2026/27 is published"
        )
        assert "Autumn term 2026/27 (2 September 2026 to 18 December 2026)" in message.body
        assert link in message.body
        assert f'href="{link}"' in _html(message)
        assert "Pupils on the SEN register at the end of the term" in message.body
    assert "Dear Gwen Second," in next(m.body for m in mailoutbox if m.to == ["gwen@acorn.test"])

    assert GovernorEmail.objects.filter(report=report).count() == 2
    [event] = AuditEvent.objects.filter(action="reports.report_emailed")
    assert (event.actor, event.detail, event.object_id) == (
        sendco,
        {"governors": 2},
        str(report.public_id),
    )
    assert email_governors.delay(report.pk).get() == 0  # run again: nobody is told twice
    assert len(mailoutbox) == 2

    client.force_login(sendco)
    page = client.get(_report_url(school, report)).content.decode()
    assert "Emailed to governors" in page
    assert "Gwen Second (gwen@acorn.test)" in page
    assert "Not emailed yet" not in page
    assert "gone@acorn.test" not in page
    assert "bea@beech.test" not in page


def test_the_reviewed_report_names_who_publishing_will_email_and_a_rollback_emails_nobody(
    client, school, sendco, head, governors, autumn, mailoutbox, django_capture_on_commit_callbacks
):
    access = access_for(sendco, school)
    report = services.report_create(access=access, period="Autumn term 2026/27", **AUTUMN)
    services.report_review(access=access_for(head, school), report=report)
    client.force_login(sendco)
    page = client.get(_report_url(school, report)).content.decode()
    assert "Publishing emails it to 2 governors: Gil Governor, Gwen Second." in page

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_publish(access=access, report=report, today=NOON.date())
    assert len(callbacks) == 1  # queued for a commit that never came
    assert mailoutbox == []


def test_the_sendco_emails_a_governor_who_joined_since_and_nobody_twice(
    client, school, sendco, head, governor, autumn, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = _published(school, sendco, head)
    assert [m.to for m in mailoutbox] == [["governor@acorn.test"]]
    member(school, Role.GOVERNOR, full_name="Nia New", email="nia@acorn.test")
    url = reverse("reports:report_email", args=[school.slug, report.public_id])

    client.force_login(head)
    head_page = client.get(_report_url(school, report)).content.decode()
    assert "Not emailed yet: Nia New." in head_page
    assert url not in head_page  # the head reads who was told; the SENDCo sends
    client.force_login(sendco)
    assert url in client.get(_report_url(school, report)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, follow=True)
    assert "The report is being emailed to 1 governor: Nia New." in done.content.decode()
    assert [m.to for m in mailoutbox] == [["governor@acorn.test"], ["nia@acorn.test"]]

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True)
    assert "has had this report by email" in again.content.decode()
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(action="reports.report_email_requested").count() == 1

    client.force_login(governor)  # a governor reads the report, not who else governs
    assert "Emailed to governors" not in client.get(_report_url(school, report)).content.decode()


def test_a_failed_send_leaves_that_governor_for_the_retry_and_the_others_told(
    school, sendco, head, governors, autumn, mailoutbox, monkeypatch
):
    report = _published(school, sendco, head)  # not committed: the task is run below
    send = EmailMultiAlternatives.send

    def refused_for_gwen(message, *args, **kwargs):
        if message.to == ["gwen@acorn.test"]:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused_for_gwen)
    with pytest.raises(OSError, match="went away"):  # OSError: the task retries it
        emails.email_governors(report_id=report.pk, by_id=sendco.pk)
    assert [m.to for m in mailoutbox] == [["governor@acorn.test"]]
    assert list(GovernorEmail.objects.values_list("to", flat=True)) == ["governor@acorn.test"]
    events = AuditEvent.objects.filter(action="reports.report_emailed")
    assert [e.detail for e in events] == [{"governors": 1}]

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    assert emails.email_governors(report_id=report.pk, by_id=sendco.pk) == 1
    assert [m.to for m in mailoutbox] == [["governor@acorn.test"], ["gwen@acorn.test"]]


def test_a_draft_is_never_emailed(school, sendco, governor, autumn, mailoutbox):
    access = access_for(sendco, school)
    draft = services.report_create(access=access, period="Autumn term 2026/27", **AUTUMN)
    assert emails.email_governors(report_id=draft.pk) == 0
    with pytest.raises(ValidationError, match="Only a published report"):
        services.report_email_governors(access=access, report=draft)
    assert mailoutbox == []


def test_the_emails_figures_are_the_governors_page_suppressed_the_same_way(
    client, school, sendco, head, governor, autumn
):
    _pupils(school, sendco, 13)  # two with an EHC plan: fewer than 5
    report = _published(school, sendco, head)
    client.force_login(governor)
    page = client.get(_report_url(school, report))
    tables = page.context["tables"]
    now = tables["register"].rows[0][1]
    lines = {line.label: line.value for line in emails.headlines(report)}
    assert lines["of them with an EHC plan (E)"] == "fewer than 5" == now[2]
    assert lines["Pupils on the SEN register at the end of the term"].startswith(now[4])
    assert lines["of them on SEN support (K)"].startswith(now[0])
    shown = {cell for t in tables.values() if t for _, row in t.rows for cell in row}
    for label, value in lines.items():
        count = value.split(" (")[0]
        assert count in shown, (label, value)
        assert not re.fullmatch(r"[1-4]", count), (label, value)
        if count in ("fewer than 5", "not shown"):
            assert value == count  # no share of the roll beside a hidden count
    body = emails.message(report=report, governor=governor, lines=emails.headlines(report)).body
    assert "\n  - of them with an EHC plan (E): fewer than 5\n" in body


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_on_redis")
def test_the_governors_are_emailed_through_redis_by_a_real_worker(
    school, sendco, head, governors, autumn
):
    from celery.contrib.testing.worker import start_worker

    mail.outbox = []
    with start_worker(celery_app, pool="solo", perform_ping_check=False):
        started = time.monotonic()
        with transaction.atomic():  # as in a request (ATOMIC_REQUESTS): enqueued on commit
            report = _published(school, sendco, head)
        while len(mail.outbox) < 2 and time.monotonic() - started < 15:
            time.sleep(0.05)

    assert sorted(m.to[0] for m in mail.outbox) == ACORN_GOVERNORS, "not delivered within 15 s"
    assert GovernorEmail.objects.filter(report=report).count() == 2
    assert AuditEvent.objects.filter(action="reports.report_emailed").count() == 1
