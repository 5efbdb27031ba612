"""One beat; one daily entry that only starts the scan, firing once a day at 06:30 in London
across both clock changes, and one that sends the day's digests at 08:00, a safety net for a lost
scan task; `make run` embeds the beat in its worker."""

from __future__ import annotations

import re
import shlex
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml
from celery.beat import ScheduleEntry
from celery.schedules import crontab
from django.conf import settings as django_settings

from sendco.celery import app as celery_app

REPO_ROOT = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")
REMINDER_ENTRIES = {
    "daily-reminders": ("sendco.tasks.daily_reminders", (6, 30)),
    "reminder-digests": ("sendco.tasks.send_digests", (8, 0)),
}


def test_the_beat_starts_the_scan_at_0630_and_sends_the_digests_at_0800_london():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    reminder_tasks = {
        name: entry["task"]
        for name, entry in schedule.items()
        if entry["task"].startswith("sendco.tasks.")
    }
    assert reminder_tasks == {name: task for name, (task, _) in REMINDER_ENTRIES.items()}
    celery_app.loader.import_default_modules()
    for name, (task, (hour, minute)) in REMINDER_ENTRIES.items():
        entry = schedule[name]
        assert entry["task"] == task
        assert not entry.get("args")  # the task works out today itself
        assert not entry.get("kwargs")
        cron = entry["schedule"]
        assert isinstance(cron, crontab)
        assert (cron.hour, cron.minute) == ({hour}, {minute})
        assert cron.day_of_week == set(range(7))
        assert cron.day_of_month == set(range(1, 32))
        assert task in celery_app.tasks
    assert celery_app.conf.timezone == "Europe/London"
    assert celery_app.conf.beat_schedule == schedule


APPS = ("staff", "register", "provision", "ehcp", "sendco")


def test_nothing_is_scheduled_ahead_in_the_broker():
    """CE-03: reminders live in the database and the daily scan finds what is due; no task is
    queued with an ETA or a countdown (Redis would hand it out again after its visibility
    timeout, and a restart of Redis or a deploy could lose it)."""
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for app in APPS
        for path in sorted((REPO_ROOT / app).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\b(eta|countdown)\s*=|apply_async\(", line)
    ]
    assert offenders == []


def runs_between(
    first: date, last: date, schedule: crontab | None = None, name: str = "daily-reminders"
) -> list[datetime]:
    """Walk the clock in 10-minute steps from midnight (London) on `first` to the end of
    `last`, ticking the daily entry as beat does: ask `is_due()`, and when due, run it and keep
    the entry beat's `reserve` returns (its last run time now). Returns each run, London time."""
    conf = django_settings.CELERY_BEAT_SCHEDULE[name]
    start = datetime(first.year, first.month, first.day, tzinfo=LONDON)
    end = datetime(last.year, last.month, last.day, tzinfo=LONDON) + timedelta(days=1)
    runs = []
    with time_machine.travel(start, tick=False) as clock:
        entry = ScheduleEntry(
            name=name,
            task=conf["task"],
            schedule=schedule or conf["schedule"],
            app=celery_app,
        )
        now = start
        while now < end:
            clock.move_to(now)
            if entry.is_due().is_due:
                runs.append(celery_app.now().astimezone(LONDON))
                entry = next(entry)
            now += timedelta(minutes=10)  # real time: an hour is lost or repeated locally
    return runs


@pytest.mark.parametrize("name", list(REMINDER_ENTRIES))
@pytest.mark.parametrize(
    ("first", "last"),
    [
        pytest.param(date(2027, 3, 26), date(2027, 3, 30), id="clocks go forward 28 March 2027"),
        pytest.param(date(2027, 10, 29), date(2027, 11, 2), id="clocks go back 31 October 2027"),
    ],
)
def test_the_scan_and_the_digests_fire_once_a_day_across_the_clock_change(first, last, name):
    runs = runs_between(first, last, name=name)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    assert [run.date() for run in runs] == days  # one per local day, none twice, none missed
    assert all((run.hour, run.minute) == REMINDER_ENTRIES[name][1] for run in runs)
    offsets = [run.utcoffset() for run in runs]
    assert offsets[0] != offsets[-1]  # the walk did cross the change


def test_the_walk_would_see_a_second_run():
    """The walk is sensitive: an entry at 06:30 and 18:30 fires twice a day."""
    twice = crontab(hour="6,18", minute=30, app=celery_app)
    runs = runs_between(date(2027, 3, 27), date(2027, 3, 28), schedule=twice)
    assert [(run.day, run.hour) for run in runs] == [(27, 6), (27, 18), (28, 6), (28, 18)]


def _command(service: dict) -> str:
    command = service.get("command", [])
    argv = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
    return " ".join(" ".join(shlex.split(arg)) for arg in argv)


def _runs_beat(line: str) -> bool:
    return bool(re.search(r"\bcelery\b.*\sbeat\b", line) or re.search(r"\s(-B|--beat)\b", line))


def test_production_compose_runs_exactly_one_beat():
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    beats = [name for name, service in services.items() if _runs_beat(_command(service))]
    assert beats == ["beat"]
    beat = services["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert "scale" not in beat
    assert re.search(r"\bcelery -A sendco beat\b", _command(beat))


def _recipe(makefile: str, target: str) -> str:
    """The recipe of a make target, continuation lines joined."""
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert match, f"no {target} target"
    return re.sub(r"\\\n\s*", " ", match[1])


def test_make_run_starts_a_worker_with_the_beat_embedded_and_no_redis():
    recipe = _recipe((REPO_ROOT / "Makefile").read_text(), "run")
    workers = re.findall(r"celery -A sendco worker[^&\n]*", recipe)
    assert len(workers) == 1
    argv = workers[0].split()
    assert "-B" in argv or "--beat" in argv
    assert not re.search(r"celery -A sendco beat\b", recipe)  # one beat only
    assert "REDIS_URL" not in recipe  # the filesystem broker: nothing to install
