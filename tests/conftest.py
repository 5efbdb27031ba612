"""Shared fixtures. Services: with DATABASE_URL the tests run on PostgreSQL, with REDIS_URL the
delivery tests use a real Redis; REQUIRE_SERVICES=1 (set by .ci/run) turns every skip for a
missing service or browser into a failure."""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

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


@pytest.fixture(autouse=True)
def _eager_tasks_and_locmem_mail(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = True
    # PBKDF2 is slow on purpose; tests hash many passwords and do not test the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _axes_reset():
    yield
    from axes.utils import reset

    with contextlib.suppress(Exception):  # a test without a database has nothing to reset
        reset()


@pytest.fixture
def trust(db):
    return TrustFactory(name="Oak Learning Trust", slug="oak")


@pytest.fixture
def school(trust):
    return SchoolFactory(trust=trust, name="Acorn Primary", slug="acorn", urn="123456")


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
    return member(school, "sendco", full_name="Sam Sendco", email="sendco@acorn.test")


@pytest.fixture
def head(school):
    return member(school, "head", full_name="Hana Head", email="head@acorn.test")


@pytest.fixture
def teacher(school):
    return member(school, "teacher", full_name="Tom Teacher", email="teacher@acorn.test")


@pytest.fixture
def ta(school):
    return member(school, "ta", full_name="Tara Assistant", email="ta@acorn.test")


@pytest.fixture
def governor(school):
    return member(school, "governor", full_name="Gil Governor", email="governor@acorn.test")


@pytest.fixture
def trust_lead(school):
    return member(school, "trust_lead", full_name="Lee Lead", email="lead@oak.test")


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
