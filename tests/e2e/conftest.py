"""Browser journeys: headless Debian Chromium through pytest-playwright, against `live_server`.

Every page a journey visits goes through `look(page, label)`: a check that nothing makes the
page scroll sideways, an axe-core run that fails on any violation, and a check that the browser
refused nothing under the Content-Security-Policy. Every browser context a journey opens (the
`page` fixture's and any `browser.new_context()`) listens for CSP violations from the first
page on, so one on a page nobody looked at, or after the last look, fails the journey too. A
page that fails a check is saved as a full-page screenshot in var/screenshots/ (git-ignored,
emptied at the start of each run); `SCREENSHOTS=1 make test` saves every page visited, for
people to look at (the PNGs cost about a tenth of the journeys' time, so a plain run does
without them).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

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


# Added to every page before its own scripts run: report each CSP violation to the test. Playwright
# runs init scripts and exposed functions outside the page's CSP, so no bypass is needed and the
# page's own violations are still seen. (axe-core goes in through `page.evaluate`, also outside.)
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__sendcoCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline code"}`
    + ` (${event.sourceFile || document.URL}:${event.lineNumber})`
    + (event.sample ? `: ${event.sample}` : "")
  );
}, true);
"""


def _watch_csp(context: BrowserContext, seen: list[str]) -> BrowserContext:
    """Record in `seen` every CSP violation in `context`: from the page's own event, and from
    Chromium's console line ("Refused to ... Content Security Policy"), which also covers a
    violation while a page is unloading."""
    context.expose_function("__sendcoCspViolation", lambda text: seen.append(text))
    context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message) -> None:
        # Also a header Chromium does not understand (a Permissions-Policy feature it lacks).
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            seen.append(f"console: {message.text}")

    context.on("console", on_console)
    context._sendco_csp_violations = seen  # noqa: SLF001 - read by look()
    return context


@pytest.fixture
def watch_csp(browser: Browser, monkeypatch) -> Iterator[list[str]]:
    """Every context this journey opens watches for CSP violations; any at all fails it. A
    browser test outside tests/e2e asks for it with `@pytest.mark.usefixtures("watch_csp")`."""
    seen: list[str] = []
    new_context = browser.new_context
    monkeypatch.setattr(
        browser, "new_context", lambda **kwargs: _watch_csp(new_context(**kwargs), seen)
    )
    yield seen
    assert not seen, "after the last look, the Content-Security-Policy refused:\n  " + "\n  ".join(
        seen
    )


@pytest.fixture(autouse=True)
def csp_violations(watch_csp: list[str]) -> list[str]:
    """Every journey here watches for CSP violations."""
    return watch_csp


def assert_no_csp_violations(page: Page) -> None:
    """Fail listing what the CSP refused so far; each is reported once (here, not again at the
    journey's end)."""
    seen = getattr(page.context, "_sendco_csp_violations", None)
    assert seen is not None, "this page's browser context does not watch for CSP violations"
    refused, seen[:] = list(seen), []
    assert not refused, f"the Content-Security-Policy refused, by {page.url}:\n  " + "\n  ".join(
        refused
    )


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
        # A click that navigates returns once the new page has committed, before it has a
        # document to measure: wait for it to load (CI once read a null documentElement).
        page.wait_for_load_state("load")
        if EVERY_PAGE:
            page.screenshot(path=path, full_page=True)
        try:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px; see {path}"
            assert_accessible(page)
            assert_no_csp_violations(page)
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


def nav_to(page: Page, group: str, link: str | None = None) -> None:
    """Follow the header to a page: the group's menu button and its link, or the group's one
    link when the person has only one page in it (a teacher's "Support plans")."""
    nav = main_nav(page)
    button = nav.get_by_role("button", name=group, exact=True)
    if button.count():
        button.click()
        nav.get_by_role("link", name=link or group, exact=True).click()
    else:
        nav.get_by_role("link", name=link or group, exact=True).click()
