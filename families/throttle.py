"""The per-address limit on a parent's link: failed tries (a wrong date of birth, a code that
does not exist) counted in Django's cache for an hour. In production the cache is Redis, which
every web process shares; in `make run` and tests it is the process's memory."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def _key(ip: str) -> str:
    return f"families:failed:{ip}"


def limited(ip: str | None) -> bool:
    """Whether this address has failed too often in the last hour (then nothing is checked)."""
    if not ip:
        return False
    return cache.get(_key(ip), 0) >= settings.FAMILY_LINK_PER_IP_PER_HOUR


def failed(ip: str | None) -> None:
    """Count one failed try from this address."""
    if not ip:
        return
    key = _key(ip)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, WINDOW_SECONDS)
