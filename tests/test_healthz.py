"""GET /healthz: public, never cached, 200 only when the database and the task broker answer."""

from __future__ import annotations

import os
import socket
import time

import pytest
import redis
from django.urls import reverse

from sendco.celery import app as celery_app


@pytest.fixture
def url():
    return reverse("healthz")


def _connections_received(redis_client) -> int:
    return redis_client.info("stats")["total_connections_received"]


def test_healthy_with_the_configured_broker(client, db, settings, url):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:  # `make run` and plain `pytest`: the filesystem broker
        response = client.get(url)
    else:  # CI and production: the check must talk to the real Redis
        assert redis_url == settings.CELERY_BROKER_URL
        with celery_app.connection_for_write() as conn:
            assert conn.transport.driver_type == "redis"
        with redis.Redis.from_url(redis_url) as redis_client:
            before = _connections_received(redis_client)
            response = client.get(url)
            assert _connections_received(redis_client) > before
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.fixture
def closed_port_broker():
    """Nothing listens on port 1: the connection is refused."""
    return "redis://127.0.0.1:1/0"


@pytest.fixture
def frozen_broker():
    """A Redis URL whose port accepts connections (the kernel does it) but never answers."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


@pytest.mark.parametrize("broker", ["closed_port_broker", "frozen_broker"])
def test_unhealthy_quickly_when_the_broker_is_down(client, db, settings, url, broker, request):
    settings.CELERY_BROKER_URL = request.getfixturevalue(broker)
    started = time.monotonic()
    response = client.get(url)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")
    assert elapsed < 3, f"{broker} kept the health check waiting {elapsed:.1f} s"


def test_broker_url_shown_only_with_debug_and_without_credentials(client, db, settings, url):
    settings.CELERY_BROKER_URL = "memory://sendco:s3cret@localhost//"  # in-process, answers
    assert "broker_url" not in client.get(url).json()
    settings.DEBUG = True
    body = client.get(url).json()
    assert body["broker"] == "ok"
    assert body["broker_url"] == "localhost//"
    assert "s3cret" not in str(body)


def test_public_json_and_never_cached(client, db, url):
    response = client.get(url)  # anonymous: no redirect to the sign-in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"} <= cache_control
    assert "Expires" in response


def test_head_works_and_writes_are_refused(client, db, url):
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
