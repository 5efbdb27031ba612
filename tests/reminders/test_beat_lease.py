"""Exactly one beat sends even when two are started (sendco/beat.py): real `celery beat`
processes and a real Redis. While both run only the first enqueues; killed, it keeps the lease
until it expires and then the second takes over; stopped cleanly, it gives the lease back at
once. Without Redis (`make run`) there is no lease at all."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.test import override_settings

from sendco import beat
from tests.conftest import need

REPO_ROOT = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")
LEASE = 3  # seconds, for the beats started here (BEAT_LEASE_SECONDS)
REDIS_DB = 9  # a database of these tests' own; queue and lease names are unique per run too


@pytest.fixture
def lab(tmp_path):
    """A Redis client, the environment for beats of this test, and a way to start them."""
    redis_url = os.environ.get("REDIS_URL", "")
    need(bool(redis_url), "REDIS_URL is not set: the beat lease is not tested")
    url = urlsplit(redis_url)._replace(path=f"/{REDIS_DB}").geturl()
    run = uuid.uuid4().hex[:10]
    lab = Lab(
        client=redis.Redis.from_url(url),
        queue=f"sendco-test-beat-{run}",
        lease_key=f"sendco:test:beat:{run}",
        folder=tmp_path,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reminders.beat_settings",
            "REDIS_URL": url,
            "CELERY_BROKER_URL": url,
            "SENDCO_TEST_QUEUE": f"sendco-test-beat-{run}",
            "SENDCO_TEST_LEASE_KEY": f"sendco:test:beat:{run}",
            "BEAT_LEASE_SECONDS": str(LEASE),
        },
    )
    yield lab
    for process in lab.processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    lab.client.delete(lab.queue, lab.lease_key, f"{lab.lease_key}:last-run")
    lab.client.close()


class Lab:
    def __init__(self, *, client, queue, lease_key, folder, env) -> None:
        self.client, self.queue, self.lease_key = client, queue, lease_key
        self.folder, self.env = folder, env
        self.processes: list[subprocess.Popen] = []

    def start_beat(self, name: str) -> subprocess.Popen:
        celery = shutil.which("celery", path=str(Path(os.sys.executable).parent))
        with (self.folder / f"{name}.log").open("w") as log:  # the child keeps its own copy
            process = subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
                [celery, "-A", "sendco", "beat", "-l", "info", f"--schedule={self.folder / name}"],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def senders(self) -> list[int]:
        """The process id of the beat that enqueued each message, oldest first."""
        messages = reversed(self.client.lrange(self.queue, 0, -1))  # LPUSHed: newest first
        origins = [json.loads(message)["headers"]["origin"] for message in messages]
        return [int(origin.removeprefix("gen").split("@")[0]) for origin in origins]

    def wait_for(self, condition, *, timeout: float, what: str) -> float:
        """Poll until `condition()`; returns when it became true (time.monotonic())."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return time.monotonic()
            time.sleep(0.1)
        logs = {p.name: p.read_text()[-2000:] for p in self.folder.glob("*.log")}
        pytest.fail(f"waited {timeout} s for {what}; senders {self.senders()}; logs {logs}")

    def holder(self) -> str:
        return (self.client.get(self.lease_key) or b"").decode()


@pytest.mark.redis
def test_two_beats_one_sender_and_the_other_takes_over_when_the_first_dies(lab):
    first = lab.start_beat("first")
    lab.wait_for(lambda: len(lab.senders()) >= 2, timeout=30, what="the first beat to send")
    second = lab.start_beat("second")
    # The second beat is up and has asked for the lease at least twice (every LEASE / 3 s).
    lab.wait_for(
        lambda: "beat: Starting" in (lab.folder / "second.log").read_text(),
        timeout=30,
        what="the second beat to start",
    )
    time.sleep(LEASE)
    sent_together = lab.senders()
    assert len(sent_together) >= 6  # the first kept sending, every half second
    assert set(sent_together) == {first.pid}
    assert f":{first.pid}:" in lab.holder()

    first.send_signal(signal.SIGKILL)  # no chance to give the lease back
    first.wait(timeout=10)
    killed = time.monotonic()
    taken = lab.wait_for(
        lambda: second.pid in lab.senders(), timeout=LEASE + 10, what="the takeover"
    )
    assert taken - killed >= LEASE - 1.5  # the lease had to run out first (up to 1 s renewal)
    senders = lab.senders()
    switch = senders.index(second.pid)
    assert set(senders[:switch]) == {first.pid}  # one sender at a time, never interleaved
    assert set(senders[switch:]) == {second.pid}
    assert f":{second.pid}:" in lab.holder()


@pytest.mark.redis
def test_a_beat_stopped_cleanly_gives_the_lease_back_at_once(lab):
    first = lab.start_beat("first")
    lab.wait_for(lambda: f":{first.pid}:" in lab.holder(), timeout=30, what="the lease")
    first.send_signal(signal.SIGTERM)
    first.wait(timeout=15)
    assert lab.holder() == ""  # given back, not left to expire
    second = lab.start_beat("second")
    lab.wait_for(lambda: second.pid in lab.senders(), timeout=30, what="the second beat")


def test_the_lease_exists_only_with_a_redis_broker():
    with override_settings(BEAT_LEASE_SECONDS=60, BEAT_LEASE_KEY="k"):
        assert beat.lease_for("filesystem://") is None  # make run: its worker embeds the only beat
        lease = beat.lease_for("redis://127.0.0.1:6379/0")
    assert lease is not None
    assert (lease.key, lease.seconds) == ("k", 60)
    lease.client.close()


def test_beat_uses_the_lease_scheduler():
    from sendco.celery import app

    assert app.conf.beat_scheduler == "sendco.beat:LeaderScheduler"


@pytest.mark.redis
@pytest.mark.parametrize(
    ("first_stops_at", "expected"),
    [
        pytest.param(
            31,
            {"first": ["10 06:31"], "second": ["11 06:31"]},
            id="after its run: not repeated",
        ),
        pytest.param(
            20,
            {"first": [], "second": ["10 06:40", "11 06:31"]},
            id="before its run: not missed",
        ),
    ],
)
def test_a_beat_taking_over_neither_repeats_nor_misses_the_daily_scan(
    tmp_path, settings, first_stops_at, expected
):
    """The holder records each run in Redis; the next holder starts from there. Without that,
    a standby beat started at 06:00 that took over at 06:40 would see its 06:30 as not yet run
    and start the scan a second time; and one whose holder stopped before 06:30 runs it late
    rather than never."""
    redis_url = os.environ.get("REDIS_URL", "")
    need(bool(redis_url), "REDIS_URL is not set: the beat lease is not tested")
    from sendco.celery import app

    settings.BEAT_LEASE_KEY = f"sendco:test:beat:{uuid.uuid4().hex[:10]}"
    settings.BEAT_LEASE_SECONDS = 60
    sent: dict[str, list[str]] = {"first": [], "second": []}
    start = datetime(2027, 3, 10, 6, 0, tzinfo=LONDON)

    def record(into: list[str], entry, *args, **kwargs) -> None:
        """Instead of sending: what was sent when (Celery's own daily clean-up left out)."""
        if entry.name == "daily-reminders":
            into.append(f"{app.now().astimezone(LONDON):%d %H:%M}")

    settings.CELERY_BROKER_URL = urlsplit(redis_url)._replace(path=f"/{REDIS_DB}").geturl()
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    with time_machine.travel(start, tick=False) as clock:
        beats = {
            name: beat.LeaderScheduler(app, schedule_filename=str(tmp_path / name)) for name in sent
        }
        for name, scheduler in beats.items():
            scheduler.apply_async = partial(record, sent[name])

        def tick_both(at: datetime) -> None:
            clock.move_to(at)
            for scheduler in running:
                # As beat's loop does: again at once after a send (tick() answers 0), until
                # nothing more is due (every minute's restamp is due at each of these times too).
                for _ in range(20):
                    if scheduler.tick():
                        break

        running = list(beats.values())
        tick_both(start)
        tick_both(start.replace(minute=first_stops_at))
        beats["first"].close()  # stopped: the lease is given back
        running.remove(beats["first"])
        tick_both(start.replace(minute=40))
        tick_both(start.replace(minute=45))
        tick_both(start.replace(day=11, minute=31))
        beats["second"].close()
    lease = beat.lease_for(app.conf.broker_url)
    lease.client.delete(settings.BEAT_LEASE_KEY, f"{settings.BEAT_LEASE_KEY}:last-run")
    lease.client.close()
    assert sent == expected
