"""The email digest: one a day at most (or on Mondays, or never), counts and links but no pupil's
name, initials or needs, and a failed send leaves everything for the next run."""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from register.models import Need
from sendco import tasks
from sendco.models import DigestSent, Notification, ReminderSettings
from sendco.reminders import scan_all, send_digest, send_digests
from staff.models import Membership, School
from tests.conftest import need
from tests.factories import member
from tests.register.factories import make_pupil, put_on

from .conftest import TODAY, monitoring, plan_review

LONDON = ZoneInfo("Europe/London")


def morning(day: date):
    """06:30 in London on `day`, when beat starts the daily run."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 6, 30, tzinfo=LONDON))


@pytest.fixture(autouse=True)
def _default_rules(settings):
    settings.REMINDER_THRESHOLDS = {}
    settings.REMINDER_ESCALATE_AFTER_DAYS = 7


@pytest.fixture
def deadlines(school, sendco, head, teacher, jozef, wren):
    """Due today for the teacher (Jozef's support plan, their class); for the SENDCo, Wren's
    concern in 9 days (Friday 4 December) and her support plan (no lead) 8 days overdue,
    escalated to the head (a concern's page is the SENDCo's alone, so only a plan can escalate
    to the head)."""
    return {
        "today": plan_review(jozef, review_on=TODAY, sendco=sendco, lead=teacher),
        "soon": monitoring(wren, review_on=TODAY + timedelta(days=9), decided_by=sendco),
        "late": plan_review(wren, review_on=TODAY - timedelta(days=8), sendco=sendco, lead=None),
    }


def scan_and_send(day: date = TODAY) -> int:
    with morning(day):
        scan_all(today=day)
        return send_digests(today=day)


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def test_one_digest_per_person_per_day(deadlines, mailoutbox):
    assert scan_and_send() == 3
    assert recipients(mailoutbox) == ["head@acorn.test", "sendco@acorn.test", "teacher@acorn.test"]
    assert scan_and_send() == 0  # the same morning again: nothing more
    with morning(TODAY):
        tasks.daily_reminders.delay(TODAY.isoformat())
    assert len(mailoutbox) == 3
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert DigestSent.objects.count() == 3


def test_a_notice_that_appears_after_the_days_digest_waits_for_the_next_one(
    school, sendco, wren, deadlines, mailoutbox
):
    scan_and_send()
    mailoutbox.clear()
    # Later that morning the SENDCo decides another concern, due today, and checks now.
    monitoring(wren, review_on=TODAY, decided_by=sendco)
    assert scan_and_send() == 0  # one digest a day: it waits
    assert mailoutbox == []
    assert Notification.objects.filter(user=sendco, emailed_at__isnull=True).count() == 1

    assert scan_and_send(TODAY + timedelta(days=1)) == 2  # the SENDCo's and the teacher's
    (email,) = [m for m in mailoutbox if m.to == ["sendco@acorn.test"]]
    assert "2 deadlines need you, 1 of them overdue." in email.body  # yesterday's and today's


def test_each_new_notice_is_emailed_on_the_day_it_appears(deadlines, mailoutbox):
    scan_and_send()
    mailoutbox.clear()
    # The next day Jozef's review is overdue: the teacher alone hears of it.
    assert scan_and_send(TODAY + timedelta(days=1)) == 1
    assert recipients(mailoutbox) == ["teacher@acorn.test"]
    assert "1 deadline needs you, 1 of them overdue." in mailoutbox[0].body
    mailoutbox.clear()
    # Nine days on, Wren's review is due, and Jozef's has been overdue for over a week: the
    # SENDCo and the head are told of it, the teacher is not told again.
    assert scan_and_send(TODAY + timedelta(days=9)) == 2
    assert recipients(mailoutbox) == ["head@acorn.test", "sendco@acorn.test"]
    (sendco_email,) = [m for m in mailoutbox if m.to == ["sendco@acorn.test"]]
    assert "2 deadlines need you, 1 of them overdue." in sendco_email.body
    mailoutbox.clear()
    assert scan_and_send(TODAY + timedelta(days=9)) == 0


@pytest.mark.parametrize(
    ("day", "sent"),
    [
        (date(2026, 11, 30), True),  # Monday
        (date(2026, 12, 1), False),
        (date(2026, 12, 2), False),
        (date(2026, 12, 3), False),
        (date(2026, 12, 4), False),
        (date(2026, 12, 5), False),  # Saturday
        (date(2026, 12, 6), False),  # Sunday
    ],
)
def test_a_weekly_digest_goes_on_mondays_only(sendco, wren, mailoutbox, day, sent):
    ReminderSettings.objects.create(user=sendco, digest=ReminderSettings.Digest.WEEKLY)
    monitoring(wren, review_on=day, decided_by=sendco)
    assert scan_and_send(day) == int(sent)
    assert recipients(mailoutbox) == (["sendco@acorn.test"] if sent else [])


def test_weekly_digest_on_monday_gathers_the_weeks_notifications(sendco, wren, mailoutbox):
    ReminderSettings.objects.create(user=sendco, digest=ReminderSettings.Digest.WEEKLY)
    monday = date(2026, 11, 30)
    for days_before in (6, 3, 0):  # Tuesday, Friday and Monday's scans
        monitoring(wren, review_on=monday - timedelta(days=days_before), decided_by=sendco)
    for day in (monday - timedelta(days=6), monday - timedelta(days=3), monday):
        scan_and_send(day)
    assert recipients(mailoutbox) == ["sendco@acorn.test"]
    # Tuesday's scan: Tuesday's review due (0), Friday's and Monday's in 2 weeks (14); Friday's:
    # Tuesday's overdue, Friday's due; Monday's: Friday's overdue, Monday's due.
    assert Notification.objects.filter(user=sendco).count() == 7
    assert "7 deadlines need you, 2 of them overdue." in mailoutbox[0].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.parametrize("day", [date(2026, 11, 30) + timedelta(days=n) for n in range(7)])
def test_digest_off_sends_nothing_any_day(sendco, wren, mailoutbox, day):
    ReminderSettings.objects.create(user=sendco, digest=ReminderSettings.Digest.OFF)
    monitoring(wren, review_on=day, decided_by=sendco)
    assert scan_and_send(day) == 0
    assert mailoutbox == []
    assert Notification.objects.filter(user=sendco, emailed_at__isnull=True).count() == 1


def _forbidden(pupils) -> list[str]:
    """Every way an email could name or describe the pupils: names, initials, UPNs, needs."""
    words = []
    for pupil in pupils:
        first, last = pupil.legal_first_name, pupil.legal_last_name
        words += [first, last, pupil.name, pupil.upn]
        words += [f"{first[0]}{last[0]}", f"{first[0]}.{last[0]}.", f"{first[0]}. {last[0]}."]
        words += [f"{first[0]} {last[0]}"]
        for row in Need.objects.filter(pupil=pupil).select_related("need_type"):
            words += [row.need_type.name, row.need_type.code]
    return words


def test_the_email_names_no_pupil_and_no_need_but_gives_counts_references_and_links(
    school, sendco, deadlines, jozef, wren, mailoutbox
):
    scan_and_send()
    words = _forbidden([jozef, wren])
    assert {"Jozef", "Quill", "JQ", "J.Q.", "Wren", "Oakes", "WO", "SLCN", "ASD"} <= set(words)
    assert "Speech, language and communication needs" in words
    for message in mailoutbox:
        text = f"{message.subject}\n{message.body}"
        found = [w for w in words if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![a-z])", text)]
        assert found == [], (message.to, found)

    (email,) = [m for m in mailoutbox if m.to == ["sendco@acorn.test"]]
    assert email.subject == "sendco: 2 deadlines to look at, 1 overdue"
    assert "2 deadlines need you, 1 of them overdue." in email.body
    assert "Acorn Primary: 2 (1 overdue)" in email.body
    site = django_settings.SITE_URL
    assert f"ref {Notification.objects.filter(user=sendco).first().reference}" in email.body
    for link in (
        reverse("register:concern_decide", args=[school.slug, deadlines["soon"].public_id]),
        reverse("plans:plan", args=[school.slug, wren.public_id]),
    ):
        assert f"{site}{link}" in email.body
    assert f"{site}{reverse('notifications')}" in email.body
    assert f"{site}{reverse('reminder_settings')}" in email.body

    (head_email,) = [m for m in mailoutbox if m.to == ["head@acorn.test"]]
    assert head_email.subject == "sendco: 1 deadline to look at, 1 overdue"
    assert "overdue: told to the head" in head_email.body


def test_a_pupil_named_like_the_email_is_still_not_named(school, sendco, mailoutbox):
    """Sentinels: a pupil whose names are unusual enough that any leak would show."""
    pupil = make_pupil(school, legal_first_name="Zephyrine", legal_last_name="Quaxley")
    put_on(pupil, "K", date(2025, 9, 1), "HI")
    monitoring(pupil, review_on=TODAY, decided_by=sendco)
    scan_and_send()
    (email,) = mailoutbox
    for word in ("Zephyrine", "Quaxley", "ZQ", "Z.Q.", "Hearing impairment", pupil.upn):
        assert word not in email.subject
        assert word not in email.body


def test_notifications_already_read_are_not_emailed(sendco, deadlines, mailoutbox):
    with morning(TODAY):
        scan_all(today=TODAY)
    soon = Notification.objects.get(user=sendco, threshold=14)
    Notification.objects.filter(pk=soon.pk).update(read_at=timezone.now())
    with morning(TODAY):
        send_digests(today=TODAY)
    (email,) = [m for m in mailoutbox if m.to == ["sendco@acorn.test"]]
    assert "1 deadline needs you, 1 of them overdue." in email.body
    assert "due Tue 17 Nov (overdue)" in email.body  # the late one
    assert "due Sat 5 Dec" not in email.body  # the one already read
    assert Notification.objects.get(pk=soon.pk).emailed_at is None


def test_everything_read_means_no_email_and_no_claim(sendco, deadlines, mailoutbox):
    with morning(TODAY):
        scan_all(today=TODAY)
        Notification.objects.filter(user=sendco).update(read_at=timezone.now())
        assert send_digest(user=sendco, today=TODAY) is False
    assert mailoutbox == []
    assert not DigestSent.objects.filter(user=sendco).exists()


def test_a_deactivated_person_gets_no_email(sendco, deadlines, mailoutbox):
    with morning(TODAY):
        scan_all(today=TODAY)
    sendco.is_active = False
    sendco.save(update_fields=["is_active"])
    with morning(TODAY):
        send_digests(today=TODAY)
    assert "sendco@acorn.test" not in recipients(mailoutbox)
    assert recipients(mailoutbox) == ["head@acorn.test", "teacher@acorn.test"]


def test_no_email_about_a_school_the_person_has_left(
    school, other_school, sendco, deadlines, mailoutbox
):
    """Sam is SENDCo at Beech too; after leaving Acorn, Acorn's notices are not emailed."""
    beech = make_pupil(other_school, legal_first_name="Bea")
    member(other_school, "sendco", email="sendco@acorn.test")
    monitoring(beech, review_on=TODAY, decided_by=sendco)
    with morning(TODAY):
        scan_all(today=TODAY)
    Membership.objects.filter(user=sendco, school=school).update(ended_at=timezone.now())
    with morning(TODAY):
        send_digests(today=TODAY)
    (email,) = [m for m in mailoutbox if m.to == ["sendco@acorn.test"]]
    assert "1 deadline needs you." in email.body
    assert "Beech Secondary: 1" in email.body
    assert "Acorn Primary" not in email.body


class FailingBackend(EmailBackend):
    """The mail server is down."""

    def send_messages(self, messages):
        raise OSError("Connection refused")


class FlakyBackend(EmailBackend):
    """The mail server refuses the first message, then works."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures == 0:
            FlakyBackend.failures += 1
            raise OSError("Connection reset by peer")
        return super().send_messages(messages)


def test_a_failed_send_leaves_everything_for_the_next_run(settings, deadlines, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(OSError, match="Connection refused"):
        scan_and_send()
    assert mailoutbox == []
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 4
    assert not DigestSent.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert scan_and_send() == 3
    assert scan_and_send() == 0
    assert recipients(mailoutbox) == ["head@acorn.test", "sendco@acorn.test", "teacher@acorn.test"]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_daily_task_retries_a_failed_send_and_emails_each_person_once(
    settings, deadlines, mailoutbox
):
    FlakyBackend.failures = 0
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    settings.CELERY_TASK_EAGER_PROPAGATES = False  # let the eager task retry, as a worker would
    with morning(TODAY):
        tasks.daily_reminders.delay(TODAY.isoformat())  # eager: the retry runs at once
    assert FlakyBackend.failures == 1
    assert recipients(mailoutbox) == ["head@acorn.test", "sendco@acorn.test", "teacher@acorn.test"]
    assert DigestSent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_school_locked_by_an_import_does_not_hide_notifications_from_the_digest(
    school, sendco, mailoutbox
):
    """While an MIS import holds the school row (register/mis_import/applying.py locks it, one
    import at a time), the digest still finds the person's notifications of that school: it locks
    only the notifications, not the school rows joined to them."""
    need(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    # No need types here: a transactional test starts without the data migrations' rows.
    monitoring(make_pupil(school), review_on=TODAY, decided_by=sendco)
    with morning(TODAY):
        scan_all(today=TODAY)
    importing, done = threading.Event(), threading.Event()

    def mis_import():
        try:
            with transaction.atomic():
                School.objects.select_for_update().filter(pk=school.pk).first()
                importing.set()
                done.wait(timeout=20)
        finally:
            connection.close()

    thread = threading.Thread(target=mis_import)
    thread.start()
    try:
        assert importing.wait(timeout=20)
        with morning(TODAY):
            sent = send_digest(user=sendco, today=TODAY)
    finally:
        done.set()
        thread.join(timeout=20)
    assert sent is True
    assert recipients(mailoutbox) == ["sendco@acorn.test"]
    assert not Notification.objects.filter(user=sendco, emailed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_send_one_email(school, sendco, mailoutbox):
    need(connection.vendor == "postgresql", "concurrent digests need PostgreSQL (DATABASE_URL)")
    for days in range(5):
        monitoring(make_pupil(school), review_on=TODAY - timedelta(days=days), decided_by=sendco)
    with morning(TODAY):
        scan_all(today=TODAY)
    start = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            start.wait(timeout=10)
            results.append(send_digest(user=sendco, today=TODAY))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    with morning(TODAY):  # the clock is the process's: moved once, for both threads
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert sorted(results) == [False, True]
    assert recipients(mailoutbox) == ["sendco@acorn.test"]
    assert "5 deadlines need you, 4 of them overdue." in mailoutbox[0].body
    assert DigestSent.objects.get(user=sendco).notifications == 5
