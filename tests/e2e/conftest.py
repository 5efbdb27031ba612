"""Browser journeys: headless Debian Chromium through pytest-playwright, against `live_server`.

Every page a journey visits goes through `look(page, label)`: a check that nothing makes the
page scroll sideways and an axe-core run that fails on any violation. A page that fails either
is saved as a full-page screenshot in var/screenshots/ (git-ignored, emptied at the start of each
run); `SCREENSHOTS=1 make test` saves every page visited, for people to look at (the PNGs cost
about a tenth of the journeys' time, so a plain run does without them).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.conftest import CHROMIUM, need
from tests.factories import TEST_PASSWORD

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
EVERY_PAGE = os.environ.get("SCREENSHOTS") == "1"
AXE = Axe()
TABLET = {"width": 768, "height": 1024}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser set up like one in an English school: dates read 25/11/2026."""
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(scope="session", autouse=True)
def _chromium_installed():
    """Session-scoped so that it runs before pytest-playwright launches the browser."""
    need(os.path.exists(CHROMIUM), "Chromium is not installed")


def assert_accessible(page: Page) -> None:
    """Run axe-core (every rule it runs by default) and fail listing each violation."""
    violations = AXE.run(page).response["violations"]
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}" for node in v["nodes"])
        for v in violations
    ]
    assert not violations, f"axe found violations on {page.url}:\n" + "\n".join(lines)


@pytest.fixture(scope="session")
def _screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS


@pytest.fixture
def look(request, _screenshots_dir) -> Callable[[Page, str], None]:
    """`look(page, label)`: screenshot the page, then check its width and run axe on it."""
    test_name = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")
    counter = itertools.count(1)

    def look(page: Page, label: str) -> None:
        path = _screenshots_dir / f"{test_name}-{next(counter):02d}-{label}.png"
        if EVERY_PAGE:
            page.screenshot(path=path, full_page=True)
        try:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px; see {path}"
            assert_accessible(page)
        except AssertionError:
            page.screenshot(path=path, full_page=True)
            raise

    return look


def sign_in(page: Page, live_server, look, email: str) -> None:
    """Sign in through the real login form (looking at it) as one of tests/conftest.py's people."""
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to sendco")).to_be_visible()
    look(page, "login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")
