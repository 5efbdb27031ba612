"""Security headers on every kind of response (RELIABILITY CF-02, CF-05; issue 12 item 8).

A strict Content-Security-Policy means an injected `<script>` or `onclick=` never runs, and no
third-party script, style or tracker loads; the Permissions-Policy switches off the browser
features sendco never uses (camera, microphone, location, payment...), so no script could reach
them even if one got in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse

from staff import calendar as school_calendar
from staff import layers

ROOT = Path(__file__).resolve().parent.parent.parent


def _directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, f"no Content-Security-Policy on a {response.status_code} response"
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in parts}


def assert_strict_headers(response) -> None:
    """The policy and the other headers every response must carry."""
    csp = _directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"], "scripts only from our own origin, nothing inline"
    assert csp["style-src"] == ["'self'"], "styles only from our own stylesheets"
    assert csp["img-src"] == ["'self'", "data:"], "Bootstrap's icons are data: SVGs in its CSS"
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-" not in header
    assert "nonce-" not in header

    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert f"{feature}=()" in permissions, f"{feature} is not denied: {permissions!r}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_sign_in_page(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict_headers(response)
    assert response.headers["X-Frame-Options"] == "DENY"  # for browsers without CSP 2


def test_a_signed_in_page(client, school, sendco):
    client.force_login(sendco)
    response = client.get(reverse("school_home", args=[school.slug]))
    assert response.status_code == 200
    assert_strict_headers(response)


def test_a_page_not_found(client, sendco):
    client.force_login(sendco)
    response = client.get("/s/no-such-school/")
    assert response.status_code == 404
    assert_strict_headers(response)


def test_a_pdf(client, school, sendco):
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        school_calendar.create_default_year(school=school, academic_year_start=2026)
        client.force_login(sendco)
        response = client.get(reverse("provision_map:map_pdf", args=[school.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_strict_headers(response)


def test_a_print_view(client, school, sendco):
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        school_calendar.create_default_year(school=school, academic_year_start=2026)
        client.force_login(sendco)
        response = client.get(reverse("provision_map:map_print", args=[school.slug]))
    assert response.status_code == 200
    assert_strict_headers(response)


def test_a_static_file_served_by_whitenoise(client, db, settings):
    """Static files go through WhiteNoise, which answers before the views: they carry the
    headers too (an SVG or HTML file under /static/ is a document a browser could open)."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/sendco/sendco.js")
    response.close()
    assert response.status_code == 200
    assert_strict_headers(response)


@login_not_required
def _fails(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", _fails)]


@pytest.mark.urls(__name__)
def test_the_error_page(client, db):
    """The page shown when something breaks: under the policy, styled by our own stylesheet."""
    client.raise_request_exception = False
    response = client.get("/fails/")
    assert response.status_code == 500
    assert_strict_headers(response)
    body = response.content.decode()
    assert "Something went wrong" in body
    assert '<link rel="stylesheet" href="/static/sendco/sendco.css">' in body


def test_the_health_check(client, db):
    response = client.get("/healthz")
    assert_strict_headers(response)


def test_htmx_is_set_up_to_need_no_inline_style_or_eval(client, school, sendco):
    """htmx adds an inline <style> for its indicators and evaluates `hx-on`/`js:` values unless
    told not to; both would be refused by the policy (and `eval` is what an attacker wants)."""
    client.force_login(sendco)
    body = client.get(reverse("school_home", args=[school.slug])).content.decode()
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', body)
    assert meta, "no htmx-config meta tag"
    assert body.index('name="htmx-config"') < body.index("htmx-2"), "the config must come first"
    config = json.loads(meta.group(1))
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    css = (ROOT / "static" / "sendco" / "sendco.css").read_text()
    assert ".htmx-indicator" in css, "the indicator styles htmx no longer adds must be ours"


def test_deploy_checks_find_nothing_new(tmp_path):
    """`check --deploy` with production settings: the security headers leave it silent."""
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "x",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# Emails are not served under the policy, and mail clients need styles inline: left out.
TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*.html") if "email" not in p.parts)
# HTML built in Python (the SVG charts) is checked too.
HTML_IN_PYTHON = [
    path
    for app in layers.APPS
    for path in sorted((ROOT / app).rglob("*.py"))
    if "migrations" not in path.parts
]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>\s*\S", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
HTMX_EVAL = re.compile(r"\shx-on[:-]|\shx-(?:vals|vars)\s*=\s*[\"']\s*js:|javascript:", re.I)


def _inline_code(text: str) -> list[str]:
    checks = [
        (INLINE_SCRIPT, "an inline <script> with a body"),
        (HANDLER, "an on…= event handler attribute"),
        (STYLE_ATTRIBUTE, "a style= attribute"),
        (STYLE_ELEMENT, "a <style> element"),
        (HTMX_EVAL, "code htmx would have to eval (hx-on, js:, javascript:)"),
    ]
    return [
        f"line {text.count(chr(10), 0, match.start()) + 1}: {what}"
        for pattern, what in checks
        for match in pattern.finditer(text)
    ]


@pytest.mark.parametrize("path", TEMPLATES + HTML_IN_PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_style_or_handler(path):
    """The policy refuses inline code and styles, so none may creep back into a template (or
    the HTML a module writes): scripts go in static/sendco/sendco.js, styles in sendco.css."""
    assert _inline_code(path.read_text()) == []


def test_the_inline_check_catches_what_it_forbids():
    forbidden = [
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        '<section class="x" style="max-width: 40rem">',
        "<style>.a{}</style>",
        '<div hx-on:click="go()">',
        "<input hx-vals='js:{a: 1}'>",
        '<a href="javascript:go()">',
    ]
    assert all(_inline_code(html) for html in forbidden)
    allowed = [
        '<script src="/static/sendco/sendco.js"></script>',
        '<rect x="1" fill="#0b5394"/>',
        '<a href="/s/acorn/" data-on="x">',
    ]
    assert not any(_inline_code(html) for html in allowed)
