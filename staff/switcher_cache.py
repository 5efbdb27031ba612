"""The header's school switcher, kept for each person between changes to schools and memberships.

Every page's header lists the schools a person may switch to (`staff.tenancy.switcher_for`): a
query of their memberships and their trusts' schools, about 1.5 ms of a page that is otherwise
10 to 20 ms. It changes only when a school or a membership does, which is rare: so the answer is
kept in the shared cache with the *stamp* of the schools and memberships it was worked out under,
and every save or deletion of a `School` or a `Membership` gives them a new stamp (when it is made,
so the writer's next page sees it, and again when it commits, so a reader that worked the answer
out from the rows before the commit does not keep it). A read is one round trip to the cache for
the stamp and the kept answer together.

As the kept deadlines (`staff.deadline_cache`): only with a cache every process shares
(`DEADLINE_CACHE_SECONDS` is 0 without one, and bounds how long an answer is kept); with the
cache out of reach the answer is worked out, and the page is slower, not broken. A bulk write to
schools or memberships (`bulk_create`, `update`) calls `changed()` itself.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

from .deadline_cache import seconds

T = TypeVar("T")
logger = logging.getLogger(__name__)

STAMP_KEY = "tenancy:stamp"


def _key(user_id: int) -> str:
    return f"tenancy:switcher:{user_id}"


def kept(user_id: int, work_out: Callable[[], T]) -> T:
    """`work_out()`, or the answer kept for this person under the current stamp."""
    if not seconds():
        return work_out()
    try:
        found = cache.get_many([STAMP_KEY, _key(user_id)])
        stamp = found.get(STAMP_KEY)
        if stamp is None:
            cache.add(STAMP_KEY, uuid.uuid4().hex, timeout=None)
            stamp = cache.get(STAMP_KEY)
    except Exception:  # noqa: BLE001 - any failure of the cache's server
        logger.warning("The cache is out of reach: the school switcher worked out")
        return work_out()
    held = found.get(_key(user_id))
    if held is not None and held[0] == stamp:
        return held[1]
    # Kept with the stamp read before the rows: a write that lands meanwhile gives a new one.
    answer = work_out()
    try:
        cache.set(_key(user_id), (stamp, answer), timeout=seconds())
    except Exception:  # noqa: BLE001
        logger.warning("The cache is out of reach: the school switcher not kept")
    return answer


def changed(**kwargs) -> None:
    """A school or membership was saved or deleted (a signal receiver, or called after a bulk
    write): every kept switcher goes, now and when the change commits."""
    if not seconds():
        return
    _new_stamp()
    transaction.on_commit(_new_stamp)


def _new_stamp() -> None:
    try:
        cache.set(STAMP_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - the answers expire within DEADLINE_CACHE_SECONDS
        logger.exception("The cache is out of reach: school switchers may be stale")
