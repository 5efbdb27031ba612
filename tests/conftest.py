"""Shared fixtures. Services: with DATABASE_URL the tests run on PostgreSQL, with REDIS_URL the
delivery tests use a real Redis; REQUIRE_SERVICES=1 (set by .ci/run) turns every skip for a
missing service or browser into a failure."""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.db import transaction
from django.db.models import Model
from django.test.utils import override_settings

from tests.factories import SchoolFactory, TrustFactory, member

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip when a service is missing, or fail when CI said every service must be there."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


# PBKDF2 is slow on purpose; tests hash many passwords and do not test the hasher. Set for the
# whole session (not per test), so a world built once per module, before any test's settings
# apply, hashes with the same fast hasher that its tests check passwords with.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


# Each school's deadlines are kept between writes in production (staff/deadline_cache.py); the
# suite runs with it on, so every test that writes and then reads a page checks the invalidation.
# The cache is this process's memory: emptied before each test, since a test's rolled-back
# writes leave behind what was kept under their stamps.
@pytest.fixture(scope="session", autouse=True)
def _deadline_cache_on():
    with override_settings(DEADLINE_CACHE_SECONDS=600):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and before it is dropped, an end to the sessions that
    outlived their tests (a worker process killed mid-task, a live server's thread):
    PostgreSQL refuses to drop a database in use, and the run would end in an error."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _eager_tasks_and_locmem_mail(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = True
    settings.PASSWORD_HASHERS = FAST_HASHERS


@contextlib.contextmanager
def built_once(django_db_blocker) -> Iterator[Callable]:
    """For a module- or class-scoped fixture: build a test world once, inside a transaction
    that is rolled back when the scope ends. Each test that uses the world also asks for `db`,
    which wraps it in a savepoint of that transaction, so a test's changes are undone before
    the next while the world's rows stay. Tests needing `transaction=True` cannot share it.

        @pytest.fixture(scope="module")
        def module_world(django_db_setup, django_db_blocker):
            with built_once(django_db_blocker) as build:
                yield build(make_world)
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield lambda builder, *args, **kwargs: _unblocked(
            django_db_blocker, builder, *args, **kwargs
        )
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _unblocked(django_db_blocker, builder: Callable, *args, **kwargs):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        return builder(*args, **kwargs)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The slowest tests first: the browser journeys and the real Celery workers, then the rest
    in pytest-django's order. With one xdist worker per core, a long journey then runs while
    the other worker gets through short tests, instead of both idling behind it at the end.
    (A transactional test empties the database, but the hook below puts back what the next
    test needs, so they need not come last.)"""
    items.sort(key=lambda item: 0 if item.get_closest_marker("browser") or _slow(item) else 1)


def _slow(item: pytest.Item) -> bool:
    return item.get_closest_marker("redis") is not None or "live_server" in getattr(
        item, "fixturenames", ()
    )


def _flushes_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django empties every table after this test (a transactional test)."""
    marker = item.get_closest_marker("django_db")
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    )
    fixtures = getattr(item, "fixturenames", ())
    return transactional or "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (a browser journey, a real worker) ends with every table emptied,
    reference data too. Load the census need types, the Pupil Premium rates and the JCQ list of
    access arrangements again, as their data migrations do, so whatever test comes next on this
    worker (xdist does not promise they come last) finds them."""
    try:
        return (yield)
    finally:  # even when a fixture's teardown failed: the next test must not fail for it
        if nextitem is not None and _flushes_the_database(item):  # None: the database is gone
            from django.apps import apps
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                importlib.import_module("register.migrations.0002_need_types").load(apps, None)
                premium_rates = importlib.import_module("premium.migrations.0002_rates_2024_2025")
                premium_rates.add_rates(apps, None)
                importlib.import_module("exams.migrations.0002_jcq_list").add_list(apps, None)


# The people of Acorn Primary every test module knows, by fixture name: (role, name, email).
PEOPLE = {
    "sendco": ("sendco", "Sam Sendco", "sendco@acorn.test"),
    "head": ("head", "Hana Head", "head@acorn.test"),
    "teacher": ("teacher", "Tom Teacher", "teacher@acorn.test"),
    "ta": ("ta", "Tara Assistant", "ta@acorn.test"),
    "governor": ("governor", "Gil Governor", "governor@acorn.test"),
    "trust_lead": ("trust_lead", "Lee Lead", "lead@oak.test"),
}


def make_trust():
    return TrustFactory(name="Oak Learning Trust", slug="oak")


def make_school(trust):
    return SchoolFactory(trust=trust, name="Acorn Primary", slug="acorn", urn="123456")


def make_person(school, name: str):
    role, full_name, email = PEOPLE[name]
    return member(school, role, full_name=full_name, email=email)


def make_acorn(*people: str) -> dict:
    """The trust, Acorn Primary and the named people, exactly as the fixtures of the same names
    make them: for a world built once per module (`built_once`)."""
    trust = make_trust()
    school = make_school(trust)
    return {"trust": trust, "school": school} | {n: make_person(school, n) for n in people}


def reloaded(obj):
    """A fresh copy of a shared world's row, so a test that changes it in memory (and saves, in
    its savepoint) leaves the next test the row as the world built it."""
    return type(obj)._default_manager.get(pk=obj.pk)


def refreshed(world):
    """Reload, in place, every row of a shared world (dicts and lists of rows included)."""
    values = world.values() if isinstance(world, dict) else world
    for value in values:
        if isinstance(value, Model):
            value.refresh_from_db()
        elif isinstance(value, dict | list | tuple):
            refreshed(value)
    return world


@pytest.fixture
def trust(db):
    return make_trust()


@pytest.fixture
def school(trust):
    return make_school(trust)


@pytest.fixture
def other_school(trust):
    """Another school of the same trust."""
    return SchoolFactory(
        trust=trust, name="Beech Secondary", slug="beech", urn="123457", phase="secondary"
    )


@pytest.fixture
def foreign_school(db):
    """A school of another trust."""
    return SchoolFactory(
        trust=TrustFactory(name="Elm Trust", slug="elm"),
        name="Elm Academy",
        slug="elm-academy",
        urn="223456",
    )


@pytest.fixture
def sendco(school):
    return make_person(school, "sendco")


@pytest.fixture
def head(school):
    return make_person(school, "head")


@pytest.fixture
def teacher(school):
    return make_person(school, "teacher")


@pytest.fixture
def ta(school):
    return make_person(school, "ta")


@pytest.fixture
def governor(school):
    return make_person(school, "governor")


@pytest.fixture
def trust_lead(school):
    return make_person(school, "trust_lead")


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def shared_acorn_fixtures(build: Callable[[dict], dict], *people: str, on=None) -> dict:
    """The fixtures of a test module whose tests share one world, built once per module (and
    per xdist worker): `school`, `trust`, the named `people` and `world`, each a fresh copy of
    the shared row for every test. `build(acorn)` gets make_acorn's dict and returns the world;
    `on` (a datetime) is when it is built, for a module whose tests travel in time. Use as
    `globals().update(shared_acorn_fixtures(build_map_world, "sendco", "ta", on=NOON))`."""

    @pytest.fixture(scope="module")
    def shared_acorn(django_db_setup, django_db_blocker):
        def make() -> dict:
            with time_machine.travel(on, tick=False) if on else contextlib.nullcontext():
                acorn = make_acorn(*people)
                return {**acorn, "world": build(acorn)}

        with built_once(django_db_blocker) as run:
            yield run(make)

    def row(name: str):
        @pytest.fixture(name=name)
        def fixture(shared_acorn, db):
            return reloaded(shared_acorn[name])

        return fixture

    @pytest.fixture(name="world")
    def world(shared_acorn, db):
        return refreshed(shared_acorn["world"])

    fixtures = {name: row(name) for name in ("trust", "school", *people)}
    return {"shared_acorn": shared_acorn, "world": world, **fixtures}
