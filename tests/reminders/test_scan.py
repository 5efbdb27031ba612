"""The reminder scan: one notification per person, deadline and threshold, whoever runs it and
however often; scoped to a school; nothing for people who have left."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sendco import tasks
from sendco.models import Notification
from sendco.reminders import ESCALATED, scan_all, scan_school
from staff.models import Membership
from tests.conftest import need
from tests.factories import member
from tests.register.factories import make_pupil

from .conftest import (
    APDR,
    AUTUMN_END,
    MONITORING,
    TODAY,
    monitoring,
    plan_review,
    plan_under_way,
    told,
)


@pytest.fixture(autouse=True)
def _default_rules(settings):
    settings.REMINDER_THRESHOLDS = {}
    settings.REMINDER_ESCALATE_AFTER_DAYS = 7


def test_a_daily_scan_tells_the_owner_once_per_threshold_then_the_head(school, sendco, head, wren):
    """Wren's support plan has no lead: its review is the SENDCo's, and the head's to chase."""
    # Tuesday 5 January, 41 days on (a review is a school day: 30 days on is Christmas Day).
    plan_review(wren, review_on=TODAY + timedelta(days=41), sendco=sendco, lead=None)
    new = [scan_school(school=school, today=TODAY + timedelta(days=d)) for d in range(52)]
    assert told() == sorted(
        [
            ("sendco@acorn.test", APDR, 56),  # first seen 41 days before: one notice
            ("sendco@acorn.test", APDR, 28),
            ("sendco@acorn.test", APDR, 14),
            ("sendco@acorn.test", APDR, 0),
            ("sendco@acorn.test", APDR, -1),
            ("head@acorn.test", APDR, ESCALATED),  # still overdue 7 days later
        ]
    )
    assert sum(new) == 6
    assert new[0] == 1  # 41 days before
    assert new[1] == 0  # the next day: nothing new


def test_scanning_twice_records_each_notification_once(school, sendco, head, jozef, wren):
    monitoring(wren, review_on=TODAY + timedelta(days=10), decided_by=sendco)
    plan_review(wren, review_on=TODAY - timedelta(days=9), sendco=sendco, lead=None)
    monitoring(jozef, review_on=TODAY, decided_by=sendco)
    first = scan_all(today=TODAY)
    rows = told()
    assert first == {"acorn": 4}
    assert rows == sorted(
        [
            ("sendco@acorn.test", MONITORING, 14),
            ("sendco@acorn.test", APDR, -1),
            ("head@acorn.test", APDR, ESCALATED),
            ("sendco@acorn.test", MONITORING, 0),
        ]
    )
    assert scan_all(today=TODAY) == {"acorn": 0}
    assert scan_school(school=school, today=TODAY) == 0
    tasks.daily_reminders.delay(TODAY.isoformat())  # eager in tests, as a retried task would be
    assert told() == rows


def test_a_scan_of_one_school_writes_nothing_for_another(school, other_school, sendco, wren):
    beech_sendco = member(other_school, "sendco", email="sendco@beech.test")
    beech_pupil = make_pupil(other_school, legal_first_name="Bea")
    monitoring(wren, review_on=TODAY, decided_by=sendco)
    monitoring(beech_pupil, review_on=TODAY, decided_by=beech_sendco)

    assert tasks.scan_school.delay(school.pk, TODAY.isoformat()).get() == 1
    assert told() == [("sendco@acorn.test", MONITORING, 0)]
    assert not Notification.objects.filter(school=other_school).exists()
    assert not Notification.objects.filter(user=beech_sendco).exists()

    assert tasks.scan_school.delay(other_school.pk, TODAY.isoformat()).get() == 1
    assert told(school=other_school) == [("sendco@beech.test", MONITORING, 0)]
    assert told(school=school) == [("sendco@acorn.test", MONITORING, 0)]


def _deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


def _end_membership(user):
    Membership.objects.filter(user=user).update(ended_at=timezone.now())


@pytest.mark.parametrize(
    ("gone", "leave", "owner", "days_overdue", "expected"),
    [
        pytest.param(
            "teacher", _deactivate, "teacher", 0, [("sendco@acorn.test", 0)], id="owner deactivated"
        ),
        pytest.param(
            "teacher", _end_membership, "teacher", 0, [("sendco@acorn.test", 0)], id="owner left"
        ),
        pytest.param(
            "sendco", _deactivate, "sendco", 0, [("lead@oak.test", 0)], id="SENDCo deactivated"
        ),
        pytest.param(
            "sendco", _end_membership, "sendco", 0, [("lead@oak.test", 0)], id="SENDCo left"
        ),
        pytest.param(
            "head",
            _deactivate,
            "teacher",
            7,
            [("teacher@acorn.test", -1), ("sendco@acorn.test", ESCALATED)],
            id="head deactivated: not told of the escalation",
        ),
        pytest.param(
            "head",
            _end_membership,
            "teacher",
            7,
            [("teacher@acorn.test", -1), ("sendco@acorn.test", ESCALATED)],
            id="head left",
        ),
    ],
)
def test_people_who_have_gone_get_nothing(
    school, other_school, sendco, head, teacher, jozef, gone, leave, owner, days_overdue, expected
):
    """The trust lead's own membership is at Beech: Acorn reaches them through the trust, and
    they are told only when Acorn has no SENDCo."""
    member(other_school, "trust_lead", email="lead@oak.test")
    people = {"sendco": sendco, "head": head, "teacher": teacher}
    due = TODAY - timedelta(days=days_overdue)
    if owner == "teacher":  # Jozef's support plan, which his class teacher leads
        plan_review(jozef, review_on=due, sendco=sendco, lead=teacher)
        kind = APDR
    else:
        monitoring(jozef, review_on=due, decided_by=people[owner])
        kind = MONITORING
    leave(people[gone])
    scan_all(today=TODAY)
    assert [(email, threshold) for email, _, threshold in told(kind=kind)] == sorted(expected)
    assert not Notification.objects.filter(user=people[gone]).exists()


def test_while_there_is_a_sendco_the_trust_lead_is_not_told(
    school, other_school, sendco, teacher, jozef
):
    member(other_school, "trust_lead", email="lead@oak.test")
    monitoring(jozef, review_on=TODAY, decided_by=teacher)
    Membership.objects.filter(user=teacher).update(ended_at=timezone.now())
    scan_school(school=school, today=TODAY)
    assert told() == [("sendco@acorn.test", MONITORING, 0)]


def test_the_teacher_leading_a_support_plan_is_told_of_its_review(
    school, sendco, teacher, jozef, wren
):
    plan_under_way(jozef, sendco=sendco, lead=teacher)
    scan_school(school=school, today=TODAY)  # 23 days before the end of autumn
    assert told(kind=APDR) == [("teacher@acorn.test", APDR, 28)]

    # Jozef moves to another class: his review is no longer the teacher's to see.
    jozef.teaching_groups.clear()
    scan_school(school=school, today=AUTUMN_END - timedelta(days=14))
    assert told(kind=APDR) == [("sendco@acorn.test", APDR, 14), ("teacher@acorn.test", APDR, 28)]


def test_a_concern_decided_by_someone_now_a_teacher_goes_to_the_sendco(
    school, sendco, teacher, jozef, wren
):
    """They decided it as SENDCo, say; as a teacher they cannot open a concern's page (403),
    whether or not the pupil is in their class, so the SENDCo is told."""
    monitoring(jozef, review_on=TODAY, decided_by=teacher)
    monitoring(wren, review_on=TODAY, decided_by=teacher)  # not in the teacher's class
    scan_school(school=school, today=TODAY)
    rows = Notification.objects.values_list("user__email", "subject_id")
    assert sorted(rows) == sorted(
        [("sendco@acorn.test", str(jozef.public_id)), ("sendco@acorn.test", str(wren.public_id))]
    )


@pytest.mark.parametrize(
    ("days_overdue", "head_told"), [(1, False), (2, False), (3, True), (20, True)]
)
def test_the_head_is_told_after_the_configured_days_overdue(
    settings, school, sendco, head, teacher, jozef, days_overdue, head_told
):
    settings.REMINDER_ESCALATE_AFTER_DAYS = 3
    due = TODAY - timedelta(days=days_overdue)
    plan_review(jozef, review_on=due, sendco=sendco, lead=teacher)
    scan_school(school=school, today=TODAY)
    expected = [("teacher@acorn.test", APDR, -1)]
    if head_told:
        expected += [
            ("head@acorn.test", APDR, ESCALATED),
            ("sendco@acorn.test", APDR, ESCALATED),
        ]
    assert told(kind=APDR) == sorted(expected)


def test_the_head_is_not_told_of_a_concern_they_cannot_open(school, sendco, head, wren):
    """A concern's page is the SENDCo's: the head is not sent a link that answers 403."""
    monitoring(wren, review_on=TODAY - timedelta(days=20), decided_by=sendco)
    scan_school(school=school, today=TODAY)
    assert told() == [("sendco@acorn.test", MONITORING, -1)]


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_record_each_notification_once(school, sendco, head):
    need(connection.vendor == "postgresql", "concurrent scans need PostgreSQL (DATABASE_URL)")
    for n in range(120):
        pupil = make_pupil(school)
        monitoring(pupil, review_on=TODAY - timedelta(days=n % 20), decided_by=sendco)
    expected = 120  # the SENDCo's; a concern is never escalated to the head, who cannot open it

    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def scan():
        try:
            start.wait(timeout=10)
            scan_all(today=TODAY)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=scan) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Notification.objects.count() == expected
    keys = Notification.objects.values_list("user", "kind", "subject_id", "due", "threshold")
    assert len(set(keys)) == expected


def test_a_run_with_no_schools_still_enqueues_the_digests_once(db, monkeypatch):
    """No school to finish last: the run itself finds every school done and claims them."""
    digests = []
    monkeypatch.setattr(tasks.send_digests, "delay", lambda day: digests.append(day))
    assert tasks.daily_reminders.delay(TODAY.isoformat()).get() == {"schools": 0}
    tasks.daily_reminders.delay(TODAY.isoformat())
    assert digests == [TODAY.isoformat()]
