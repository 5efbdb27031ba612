"""What /healthz checks: the database and the task broker answer, each quickly."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - report any failure as unhealthy
        return f"error: {type(error).__name__}"
    return "ok"


def _broker() -> str:
    try:
        from sendco.celery import app

        # A broker that accepts the connection but never answers (a frozen Redis) would hang the
        # check for ever without socket timeouts; a closed port fails at once. One quick retry.
        with app.connection_for_write(
            transport_options={"socket_connect_timeout": 1, "socket_timeout": 1}
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as error:  # noqa: BLE001
        return f"error: {type(error).__name__}"
    return "ok"


def report() -> tuple[dict, bool]:
    """The body of the health answer ("ok" or "unhealthy", then each check) and whether all
    checks passed."""
    checks = {"database": _database(), "broker": _broker()}
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "unhealthy", **checks}
    if settings.DEBUG:
        body["broker_url"] = settings.CELERY_BROKER_URL.split("@")[-1]
    return body, healthy
