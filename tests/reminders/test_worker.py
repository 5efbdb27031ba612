"""Real delivery: a worker killed in the middle of the daily scan, then restarted, tells everyone
exactly once (real worker process, real Redis, PostgreSQL); and `make run`'s Redis-free broker
runs the same task.

How the kill test holds the worker in the middle of the scan: `scan_all` commits one school at a
time. The test inserts, in a transaction of its own that it leaves open, one of the rows the
worker will insert for the fourth school. The worker's INSERT ... ON CONFLICT DO NOTHING must
wait for that transaction, so the first three schools are committed and the fourth is not:
the test sees that, kills the worker with SIGKILL, and rolls its own transaction back.
"""

from __future__ import annotations

import ast
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
from sendco.models import DigestSent, Notification
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
        self, *, name: str, broker_url: str, mail_dir: Path, log: Path, pool="solo", **env: str
    ):
        self.log = log
        output = log.open("ab")
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


@pytest.fixture
def schools():
    """Six schools of one trust, each with a SENDCo, a head and 50 pupils whose monitoring
    reviews fell due over the last 20 days: the SENDCo is told of each; the head, who cannot open
    a concern's page (deadlines follow capabilities), of none."""
    trust = TrustFactory(name="Big Trust", slug="big")
    found = []
    for n in range(SCHOOLS):
        school = SchoolFactory(trust=trust, name=f"School {n}", slug=f"school-{n}")
        sendco = member(school, "sendco", email=f"sendco@{n}.test")
        head = member(school, "head", email=f"head@{n}.test")
        concerns = [
            monitoring(
                make_pupil(school), review_on=TODAY - timedelta(days=i % 20), decided_by=sendco
            )
            for i in range(CONCERNS)
        ]
        found.append((school, sendco, head, concerns))
    return found


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


def assert_told_exactly_once(schools, mail_dir: Path, log: Path, *, killed: str, again: str):
    """Every notification once, every digest once; the killed task's own message ran again and
    finished what the kill left undone, and the task enqueued again found nothing to do."""
    expected = expected_notifications(schools)
    per_school = len(expected) // SCHOOLS
    people = {sendco.email for _, sendco, _, _ in schools}
    found = notifications()
    assert len(found) == len(expected)
    assert set(found) == expected
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert sorted(DigestSent.objects.values_list("user__email", flat=True)) == sorted(people)
    assert emails_sent(mail_dir) == Counter(dict.fromkeys(people, 1))
    runs = dict(
        re.findall(r"daily_reminders\[([\w-]+)\] succeeded in [\d.]+s: (\{.*\})", log.read_text())
    )
    assert set(runs) == {killed, again}
    slugs = [school.slug for school, *_ in schools]
    assert ast.literal_eval(runs[killed]) == {
        "created": {slug: 0 if n < HELD else per_school for n, slug in enumerate(slugs)},
        "digests": len(people),
    }
    assert ast.literal_eval(runs[again]) == {"created": dict.fromkeys(slugs, 0), "digests": 0}


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
        killed = tasks.daily_reminders.delay(TODAY.isoformat()).id
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

        # Killed in the middle: some schools done, the rest not, no digest sent yet; the task's
        # message was never acknowledged (acks_late), so the broker still holds it.
        assert len(notifications()) == HELD * per_school
        assert not DigestSent.objects.exists()
        assert emails_sent(mail_dir) == Counter()
        assert broker.hlen("unacked") == 1

        # A new worker takes the killed task's message back once it has been unacknowledged for
        # longer than the visibility timeout (an hour in production, a second here), and the
        # scan is enqueued once more, as a retry or a second beat would.
        time.sleep(max(0.0, held_at + 1.5 - time.monotonic()))
        second = Worker(
            name="reminders-second",
            broker_url=url,
            mail_dir=mail_dir,
            log=log,
            SENDCO_TEST_VISIBILITY_TIMEOUT="1",
        )
        again = tasks.daily_reminders.delay(TODAY.isoformat()).id
        wait_for(
            lambda: (
                broker.llen("celery") == 0
                and broker.hlen("unacked") == 0
                and DigestSent.objects.count() == len(people)
            ),
            what="both messages to be run and acknowledged",
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

    assert_told_exactly_once(schools, mail_dir, log, killed=killed, again=again)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_scan_is_replaced_and_the_task_run_again(
    broker, schools, tmp_path
):
    """Production's worker runs a prefork pool: when the process running the scan dies (the
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
        killed = tasks.daily_reminders.delay(TODAY.isoformat()).id
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
        again = tasks.daily_reminders.delay(TODAY.isoformat()).id
        wait_for(
            lambda: f"daily_reminders[{again}] succeeded" in log.read_text(),
            what="the task enqueued again",
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
    assert "WorkerLostError" in log.read_text()
    assert_told_exactly_once(schools, mail_dir, log, killed=killed, again=again)


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
