"""The production shape: docker-compose.yml, and settings that refuse an unsafe start."""

from __future__ import annotations

import json
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

from tests.conftest import need

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


# --------------------------------------------------------------------------------------------------
# The web server, PostgreSQL's settings and the connection pool
# --------------------------------------------------------------------------------------------------


def _gunicorn_config(**env: str) -> dict[str, str]:
    """gunicorn's own reading of gunicorn.conf.py with `env`: setting -> value, as printed."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    result = subprocess.run(  # noqa: S603 - our own gunicorn, fixed arguments
        [gunicorn, "sendco.wsgi:application", "-c", "gunicorn.conf.py", "--print-config"],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def test_web_and_the_image_run_gunicorn_with_its_config_file(services):
    assert re.search(r"--config gunicorn\.conf\.py\b", _command_line(services["web"]))
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert yaml.safe_load(cmd[1]) == [
        "gunicorn",
        "sendco.wsgi:application",
        "--config",
        "gunicorn.conf.py",
    ]
    environment = _environment(services["web"])
    assert (environment["WEB_WORKERS"], environment["WEB_THREADS"]) == ("2", "4")
    assert environment["DB_POOL_MAX"] == "0"  # off unless asked for
    assert environment["DJANGO_ENV"] == "production"  # the anchor's variables are kept


def test_gunicorn_runs_threaded_workers_sized_from_the_environment():
    default = _gunicorn_config(WEB_WORKERS="", WEB_THREADS="")
    assert default["worker_class"] == "gthread"
    assert int(default["workers"]) == len(os.sched_getaffinity(0))  # one process per core
    assert default["threads"] == "4"
    assert int(default["timeout"]) > 20  # longer than a PDF may take (PDF_TIME_LIMIT_SECONDS)
    assert "%(q)s" not in default["access_log_format"]  # no query strings: they may name a pupil
    chosen = _gunicorn_config(WEB_WORKERS="3", WEB_THREADS="6")
    assert (chosen["workers"], chosen["threads"]) == ("3", "6")


def _postgres_settings(service: dict) -> dict[str, str]:
    argv = [_interpolate(arg) for arg in _argv(service)]
    assert argv[0] == "postgres"
    return dict(argv[i + 1].split("=", 1) for i, arg in enumerate(argv) if arg == "-c")


def test_postgres_is_tuned_for_the_machine_not_left_at_its_defaults(services):
    config = _postgres_settings(services["postgres"])
    assert config["shared_buffers"] == "1GB"  # the default, 128MB, is for a tiny machine
    assert config["effective_cache_size"] == "3GB"
    assert config["work_mem"] == "16MB"
    assert int(config["max_connections"]) >= 2 * 4 + 2 + 1  # web threads, worker, beat, a psql
    assert float(config["random_page_cost"]) < 4  # SSD
    assert "log_min_duration_statement" not in config  # the SQL text carries pupils' names
    assert services["postgres"]["shm_size"]


def _settings_of(expression: str, **env: str) -> object:
    """The value of `expression` (over django.conf.settings and django.db.connection) in a fresh
    production interpreter with `env`."""
    probe = f"import django, json; django.setup(); {expression}"
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sendco.settings",
            "DJANGO_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(45),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


SHOW_DATABASE = (
    "from django.conf import settings; d = settings.DATABASES['default'];"
    "print(json.dumps([d.get('OPTIONS', {}).get('pool'), d['CONN_MAX_AGE']]))"
)
PG_URL = "postgres://sendco:sendco@127.0.0.1:5432/sendco"


def test_connections_are_kept_without_a_pool_and_pooled_with_db_pool_max():
    assert _settings_of(SHOW_DATABASE, DATABASE_URL=PG_URL, DB_POOL_MAX="0") == [None, 60]
    pool, max_age = _settings_of(
        SHOW_DATABASE, DATABASE_URL=PG_URL, DB_POOL_MAX="8", DB_POOL_MIN="2"
    )
    assert pool == {"min_size": 2, "max_size": 8, "timeout": 10.0}
    assert max_age == 0  # Django refuses persistent connections beside a pool


def test_the_pool_serves_real_connections():
    url = os.environ.get("DATABASE_URL", "")
    need(url.startswith("postgres"), "DATABASE_URL is not PostgreSQL: the pool is not tried")
    url = urlsplit(url)._replace(path="/postgres").geturl()  # a database that exists already
    used = _settings_of(
        "from django.db import connection; connection.ensure_connection();"
        "cursor = connection.cursor(); cursor.execute('SELECT 1');"
        "print(json.dumps([type(connection.pool).__name__, connection.pool.max_size,"
        " cursor.fetchone()[0]]))",
        DATABASE_URL=url,
        DB_POOL_MAX="3",
    )
    assert used == ["ConnectionPool", 3, 1]


def test_each_gunicorn_worker_sets_its_long_lived_objects_aside_from_the_collector():
    """A full garbage collection walking every object Django loaded stalled a request by
    100-150 ms (BENCHMARKS.md): once a worker has served its first requests, it freezes them."""
    import gc
    import runpy

    hooks = runpy.run_path(str(REPO_ROOT / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    try:
        for _ in range(hooks["FREEZE_AFTER_REQUESTS"] - 1):
            hooks["post_request"](None, None, {}, None)
        assert gc.get_freeze_count() == 0
        hooks["post_request"](None, None, {}, None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_the_installed_package_holds_every_app_of_sendco():
    """`pip install .` (the Dockerfile) packages only the apps pyproject.toml names: a new app
    left out would be missing from the image."""
    import tomllib

    from django.conf import settings

    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    included = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    ours = {app for app in settings.INSTALLED_APPS if (REPO_ROOT / app / "apps.py").exists()}
    assert ours <= included, sorted(ours - included)
