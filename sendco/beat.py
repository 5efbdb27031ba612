"""Exactly one beat sends, however many are started: a lease in Redis.

Two beats would start the daily scan twice (the scan is idempotent, but the second run is wasted
work and, with a different clock, a second digest day). Kubernetes' Recreate strategy and
docker compose's single service keep it to one in the normal case; this holds it when someone
starts another by mistake, or when a node is cut off and its beat's replacement starts.

Every beat runs `LeaderScheduler` (CELERY_BEAT_SCHEDULER). On each tick a beat takes the lease
(`SET key me NX EX seconds`) or renews it if it is its own, in one atomic script. Only the holder
ticks its schedule; the others wait and try again every third of the lease. A beat that stops
gives the lease back, so another takes over within a third of the lease; one that dies keeps it
until it expires (BEAT_LEASE_SECONDS, 60 by default).

The holder writes each entry's last run to Redis, and a beat taking over starts from those, so it
neither repeats what the last holder sent nor misses what it did not.

With `make run`'s Redis-free broker (filesystem://) there is no lease: that worker embeds the only
beat (`-B`), and nothing else can reach its queue.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

# Take the lease if free, renew it if ours: 1 if we hold it now, 0 if another does.
_HOLD = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return 1
end
if not holder then
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
    return 1
end
return 0
"""
# Give the lease back, only if it is still ours.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    """The beat lease in Redis, held under a name unique to this process."""

    def __init__(self, url: str, *, key: str, seconds: int) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.key, self.seconds = key, seconds
        self.runs_key = f"{key}:last-run"
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._hold = self.client.register_script(_HOLD)
        self._release = self.client.register_script(_RELEASE)

    def hold(self) -> bool:
        """Take or renew the lease. Redis out of reach counts as not holding it: a beat that
        cannot see the lease must not send, and with Redis down there is no queue to send to."""
        try:
            return bool(self._hold(keys=[self.key], args=[self.me, self.seconds]))
        except redis.RedisError as error:
            logger.warning("Beat lease: Redis did not answer (%s); not sending.", error)
            return False

    def release(self) -> None:
        try:
            self._release(keys=[self.key], args=[self.me])
        except redis.RedisError as error:
            logger.warning("Beat lease not given back (%s): it expires by itself.", error)

    def record_run(self, name: str, when: datetime) -> None:
        """Note a run for the next holder; a Redis error is logged, not raised, so the beat
        goes on (the next holder would at worst send that entry again: the tasks are
        idempotent)."""
        try:
            self.client.hset(self.runs_key, name, when.isoformat())
        except redis.RedisError as error:
            logger.warning("Beat lease: run of %s not recorded (%s).", name, error)

    def last_runs(self) -> dict[str, datetime]:
        try:
            stored = self.client.hgetall(self.runs_key)
        except redis.RedisError as error:
            logger.warning("Beat lease: earlier runs not read (%s).", error)
            return {}
        return {
            name.decode(): datetime.fromisoformat(when.decode()) for name, when in stored.items()
        }


def lease_for(broker_url: str) -> Lease | None:
    """The lease where the broker is Redis; None for `make run`'s filesystem broker."""
    if not broker_url.startswith(("redis://", "rediss://")):
        return None
    return Lease(broker_url, key=settings.BEAT_LEASE_KEY, seconds=settings.BEAT_LEASE_SECONDS)


class LeaderScheduler(PersistentScheduler):
    """Celery's own scheduler (schedule kept in its file), ticking only while it holds the lease."""

    def __init__(self, app, *args, **kwargs) -> None:
        self.lease = lease_for(app.conf.broker_url)
        self.leading = False
        super().__init__(app, *args, **kwargs)
        if self.lease is not None:
            self.max_interval = min(self.max_interval, self.lease.seconds / 3)

    def tick(self, *args, **kwargs) -> float:
        if self.lease is None:
            return super().tick(*args, **kwargs)
        if not self.lease.hold():
            if self.leading:
                logger.warning("Beat lease lost to another beat: this one stops sending.")
            self.leading = False
            return self.lease.seconds / 3
        if not self.leading:
            logger.info("Beat lease taken (%s): this beat sends.", self.lease.me)
            self._adopt_last_runs()
            self.leading = True
        return min(super().tick(*args, **kwargs), self.lease.seconds / 3)

    def apply_entry(self, entry, producer=None) -> None:
        super().apply_entry(entry, producer=producer)
        if self.lease is not None:
            self.lease.record_run(entry.name, self.app.now())

    def _adopt_last_runs(self) -> None:
        """Start from the runs the previous holder recorded, where they are later than ours."""
        for name, when in self.lease.last_runs().items():
            entry = self.schedule.get(name)
            if entry is not None and (entry.last_run_at is None or when > entry.last_run_at):
                entry.last_run_at = when  # both aware: app.now() and what it recorded
        self._heap = None  # recompute when each entry is next due

    def close(self) -> None:
        if self.lease is not None and self.leading:
            self.lease.release()
        super().close()
