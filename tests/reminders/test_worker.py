"""Real delivery through real worker processes, Redis and PostgreSQL: the nightly run fans out
to one scan task per school and sends each digest once, however many workers share it, however
often it is started, when a worker or a pool process is killed in the middle, and when a scan
task is lost (beat's later `send_digests` sends the digests); and `make run`'s Redis-free
broker runs the same tasks.

How the kill tests hold a worker in the middle of the night: each school is scanned and
committed by its own task, in the order the run enqueued them. The test inserts, in a
transaction of its own that it leaves open, one of the rows the worker will insert for the
fourth school. The worker's INSERT ... ON CONFLICT DO NOTHING must wait for that transaction,
so the first three schools are committed and the fourth is not: the test sees that, kills the
worker with SIGKILL, and rolls its own transaction back.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import kombu.pools
import psycopg
import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import connection

from sendco import tasks
from sendco.celery import app as celery_app
from sendco.models import DigestSent, Notification, ScanRun, SchoolScanned
from staff.calendar import SchoolCalendar
from tests.conftest import need
from tests.factories import SchoolFactory, TrustFactory, member
from tests.register.factories import make_pupil

from .conftest import MONITORING, TODAY, monitoring

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHOOLS, CONCERNS, HELD = 6, 50, 3  # the worker is held (then killed) at the fourth school
# A database of our own on the Redis server, emptied before and after; one per xdist worker, so
# two workers running these tests at once do not share (or empty) each other's queue.
REDIS_DB = 11 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def _forget_broker_connections() -> None:
    """Drop the broker connections Celery caches, so the next publish uses today's settings."""
    kombu.pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def broker(settings):
    """Celery publishing to a Redis database of this test's own; yields a client of it."""
    redis_url = os.environ.get("REDIS_URL", "")
    need(bool(redis_url), "REDIS_URL is not set: the killed worker is not tested")
    need(connection.vendor == "postgresql", "a worker process needs PostgreSQL (DATABASE_URL)")
    url = urlsplit(redis_url)._replace(path=f"/{REDIS_DB}").geturl()
    client = redis.Redis.from_url(url)
    client.flushdb()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    _forget_broker_connections()
    assert celery_app.conf.broker_url == url
    yield client
    client.flushdb()
    client.close()
    _forget_broker_connections()


def _database_url() -> str:
    """The test database (test_<name>) as a URL, for the worker process."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{db['NAME']}"


class Worker:
    """`celery -A sendco worker` in a process of its own, on the test database."""

    def __init__(
        self,
        *,
        name: str,
        broker_url: str,
        mail_dir: Path,
        log: Path,
        pool="solo",
        beat: Path | None = None,
        **env: str,
    ):
        self.log = log
        output = log.open("ab")
        # With `beat`, the worker embeds beat (as `make run` does), its schedule kept there.
        embedded = ["-B", f"--schedule={beat}"] if beat else []
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sendco",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--prefetch-multiplier=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                f"{name}@%h",
                *embedded,
            ],
            cwd=REPO_ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
                "DATABASE_URL": _database_url(),
                "REDIS_URL": broker_url,
                "CELERY_BROKER_URL": broker_url,
                "SENDCO_TEST_MAIL_DIR": str(mail_dir),
                "REMINDER_THRESHOLDS": "{}",
                "REMINDER_ESCALATE_AFTER_DAYS": "7",
                **env,
            },
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        output.close()  # the worker has its own copy

    def kill(self) -> None:
        """kill -9: no warm shutdown, no acknowledgement, no cleanup."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def children(self) -> list[int]:
        """The pool's processes (prefork): every process whose parent is the worker."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, *, what: str, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
    pytest.fail(f"timed out waiting for {what}; worker log:\n{tail}")


def _other_backends() -> set[int]:
    """Sessions on the test database other than this one (earlier tests of the same run may
    leave idle ones behind, so callers compare with a snapshot taken before the worker)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        return {row[0] for row in cursor.fetchall()}


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [connection.settings_dict["NAME"]],
        )
        return cursor.fetchone()[0] > 0


def emails_sent(mail_dir: Path) -> Counter:
    """Messages written by the file email backend, per recipient."""
    return Counter(
        address
        for path in mail_dir.glob("*.log")
        for address in re.findall(r"^To: (.+)$", path.read_text(), re.MULTILINE)
    )


def build_schools(count: int, concerns: int) -> list[tuple]:
    """Schools of one trust, each with a SENDCo, a head and pupils whose monitoring reviews fell
    due over the last 20 days: the SENDCo is told of each; the head, who cannot open a concern's
    page (deadlines follow capabilities), of none."""
    trust = TrustFactory(name="Big Trust", slug="big")
    found = []
    for n in range(count):
        school = SchoolFactory(trust=trust, name=f"School {n}", slug=f"school-{n}")
        sendco = member(school, "sendco", email=f"sendco@{n}.test")
        head = member(school, "head", email=f"head@{n}.test")
        reviews = [
            monitoring(
                make_pupil(school), review_on=TODAY - timedelta(days=i % 20), decided_by=sendco
            )
            for i in range(concerns)
        ]
        found.append((school, sendco, head, reviews))
    return found


@pytest.fixture
def schools():
    """Six schools of 50 concerns each, for the kill tests."""
    return build_schools(SCHOOLS, CONCERNS)


@pytest.fixture
def two_schools():
    return build_schools(2, 5)


def expected_notifications(schools) -> set[tuple]:
    expected = set()
    for school, sendco, _, concerns in schools:
        # A review the school set for a weekend is due on the school day before it.
        calendar = SchoolCalendar.load(school=school)
        for concern in concerns:
            due, subject = calendar.on_or_before(concern.review_on), str(concern.pupil.public_id)
            expected.add((sendco.pk, subject, due, 0 if due == TODAY else -1))
    return expected


def notifications() -> list[tuple]:
    return list(Notification.objects.values_list("user_id", "subject_id", "due", "threshold"))


def succeeded(log: Path, task: str) -> list[str]:
    """The results the worker logged for each run of `task` that succeeded, in order."""
    return re.findall(
        rf"sendco\.tasks\.{task}\[[\w-]+\] succeeded in [\d.]+s: (.*)$", _text(log), re.MULTILINE
    )


def _text(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


def all_done(broker) -> bool:
    """Nothing queued and nothing being run (acks_late: a task is acknowledged when done)."""
    return broker.llen("celery") == 0 and broker.hlen("unacked") == 0


def _hold_the_scan_of(school, sendco, concern) -> psycopg.Connection:
    """Insert, uncommitted, one row the worker is about to insert for `school`."""
    db = connection.settings_dict
    holder = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
    )
    holder.execute(
        "INSERT INTO sendco_notification (school_id, user_id, kind, subject_id, due, threshold,"
        " title, url, created_at) VALUES (%s, %s, %s, %s, %s, %s, 'held', '/', now())",
        [school.pk, sendco.pk, MONITORING, str(concern.pupil.public_id), concern.review_on, 0],
    )
    return holder  # in an open transaction


def assert_told_exactly_once(schools, mail_dir: Path, log: Path, *, runs: int):
    """Every notification once, every digest once, the digests enqueued once; each of `runs`
    runs sent a scan task per school, and those tasks between them created each notification
    once (a task run again after a kill found the rows its first attempt had committed)."""
    expected = expected_notifications(schools)
    people = {sendco.email for _, sendco, _, _ in schools}
    found = notifications()
    assert len(found) == len(expected)
    assert set(found) == expected
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert sorted(DigestSent.objects.values_list("user__email", flat=True)) == sorted(people)
    assert emails_sent(mail_dir) == Counter(dict.fromkeys(people, 1))
    assert succeeded(log, "daily_reminders") == [repr({"schools": len(schools)})] * runs
    scans = [int(created) for created in succeeded(log, "scan_school")]
    assert len(scans) == runs * len(schools)
    assert sum(scans) == len(expected)
    assert succeeded(log, "send_digests") == [str(len(people))]
    assert SchoolScanned.objects.filter(day=TODAY).count() == len(schools)
    assert ScanRun.objects.get(day=TODAY).digests_at is not None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_run_and_a_second_run_sends_nothing_twice(
    broker, two_schools, tmp_path
):
    url = celery_app.conf.broker_url
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    workers = []
    try:
        workers = [
            Worker(name=f"reminders-{n}", broker_url=url, mail_dir=mail_dir, log=log)
            for n in range(2)
        ]
        tasks.daily_reminders.delay(TODAY.isoformat())
        wait_for(
            lambda: len(succeeded(log, "send_digests")) == 1 and all_done(broker),
            what="the run's scans and its digests",
            log=log,
        )
        assert len(succeeded(log, "scan_school")) == 2  # one task per school
        assert emails_sent(mail_dir) == Counter({"sendco@0.test": 1, "sendco@1.test": 1})

        tasks.daily_reminders.delay(TODAY.isoformat())  # a second beat, or a retry
        wait_for(
            lambda: len(succeeded(log, "scan_school")) == 4 and all_done(broker),
            what="the second run's scans",
            log=log,
        )
        for worker in workers:
            worker.stop()
    finally:
        for worker in workers:
            worker.kill()
    assert_told_exactly_once(two_schools, mail_dir, log, runs=2)


def _lose_the_scan_of(broker, school_id: int) -> None:
    """Take one school's scan task off the queue, as a lost message would be."""
    for raw in broker.lrange("celery", 0, -1):
        headers = json.loads(raw)["headers"]
        if headers["task"] == "sendco.tasks.scan_school" and headers["argsrepr"].startswith(
            f"({school_id},"
        ):
            assert broker.lrem("celery", 1, raw) == 1
            return
    pytest.fail(f"no scan task queued for school {school_id}")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_lost_scan_task_still_gets_the_digests_out_by_the_safety_net(
    broker, two_schools, tmp_path
):
    """The run enqueues its scans (here from the test process, before any worker runs), one is
    lost; the other school's people are told by beat's `reminder-digests` entry, which the
    worker runs every second here instead of at 08:00."""
    (kept, kept_sendco, *_), (lost, lost_sendco, *_) = two_schools
    url = celery_app.conf.broker_url
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    assert tasks.daily_reminders.run(TODAY.isoformat()) == {"schools": 2}
    _lose_the_scan_of(broker, lost.pk)
    worker = None
    try:
        worker = Worker(
            name="reminders-beat",
            broker_url=url,
            mail_dir=mail_dir,
            log=log,
            beat=tmp_path / "beat-schedule",
            SENDCO_TEST_DIGESTS_EVERY="1",
        )
        wait_for(
            lambda: DigestSent.objects.filter(user=kept_sendco).exists(),
            what="the safety net's digest",
            log=log,
        )
        wait_for(lambda: len(succeeded(log, "send_digests")) >= 2, what="the next tick", log=log)
        worker.stop()
    finally:
        if worker is not None:
            worker.kill()
    assert "Sending due task reminder-digests (sendco.tasks.send_digests)" in _text(log)
    assert succeeded(log, "scan_school") == ["5"]  # the lost school was never scanned
    assert ScanRun.objects.get(day=TODAY).digests_at is None  # no task finished the run
    assert not Notification.objects.filter(school=lost).exists()
    assert emails_sent(mail_dir) == Counter({kept_sendco.email: 1})  # once, ticks after too
    assert not DigestSent.objects.filter(user=lost_sendco).exists()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_scan_and_restarted_tells_everyone_exactly_once(
    broker, schools, tmp_path
):
    expected = expected_notifications(schools)
    per_school = len(expected) // SCHOOLS
    assert len(expected) == SCHOOLS * per_school >= 300
    people = {sendco.email for _, sendco, _, _ in schools}
    url = celery_app.conf.broker_url
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    held_school, held_sendco, _, held_concerns = schools[HELD]
    assert held_concerns[0].review_on == TODAY  # the row held is the SENDCo's "due today"

    before = _other_backends()
    holder = _hold_the_scan_of(held_school, held_sendco, held_concerns[0])
    first = second = None
    try:
        first = Worker(name="reminders-first", broker_url=url, mail_dir=mail_dir, log=log)
        tasks.daily_reminders.delay(TODAY.isoformat())
        wait_for(
            lambda: len(notifications()) == HELD * per_school and _waiting_on_a_lock(),
            what="the worker to commit three schools and wait on the fourth",
            log=log,
        )
        held_at = time.monotonic()  # the worker received the task before this
        first.kill()
        holder.rollback()
        holder.close()
        wait_for(
            lambda: not (_other_backends() - before),
            what="the killed worker's session",
            log=log,
        )

        # Killed in the middle: three schools done and counted, the rest not, no digest sent
        # yet; the fourth school's message was never acknowledged (acks_late), so the broker
        # still holds it, and the last two wait in the queue.
        assert len(notifications()) == HELD * per_school
        assert SchoolScanned.objects.count() == HELD
        assert not DigestSent.objects.exists()
        assert emails_sent(mail_dir) == Counter()
        assert broker.hlen("unacked") == 1
        assert broker.llen("celery") == SCHOOLS - HELD - 1

        # A new worker takes the killed task's message back once it has been unacknowledged for
        # longer than the visibility timeout (an hour in production, a second here), and the
        # run is started once more, as a retry or a second beat would.
        time.sleep(max(0.0, held_at + 1.5 - time.monotonic()))
        second = Worker(
            name="reminders-second",
            broker_url=url,
            mail_dir=mail_dir,
            log=log,
            SENDCO_TEST_VISIBILITY_TIMEOUT="1",
        )
        tasks.daily_reminders.delay(TODAY.isoformat())
        wait_for(
            lambda: all_done(broker) and DigestSent.objects.count() == len(people),
            what="every message to be run and acknowledged",
            log=log,
        )
        second.stop()
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.kill()
        if not holder.closed:
            holder.rollback()
            holder.close()

    # The killed attempt logged nothing: two runs of six scans each succeeded.
    assert_told_exactly_once(schools, mail_dir, log, runs=2)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_scan_is_replaced_and_the_task_run_again(
    broker, schools, tmp_path
):
    """Production's worker runs a prefork pool: when the process running a scan dies (the
    out-of-memory killer, say), the worker starts another and the task's message goes back to
    the queue (reject_on_worker_lost), instead of being acknowledged as failed and lost."""
    expected = expected_notifications(schools)
    per_school = len(expected) // SCHOOLS
    people = {sendco.email for _, sendco, _, _ in schools}
    url = celery_app.conf.broker_url
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    held_school, held_sendco, _, held_concerns = schools[HELD]

    holder = _hold_the_scan_of(held_school, held_sendco, held_concerns[0])
    worker = None
    try:
        worker = Worker(
            name="reminders-prefork", broker_url=url, mail_dir=mail_dir, log=log, pool="prefork"
        )
        tasks.daily_reminders.delay(TODAY.isoformat())
        wait_for(
            lambda: len(notifications()) == HELD * per_school and _waiting_on_a_lock(),
            what="the pool process to commit three schools and wait on the fourth",
            log=log,
        )
        (child,) = worker.children()
        os.kill(child, signal.SIGKILL)
        holder.rollback()
        holder.close()
        wait_for(
            lambda: DigestSent.objects.count() == len(people),
            what="the task to be run again",
            log=log,
        )
        tasks.daily_reminders.delay(TODAY.isoformat())
        wait_for(
            lambda: len(succeeded(log, "daily_reminders")) == 2 and all_done(broker),
            what="the run started again",
            log=log,
        )
        assert worker.process.poll() is None  # the worker itself lived on
        worker.stop()
    finally:
        if worker is not None:
            worker.kill()
        if not holder.closed:
            holder.rollback()
            holder.close()
    assert "WorkerLostError" in _text(log)
    assert_told_exactly_once(schools, mail_dir, log, runs=2)


def test_without_redis_the_broker_is_the_atomic_filesystem_transport(tmp_path):
    """What `make run` gets: no REDIS_URL, kombu's filesystem transport as sendco/broker.py
    writes it (kombu's own loses a message now and then, and stops the worker with it)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    script = (
        "import django; django.setup(); from sendco.celery import app; "
        "print(app.conf.broker_url); "
        "conn = app.connection_for_write(); print(type(conn.transport).__module__)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "sendco.settings", "CELERY_FS_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["filesystem://", "sendco.broker"]


@pytest.mark.django_db(transaction=True)
def test_the_redis_free_broker_of_make_run_runs_the_daily_scan(
    settings, tmp_path, school, sendco, mailoutbox
):
    """`make run` has no Redis: the filesystem broker and a real worker (here in a thread)."""
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
        "polling_interval": 0.05,
    }
    settings.REMINDER_THRESHOLDS = {}
    monitoring(make_pupil(school), review_on=TODAY, decided_by=sendco)
    _forget_broker_connections()
    with celery_app.connection_for_write() as conn:
        assert type(conn.transport).__module__ == "sendco.broker"
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False):
            tasks.daily_reminders.delay(TODAY.isoformat())
            deadline = time.monotonic() + 30
            while not mailoutbox and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        _forget_broker_connections()
    assert [m.to for m in mailoutbox] == [["sendco@acorn.test"]]
    assert Notification.objects.filter(user=sendco, threshold=0).count() == 1
