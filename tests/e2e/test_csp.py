"""The Content-Security-Policy in a real browser: what it refuses, and that the journeys' check
(conftest's `csp_violations` and `look`) notices when it does."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_provision_journeys import talk_boost  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injectedRan = true";
  document.body.append(script);
  const img = document.createElement("img");
  img.src = "https://tracker.example.com/pixel.gif";
  img.alt = "";
  document.body.append(img);
}"""


def _wait_for(seen: list[str], page: Page, count: int) -> None:
    for _ in range(40):
        if len(seen) >= count:
            return
        page.wait_for_timeout(50)


def test_injected_script_and_tracker_are_refused_and_fail_the_journey(
    page: Page, live_server, look, csp_violations, sendco
):
    """An injected inline script does not run and a third-party image does not load; `look`
    then fails naming both. The page itself, with htmx and Bootstrap, refuses nothing."""
    sign_in(page, live_server, look, "sendco@acorn.test")
    expect(page.get_by_text("You are signed in as SENDCo.")).to_be_visible()
    # htmx (no eval, no inline style) still swaps in the notification count on the page's load.
    expect(page.locator("[hx-get$='/notifications/count/']")).to_have_count(0)
    page.get_by_role("button", name="Sam Sendco").click()  # Bootstrap's dropdown script
    expect(page.get_by_role("link", name="Change password")).to_be_visible()
    look(page, "home")

    page.evaluate(INJECT)
    _wait_for(csp_violations, page, 2)
    assert page.evaluate("window.injectedRan") is None
    with pytest.raises(AssertionError, match="Content-Security-Policy refused") as failure:
        look(page, "injected")
    assert "script-src" in str(failure.value)
    assert "tracker.example.com" in str(failure.value)
    assert csp_violations == [], "reported once, by look, not again at the journey's end"


@pytest.mark.usefixtures("talk_boost")
def test_the_provision_map_prints_under_the_policy(page: Page, live_server, look, school, sendco):
    """The print view (HTML, unlike the PDF, is under the CSP) keeps its own stylesheet: the
    links above the map are hidden on paper."""
    sign_in(page, live_server, look, "sendco@acorn.test")
    expect(page.get_by_text("You are signed in as SENDCo.")).to_be_visible()
    page.goto(live_server.url + reverse("provision_map:map_print", args=[school.slug]))
    expect(page.get_by_role("heading", name="Provision map: Acorn Primary")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Talk Boost Year 3")
    look(page, "map-print")
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download as a PDF")).to_be_hidden()
    look(page, "map-print-on-paper")
