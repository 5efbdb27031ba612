"""The reminder tasks. Beat enqueues `daily_reminders` once a day (Europe/London), which sends
one `scan_school` per school, so more workers finish the night sooner; the task that finishes
the last school enqueues `send_digests`, which sends one `send_digest_page` per 200 people.
Beat enqueues `send_digests` again later, a safety net for a scan task that was lost.
Everything is idempotent, so a retry, a second worker, a second run or the safety net never
tells anyone twice (sendco/reminders.py says how)."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import reminders


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


# acks_late with reject_on_worker_lost: if the process running a task dies (a killed worker, or
# a pool process killed under prefork), the message goes back to the queue and the task runs
# again; each is idempotent, so nobody is told twice.
RELIABLE = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RELIABLE)
def daily_reminders(today: str | None = None) -> dict:
    """Record tonight's run and enqueue one scan per school, a page of school ids at a time."""
    day = _day(today)
    reminders.scan_runs_prune(today=day)
    run, last = reminders.scan_run_start(today=day)
    for page in reminders.school_id_pages(last=last):
        for school_id in page:
            scan_school.delay(school_id, day.isoformat())
    _digests_if_done(day)  # a trust of no schools, or every scan already done
    return {"schools": run.schools}


@shared_task(**RELIABLE)
def scan_school(school_id: int, today: str | None = None) -> int:
    """Scan one school and count it done for the day; the task that finishes the day's last
    school enqueues the digests. Returns how many notifications were new."""
    from staff.models import School

    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return 0  # gone since it was enqueued: the safety net sends the day's digests
    day = _day(today)
    created = reminders.scan_school_counted(school=school, today=day)
    _digests_if_done(day)
    _warm_for_the_day(school, day)
    return created


def _warm_for_the_day(school, day: date) -> None:
    """The morning's scan leaves what the school's pages read kept (where a worker warms after
    writes: DEADLINE_WARM), so the first home page of the day finds it (DEADLINE_CACHE_SECONDS:
    kept 3 hours unless a write moves it)."""
    if getattr(settings, "DEADLINE_WARM", False) and day == timezone.localdate():
        from . import pages

        pages.warm(school=school, today=day)


@shared_task(**RELIABLE)
def send_digests(today: str | None = None) -> int:
    """Enqueue the day's digests, one task per page of people with something unsent; returns
    how many people were queued. Each is emailed at most once a day (the DigestSent claim)."""
    day = _day(today).isoformat()
    queued = 0
    for page in reminders.digest_user_pages():
        send_digest_page.delay(page, day)
        queued += len(page)
    return queued


@shared_task(**RELIABLE)
def send_digest_page(user_ids: list[int], today: str | None = None) -> int:
    """Send the due digests of a page of people; returns how many went out."""
    return reminders.send_digests_to(user_ids=user_ids, today=_day(today))


def _digests_if_done(day: date) -> None:
    # Called outside any transaction of ours: the claim is committed before the digests are
    # enqueued, and lost only with the process, when the safety net sends them.
    if reminders.digests_claim(today=day):
        send_digests.delay(day.isoformat())


@shared_task(**RELIABLE)
def warm_deadlines(school_id: int) -> int:
    """Work a school's deadlines out again after a write (`deadlines.warm_soon`), so the next
    page finds them kept. Idempotent: a second run keeps the same answer."""
    from staff.models import School

    from . import pages

    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return 0
    return pages.warm(school=school, today=timezone.localdate())
