"""The nightly run's bookkeeping, with tasks run eagerly: one scan task per school, each school
counted once for the day, the digests enqueued once by the task that finishes the last school,
and beat's later `send_digests` sending what a lost scan task would have held back.
(tests/reminders/test_worker.py runs the same with real workers and Redis.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sendco import reminders, tasks
from sendco.models import DigestSent, Notification, ScanRun, SchoolScanned
from staff.models import School
from tests.conftest import built_once
from tests.factories import SchoolFactory, TrustFactory, member
from tests.register.factories import make_pupil

from .conftest import TODAY, monitoring

LONDON = ZoneInfo("Europe/London")
DAY = TODAY.isoformat()


def make_two_schools() -> list[dict]:
    """Two schools, each with a SENDCo told today of one concern's review."""
    trust = TrustFactory(name="Fan Trust", slug="fan")
    found = []
    for n in range(2):
        school = SchoolFactory(trust=trust, name=f"Fan School {n}", slug=f"fan-{n}")
        sendco = member(school, "sendco", email=f"sendco@fan-{n}.test")
        monitoring(make_pupil(school), review_on=TODAY, decided_by=sendco)
        found.append({"school": school, "sendco": sendco})
    return found


@pytest.fixture(scope="module")
def two_schools(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as build:
        yield build(make_two_schools)


@pytest.fixture
def world(two_schools, db, settings):
    settings.REMINDER_THRESHOLDS = {}
    with time_machine.travel(datetime(2026, 11, 25, 6, 30, tzinfo=LONDON), tick=False):
        yield two_schools


def enqueued(monkeypatch, task) -> list[tuple]:
    """Record the task's `delay` calls and run them (eagerly) as the worker would."""
    calls: list[tuple] = []
    delay = task.delay

    def recording(*args):
        calls.append(args)
        return delay(*args)

    monkeypatch.setattr(task, "delay", recording)
    return calls


def emails(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_the_run_scans_each_school_in_a_task_of_its_own_then_sends_the_digests_once(
    world, monkeypatch, mailoutbox
):
    scans = enqueued(monkeypatch, tasks.scan_school)
    digests = enqueued(monkeypatch, tasks.send_digests)
    assert tasks.daily_reminders.delay(DAY).get() == {"schools": 2}
    assert sorted(scans) == sorted((w["school"].pk, DAY) for w in world)
    assert digests == [(DAY,)]
    run = ScanRun.objects.get()
    assert (run.day, run.schools, run.digests_at is not None) == (TODAY, 2, True)
    assert SchoolScanned.objects.filter(day=TODAY).count() == 2
    for w in world:
        assert Notification.objects.filter(school=w["school"], user=w["sendco"]).count() == 1
    assert emails(mailoutbox) == ["sendco@fan-0.test", "sendco@fan-1.test"]


def test_a_second_run_the_same_day_sends_nothing_twice(world, monkeypatch, mailoutbox):
    tasks.daily_reminders.delay(DAY)
    digests = enqueued(monkeypatch, tasks.send_digests)
    tasks.daily_reminders.delay(DAY)  # a second beat, or the first retried
    assert digests == []  # the run's digests were claimed by the first
    assert ScanRun.objects.count() == 1
    assert SchoolScanned.objects.count() == 2
    assert Notification.objects.count() == 2
    assert len(mailoutbox) == 2


def test_only_the_last_school_claims_the_digests(world):
    first, second = (w["school"] for w in world)
    reminders.scan_run_start(today=TODAY)
    reminders.scan_school_counted(school=first, today=TODAY)
    assert not reminders.digests_claim(today=TODAY)
    reminders.scan_school_counted(school=first, today=TODAY)  # the same task retried
    assert SchoolScanned.objects.count() == 1
    assert ScanRun.objects.get().done == 1  # counted once, not twice
    assert not reminders.digests_claim(today=TODAY)
    reminders.scan_school_counted(school=second, today=TODAY)
    assert reminders.digests_claim(today=TODAY)
    assert not reminders.digests_claim(today=TODAY)  # a twin finishing at the same moment


def test_a_scan_that_fails_does_not_count_its_school(world, monkeypatch):
    school = world[0]["school"]

    def broken(**_):
        raise RuntimeError("the database went away")

    reminders.scan_run_start(today=TODAY)
    monkeypatch.setattr(reminders, "scan_school", broken)
    with pytest.raises(RuntimeError):
        reminders.scan_school_counted(school=school, today=TODAY)
    assert not SchoolScanned.objects.exists()
    assert ScanRun.objects.get().done == 0


def test_a_lost_scan_holds_the_digests_back_until_the_safety_net(world, monkeypatch, mailoutbox):
    """One school's scan task never runs: the run never completes, so no task sends the
    digests; beat's `send_digests` an hour and a half later sends those that are due."""
    lost = world[1]["school"].pk
    scan = tasks.scan_school.delay
    monkeypatch.setattr(
        tasks.scan_school,
        "delay",
        lambda school_id, day: None if school_id == lost else scan(school_id, day),
    )
    tasks.daily_reminders.delay(DAY)
    assert mailoutbox == []
    assert ScanRun.objects.get().digests_at is None
    assert tasks.send_digests.delay(DAY).get() == 1  # the safety net
    assert emails(mailoutbox) == ["sendco@fan-0.test"]
    assert tasks.send_digests.delay(DAY).get() == 0  # and again, nothing twice


def test_a_school_gone_before_its_task_ran_is_skipped(world):
    reminders.scan_run_start(today=TODAY)
    assert tasks.scan_school.delay(10**9, DAY).get() == 0
    assert not SchoolScanned.objects.exists()
    assert ScanRun.objects.get().digests_at is None


def test_school_ids_are_read_a_page_at_a_time_up_to_the_last_at_the_start(world, db):
    extra = [SchoolFactory(trust=world[0]["school"].trust).pk for _ in range(3)]
    run, last = reminders.scan_run_start(today=TODAY)
    SchoolFactory(trust=world[0]["school"].trust)  # added after the run started
    ids = sorted(School.objects.filter(pk__lte=last).values_list("pk", flat=True))
    assert last == extra[-1]
    assert run.schools == len(ids) == School.objects.count() - 1
    pages = list(reminders.school_id_pages(last=last, size=2))
    assert [len(page) for page in pages] == [2] * (len(ids) // 2) + [1] * (len(ids) % 2)
    assert [pk for page in pages for pk in page] == ids


def test_the_bookkeeping_of_old_runs_is_dropped(world):
    school = world[0]["school"]
    old = TODAY - timedelta(days=reminders.SCAN_RUNS_KEPT_DAYS + 1)
    kept = TODAY - timedelta(days=reminders.SCAN_RUNS_KEPT_DAYS)
    for day in (old, kept):
        ScanRun.objects.create(day=day, schools=1)
        SchoolScanned.objects.create(day=day, school=school)
    reminders.scan_runs_prune(today=TODAY)
    assert list(ScanRun.objects.values_list("day", flat=True)) == [kept]
    assert list(SchoolScanned.objects.values_list("day", flat=True)) == [kept]


def test_the_safety_net_after_a_complete_run_sends_nothing_again(world, mailoutbox):
    assert tasks.send_digests.delay(DAY).get() == 0  # before the scan: nobody to tell yet
    assert not DigestSent.objects.exists()
    tasks.daily_reminders.delay(DAY)
    assert tasks.send_digests.delay(DAY).get() == 0  # the safety net after a complete run
    assert len(mailoutbox) == 2
    assert DigestSent.objects.count() == 2


def test_digests_go_out_in_tasks_of_a_page_of_people_each(world, monkeypatch, mailoutbox):
    """`send_digests` sends one task per page of people with something unsent, so a national
    night's 300,000 digests spread over the workers; each person is emailed once."""
    monkeypatch.setattr(tasks.send_digests, "delay", lambda day: None)  # hold the run's own
    tasks.daily_reminders.delay(DAY)
    assert mailoutbox == []
    monkeypatch.setattr(reminders, "DIGEST_PAGE", 1)
    pages = []
    send = tasks.send_digest_page.delay
    monkeypatch.setattr(
        tasks.send_digest_page, "delay", lambda ids, day: pages.append(ids) or send(ids, day)
    )
    assert tasks.send_digests.apply((DAY,)).get() == 2
    assert sorted(pages) == sorted([w["sendco"].pk] for w in world)
    assert emails(mailoutbox) == ["sendco@fan-0.test", "sendco@fan-1.test"]
    pages.clear()
    assert tasks.send_digests.apply((DAY,)).get() == 0  # nothing unsent: no task at all
    assert pages == []
    assert len(mailoutbox) == 2
