"""The production shape: docker-compose.yml, and settings that refuse an unsafe start."""

from __future__ import annotations

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
MAIL_CATCHERS = ("mailpit", "mailhog", "maildev", "smtp4dev")


@pytest.fixture(scope="module")
def services() -> dict[str, dict]:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    return compose["services"]


def _argv(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(arg) for arg in command]


def _command_line(service: dict) -> str:
    """The command as one line, with `sh -c "…"` unwrapped."""
    return " ".join(" ".join(shlex.split(arg)) for arg in _argv(service))


def _interpolate(value: str) -> str:
    """Resolve compose's `${VAR:-default}` to the default, and a required `${VAR:?…}` to `set`."""
    return re.sub(
        r"\$\{\w+(?::?([-?])([^}]*))?\}",
        lambda match: match[2] if match[1] == "-" else "set",
        value,
    )


def _environment(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: _interpolate(str(value)) for key, value in environment.items()}


def _runs_beat(service: dict) -> bool:
    line = _command_line(service)
    return bool(re.search(r"\bcelery\b.*\sbeat\b", line) or re.search(r"\s(-B|--beat)\b", line))


def _mail_catchers(services: dict[str, dict]) -> list[str]:
    return [
        name
        for name, service in services.items()
        if any(catcher in str(service.get("image", "")) for catcher in MAIL_CATCHERS)
    ]


def test_compose_defines_exactly_the_production_services(services):
    catchers = _mail_catchers(services)
    assert len(catchers) == 1, catchers
    assert set(services) == {"postgres", "redis", *APP_SERVICES, *catchers}


def test_web_runs_gunicorn(services):
    assert re.search(r"\bgunicorn sendco\.wsgi(:application)?\b", _command_line(services["web"]))


def test_worker_runs_celery_worker_without_an_embedded_beat(services):
    worker = services["worker"]
    assert re.search(r"\bcelery -A sendco worker\b", _command_line(worker))
    assert not _runs_beat(worker)


def test_beat_is_the_only_service_running_beat(services):
    assert re.search(r"\bcelery -A sendco beat\b", _command_line(services["beat"]))
    assert [name for name, service in services.items() if _runs_beat(service)] == ["beat"]


def test_web_worker_and_beat_share_one_image_and_reach_postgres_and_redis(services):
    builds = {
        (repr(services[name].get("build")), services[name].get("image")) for name in APP_SERVICES
    }
    assert len(builds) == 1, builds
    assert builds != {("None", None)}
    for name in APP_SERVICES:
        environment = _environment(services[name])
        assert environment["DJANGO_ENV"] == "production", name
        assert urlsplit(environment["DATABASE_URL"]).hostname == "postgres", name
        assert urlsplit(environment["REDIS_URL"]).hostname == "redis", name
        assert re.search(r"\bmailpit\b", environment.get("EMAIL_HOST", "")), name


def test_redis_never_evicts_queued_tasks(services):
    argv = _argv(services["redis"])
    assert "--maxmemory-policy" in argv
    assert argv[argv.index("--maxmemory-policy") + 1] == "noeviction"


def _django_setup(**env: str) -> subprocess.CompletedProcess[str]:
    """Start Django in a fresh interpreter with DJANGO_ENV=production and `env`."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_ENV", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO_ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "sendco.settings",
            "DJANGO_ENV": "production",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({}, id="no SECRET_KEY"),
        pytest.param({"SECRET_KEY": "too-short-to-be-a-real-secret"}, id="short SECRET_KEY"),
        pytest.param({"SECRET_KEY": ""}, id="empty SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(env):
    result = _django_setup(**env)  # DEBUG left to its production default: off
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY to a random string of at least 50 characters" in (
        result.stderr
    )


def test_production_refuses_to_start_with_debug_on():
    result = _django_setup(SECRET_KEY=secrets.token_urlsafe(45), DEBUG="true")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off in production" in result.stderr


def test_production_starts_with_a_real_secret_key_and_debug_off():
    secret_key = secrets.token_urlsafe(45)
    assert len(secret_key) == 60
    result = _django_setup(SECRET_KEY=secret_key, DEBUG="false")
    assert result.returncode == 0, result.stderr
