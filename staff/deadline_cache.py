"""The deadline engine's answer for a school, kept in the shared cache between writes.

Working out a school's deadlines reads every plan, review, request and delivery record of its
pupils: at a 2,000-pupil school about 450 deadlines and 150 ms of Python, on every home page and
deadlines page of every member. The answer changes only when a record it is worked out from
changes, or when the day does. So `sendco.deadlines` keeps the answer for a school and a day in
the cache under the school's *stamp*, and every write that can move a deadline gives the school a
new stamp (`changed`): the next reader works it out again. Saves and deletions are caught by the
signals `sendco.apps` connects for every model of the apps that feed the engine; the few bulk
writes (`bulk_create`, `update`) call `changed` themselves. Other answers worked out from the
same records are kept under the same stamp (`kept(name=...)`): the EHC review tracker's order,
the home page's chart of this term's delivery, the plans list's counts for leaders, the
provision map's totals and budget line, the impact page's figures, the census check's
problems and counts, the termly report's counts of work overdue and a draft report's live
figures, the staff training matched to the pupils' needs, a candidate's history of need on the
exam evidence trail, the home page's register summary and the counts above the register (a
teacher's or TA's for them alone); and `kept_each` keeps a figure of each of many schools at
once (the trust's page of its schools' vulnerable pupils), each under its own school's stamp.
When a change commits, `committed` is sent, and the top floor has a worker work the answer out again
(sendco.deadlines.warm_soon).

Only with a cache every process shares (Redis in production): with a per-process cache one web
process would keep serving what another process's write made stale. DEADLINE_CACHE_SECONDS
(sendco/settings.py) is 0 (off) without one, and bounds how long an answer is kept at all (3
hours). A write made while the cache is out of reach cannot give its school a new stamp: it is
recorded in the database instead (`UnstampedWrite`, in the writer's transaction), and beat's
`restamp_unstamped`, every minute, gives those schools new stamps once the cache answers again.
The answer holds pupils' names, as the sessions there hold who is signed in: that Redis is as
private as the database (deploy/: on the internal network only).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

T = TypeVar("T")
logger = logging.getLogger(__name__)

ANY_SCHOOL = "any"  # the stamp of writes that belong to no one school we can name cheaply


def seconds() -> int:
    return int(getattr(settings, "DEADLINE_CACHE_SECONDS", 0))


def _stamp_key(school: int | str) -> str:
    return f"deadlines:stamp:{school}"


def _new_stamp(school: int | str) -> None:
    """A write never fails because the cache is out of reach: the write is recorded instead
    (`UnstampedWrite`, in the writer's transaction), and `restamp_unstamped` gives the school its
    new stamp once the cache answers again; the failure is logged as an error."""
    try:
        cache.set(_stamp_key(school), uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - any failure of the cache's server
        logger.exception("The cache is out of reach: school %s's deadlines may be stale", school)
        from .models import UnstampedWrite

        UnstampedWrite.objects.create(school_id=None if school == ANY_SCHOOL else school)


RESTAMP_PAGE = 1000


def restamp_unstamped() -> int:
    """Give a new stamp to every school with a write recorded while the cache was out of reach,
    then delete those records; returns how many. Run by beat every minute
    (`staff.tasks.restamp_unstamped`): with the cache still out of reach it raises and the
    records stay for the next run."""
    from .models import UnstampedWrite

    rows = list(UnstampedWrite.objects.order_by("pk").values_list("pk", "school_id")[:RESTAMP_PAGE])
    for school_id in dict.fromkeys(school_id for _, school_id in rows):
        school = ANY_SCHOOL if school_id is None else school_id
        cache.set(_stamp_key(school), uuid.uuid4().hex, timeout=None)
    UnstampedWrite.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    return len(rows)


# Sent when a change to a school's deadlines has committed, with `school_id`: the top floor
# (sendco.deadlines.warm_soon) has a worker work the answer out again, so the next page finds it.
committed = Signal()


def changed(school_id: int | None) -> None:
    """Something deadlines are worked out from changed at this school (None: at a school not
    known here, so every school's answer goes). The answer goes now, so this transaction's next
    read sees the change, and again when it commits: a reader in another process that worked
    it out meanwhile read the rows before the commit."""
    if not seconds():
        return
    school = ANY_SCHOOL if school_id is None else school_id
    _new_stamp(school)
    transaction.on_commit(lambda: _committed(school))


def _committed(school: int | str) -> None:
    _new_stamp(school)
    if school == ANY_SCHOOL:
        return
    for receiver, error in committed.send_robust(sender=None, school_id=school):
        if error is not None:
            logger.error(
                "After a change to school %s's deadlines, %s failed: %r", school, receiver, error
            )


def _stamps(school_id: int) -> str:
    return _stamps_of([school_id])[school_id]


def _stamps_of(school_ids: list[int]) -> dict[int, str]:
    """Each school's stamp joined to the stamp of writes of no one school (one round trip to the
    cache, and one more for each stamp not yet given)."""
    keys = [*(_stamp_key(school_id) for school_id in school_ids), _stamp_key(ANY_SCHOOL)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    anyone = found[_stamp_key(ANY_SCHOOL)]
    return {school_id: f"{found[_stamp_key(school_id)]}:{anyone}" for school_id in school_ids}


def kept(
    *, school_id: int, today: date, weeks: int, work_out: Callable[[], T], name: str = "deadlines"
) -> T:
    """`work_out()`, or the answer kept for this school, day and horizon since its last change.
    `name` tells apart the answers kept under the same stamps (the EHC review tracker keeps the
    order of every plan's clock). With the cache out of reach the answer is worked out, and the
    page is slower, not broken."""
    if not seconds():
        return work_out()
    try:
        key = f"{name}:{school_id}:{today.isoformat()}:{weeks}:{_stamps(school_id)}"
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - any failure of the cache's server
        logger.warning("The cache is out of reach: %s worked out for school %s", name, school_id)
        return work_out()
    if found is None:
        found = work_out()
        try:
            cache.set(key, found, timeout=seconds())
        except Exception:  # noqa: BLE001
            logger.warning("The cache is out of reach: %s not kept for school %s", name, school_id)
    return found


def kept_for(*, access, today: date, name: str, work_out: Callable[[], T]) -> T:
    """`kept` for what a person sees of the school's pupils (`access`, a `staff.tenancy.Access`):
    a leader's answer is the school's, the same for every leader of that role; a teacher's or
    TA's is of their own classes, kept for them alone (by role too: who sees which pupils is the
    role's). The home page's register summary and the counts above the register."""
    from .capabilities import Reach, pupil_reach

    whose = "school" if pupil_reach(access.role) == Reach.SCHOOL else f"{access.user.pk}"
    return kept(
        school_id=access.school.pk,
        today=today,
        weeks=0,
        name=f"{name}-{access.role}-{whose}",
        work_out=work_out,
    )


def kept_each(
    *,
    school_ids: list[int],
    today: date,
    work_out: Callable[[list[int]], dict[int, T]],
    name: str,
) -> dict[int, T]:
    """`kept` for many schools at once (a trust's page of figures per school): each school's
    answer kept under its own stamp, so a write at one school has that school's answer worked
    out again and no other. `work_out(missing)` works out the schools not kept, together (one
    query grouped by school, say), and answers for each of them. Two round trips to the cache
    and one to keep what was worked out, whatever the number of schools."""
    if not seconds():
        return work_out(list(school_ids))
    try:
        stamps = _stamps_of(school_ids)
        keys = {s: f"{name}:{s}:{today.isoformat()}:0:{stamps[s]}" for s in school_ids}
        found = cache.get_many(list(keys.values()))
    except Exception:  # noqa: BLE001 - any failure of the cache's server
        logger.warning(
            "The cache is out of reach: %s worked out for %s schools", name, len(school_ids)
        )
        return work_out(list(school_ids))
    answers = {s: found[key] for s, key in keys.items() if key in found}
    missing = [s for s in school_ids if s not in answers]
    if missing:
        fresh = work_out(missing)
        answers.update(fresh)
        try:
            cache.set_many({keys[s]: fresh[s] for s in missing}, timeout=seconds())
        except Exception:  # noqa: BLE001
            logger.warning(
                "The cache is out of reach: %s not kept for %s schools", name, len(missing)
            )
    return answers


def found_each(
    *, school_ids: list[int], today: date, weeks: int, name: str = "deadlines"
) -> dict[int, T]:
    """The answers `kept` holds for these schools today, never working one out: the schools
    with none kept (or with the cache off or out of reach) are left out, for the reader to say
    "not worked out yet" (the trust's comparison reads each school's kept deadlines this way,
    as working out 110 schools' deadlines in one request would take seconds). Two round trips
    to the cache whatever the number of schools."""
    if not seconds() or not school_ids:
        return {}
    try:
        stamps = _stamps_of(school_ids)
        keys = {s: f"{name}:{s}:{today.isoformat()}:{weeks}:{stamps[s]}" for s in school_ids}
        found = cache.get_many(list(keys.values()))
    except Exception:  # noqa: BLE001 - any failure of the cache's server
        logger.warning(
            "The cache is out of reach: %s not read for %s schools", name, len(school_ids)
        )
        return {}
    return {s: found[key] for s, key in keys.items() if key in found}
