"""The provision map's print view and PDF, and the PDF's URL fetcher (RELIABILITY PDF-01)."""

from __future__ import annotations

import datetime as dt
import faulthandler
import shutil
import socket
import subprocess
import time

import pytest
import time_machine
from django.urls import reverse

from staff.models import AuditEvent
from staff.pdf import FetchRefused, PdfTooLong, StaticFileFetcher, render_pdf
from tests.conftest import need, shared_acorn_fixtures
from tests.provision.test_map import build_map_world

BASE = "http://testserver/"


@pytest.fixture(autouse=True)
def _on_10_november():
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


# Built once for the module; each test gets fresh copies and a savepoint (tests/conftest.py).
globals().update(
    shared_acorn_fixtures(
        lambda a: build_map_world(a["school"], a["ta"]),
        "ta",
        on=dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC),
    )
)


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a connection is recorded and refused."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def _poppler(tool: str, pdf: bytes, tmp_path) -> str:
    need(shutil.which(tool) is not None, f"{tool} (poppler-utils) is not installed")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    # -raw: the content stream's order (the HTML's), whatever the fonts; -layout would place
    # words by their measured width, so a name that wraps in another font reads differently.
    args = [tool, "-raw", str(path), "-"] if tool == "pdftotext" else [tool, str(path)]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout  # noqa: S603


# --------------------------------------------------------------------------------------------------
# The print view and the PDF
# --------------------------------------------------------------------------------------------------


def test_print_view_is_a_clean_page(client, school, sendco, world):
    client.force_login(sendco)
    response = client.get(reverse("provision_map:map_print", args=[school.slug]), {"year": "3"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="navbar' not in body  # no site menu
    assert "/static/provision/print.css" in body
    assert "Provision map: Acorn Primary" in body
    assert "Autumn term 2026/27, Year 3" in body
    assert "Talk Boost" in body
    assert "Ada Lovelace" in body
    assert "Calum Carter" not in body
    [event] = AuditEvent.objects.filter(action="provision.map.printed")
    assert event.detail["format"] == "html"
    assert event.detail["groups"] == 2


def test_pdf_download(client, school, sendco, world, tmp_path, no_network):
    client.force_login(sendco)
    response = client.get(reverse("provision_map:map_pdf", args=[school.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="provision-map-acorn-autumn-2026-27.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert b"/EmbeddedFile" not in pdf
    assert no_network == []

    text = " ".join(_poppler("pdftotext", pdf, tmp_path).split())
    assert "Provision map: Acorn Primary" in text
    assert "Talk Boost" in text
    assert "Precision Teaching" in text
    assert "Ada Lovelace" in text
    assert "£850.00" in text  # the total cost of the autumn term's groups
    assert "No notional SEN budget has been entered for 2026/27." in text
    assert "Confidential: contains information about pupils with SEND" in text
    assert "Page 1 of 1" in text

    info = " ".join(_poppler("pdfinfo", pdf, tmp_path).split())
    assert "Tagged: yes" in info
    assert "Page size: 841.89 x 595.276 pts (A4)" in info  # A4 landscape
    assert "Title: Provision map: Acorn Primary, Autumn term 2026/27" in info

    [event] = AuditEvent.objects.filter(action="provision.map.printed")
    assert event.actor == sendco
    assert event.detail["format"] == "pdf"
    assert event.detail["pupils"] == 4
    assert not AuditEvent.objects.filter(action="provision.map.viewed").exists()


def test_pdf_of_a_filtered_map(client, school, sendco, world, tmp_path):
    client.force_login(sendco)
    response = client.get(reverse("provision_map:map_pdf", args=[school.slug]), {"term": "spring"})
    assert 'filename="provision-map-acorn-spring-2026-27.pdf"' in response["Content-Disposition"]
    text = " ".join(_poppler("pdftotext", response.content, tmp_path).split())
    assert "Lego Therapy" in text
    assert "Ben Babbage" in text
    assert "Talk Boost" not in text
    assert "£400.00" in text


def test_a_long_map_numbers_its_pages(client, school, sendco, ta, world, tmp_path):
    from tests.provision.test_map import _grow

    _grow(school, ta, world, 40)
    client.force_login(sendco)
    response = client.get(reverse("provision_map:map_pdf", args=[school.slug]))
    text = _poppler("pdftotext", response.content, tmp_path)
    pages = int(_poppler("pdfinfo", response.content, tmp_path).split("Pages:")[1].split()[0])
    assert pages > 1
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    assert text.count("Confidential: contains information about pupils with SEND") >= pages


# --------------------------------------------------------------------------------------------------
# The URL fetcher: only the project's own static files, read from disk
# --------------------------------------------------------------------------------------------------

HOSTILE = """<!doctype html><html lang="en-GB"><head><title>Hostile</title>
<link rel="stylesheet" href="/static/provision/print.css">
<link rel="attachment" href="http://169.254.169.254/latest/meta-data/">
<link rel="attachment" href="data:text/plain;base64,c2VjcmV0">
<style>
@import url("https://evil.example/steal.css");
body { background-image: url("file:///etc/hostname"); }
</style></head>
<body><h1>Hostile</h1>
<img src="file:///etc/passwd" alt="">
<img src="http://testserver/static/../../../etc/passwd.png" alt="">
<img src="http://169.254.169.254/static/provision/print.css" alt="">
<a rel="attachment" href="file:///etc/passwd">passwd</a>
</body></html>"""


def test_hostile_html_fetches_nothing(no_network, caplog):
    fetcher = StaticFileFetcher(base_url=BASE)
    pdf = render_pdf(HOSTILE, base_url=BASE, url_fetcher=fetcher)
    assert pdf.startswith(b"%PDF-")
    assert set(fetcher.refused) == {
        "http://169.254.169.254/latest/meta-data/",
        "data:text/plain;base64,c2VjcmV0",
        "https://evil.example/steal.css",
        "file:///etc/hostname",
        "file:///etc/passwd",
        "http://testserver/static/../../../etc/passwd.png",
        "http://169.254.169.254/static/provision/print.css",
    }
    assert fetcher.served == ["http://testserver/static/provision/print.css"]
    assert b"/EmbeddedFile" not in pdf
    assert b"/Filespec" not in pdf
    assert no_network == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://169.254.169.254/",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "https://testserver/static/provision/print.css",  # another scheme
        "http://testserver:8080/static/provision/print.css",  # another port
        "http://evil.example/static/provision/print.css",
        "http://testserver.evil.example/static/provision/print.css",
        "http://user@testserver/static/provision/print.css",
        "http://testserver/media/upload.png",
        "http://testserver/static/",
        "http://testserver/static/%2e%2e/%2e%2e/etc/passwd.css",
        "http://testserver/static/..%2f..%2fetc%2fpasswd.css",
        "http://testserver/static//etc/passwd.css",
        "http://testserver/static/provision/missing.css",
        "http://testserver/static/sendco/sendco.js",  # not a stylesheet, image or font
        "data:image/png;base64,iVBORw0KGgo=",
        "data:text/css,body{}",
        "ftp://testserver/static/provision/print.css",
        "gopher://127.0.0.1:6379/_INFO",
        "/static/provision/print.css",  # never joined to a base: refused
    ],
)
def test_fetcher_refuses(url, no_network):
    fetcher = StaticFileFetcher(base_url=BASE)
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert no_network == []


def test_fetcher_serves_static_files_from_disk(no_network):
    fetcher = StaticFileFetcher(base_url=BASE)
    response = fetcher.fetch("http://testserver/static/provision/print.css?v=1#x")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    response.close()
    # Django apps' static files come through the finders too.
    response = fetcher("http://testserver/static/bootstrap/css/bootstrap.min.css")
    assert response.content_type == "text/css"
    response.close()
    assert no_network == []


def test_an_allowed_address_is_never_fetched_over_the_network(no_network):
    """An allowed host that would redirect to an internal address cannot: the fetcher reads
    static files from disk and has nothing to send a request with."""
    fetcher = StaticFileFetcher(base_url="http://redirector.example/")
    with pytest.raises(FetchRefused):
        fetcher.fetch("http://redirector.example/static/redirect-to-metadata.png")
    assert no_network == []


def test_collected_static_files_are_served(settings, tmp_path, no_network):
    """Production's collected, hashed names are only under STATIC_ROOT."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "provision").mkdir()
    (tmp_path / "provision" / "print.0123abcd.css").write_text("@page { size: A4 }")
    fetcher = StaticFileFetcher(base_url=BASE)
    response = fetcher.fetch("http://testserver/static/provision/print.0123abcd.css")
    assert response.read() == b"@page { size: A4 }"
    response.close()


# --------------------------------------------------------------------------------------------------
# Every PDF under a time limit (RELIABILITY PDF-03)
# --------------------------------------------------------------------------------------------------

LONG = "<!doctype html><html lang=en-GB><title>Long</title><body>{}</body></html>".format(
    "".join(f"<p>Contribution paragraph {n} " + "word " * 200 + "</p>" for n in range(2000))
)


def test_a_pdf_over_the_time_limit_is_stopped(settings):
    settings.PDF_TIME_LIMIT_SECONDS = 0.5
    started = time.monotonic()
    with pytest.raises(PdfTooLong):
        render_pdf(LONG, base_url=BASE)
    assert time.monotonic() - started < 3, "stopped at the limit, not left to finish"


def test_a_pdf_within_the_time_limit_is_made_as_before(settings):
    settings.PDF_TIME_LIMIT_SECONDS = 20
    fetcher = StaticFileFetcher(base_url=BASE)
    pdf = render_pdf(HOSTILE, base_url=BASE, url_fetcher=fetcher)
    assert pdf.startswith(b"%PDF-")
    assert fetcher.served == ["http://testserver/static/provision/print.css"]
    assert "file:///etc/passwd" in fetcher.refused


def test_a_pdf_over_the_limit_is_a_page_saying_what_to_do(client, school, sendco, world, settings):
    settings.PDF_TIME_LIMIT_SECONDS = 0.001
    client.force_login(sendco)
    response = client.get(reverse("provision_map:map_pdf", args=[school.slug]))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "This document is too long to print as a PDF" in page
    assert "Save as PDF" in page
    assert not AuditEvent.objects.filter(action="provision.map.printed").exists()


def test_a_pdf_needing_too_much_memory_is_stopped(settings):
    settings.PDF_MEMORY_LIMIT_MB = 1
    settings.PDF_TIME_LIMIT_SECONDS = 300  # stopped by memory, not by time
    quiet = faulthandler.is_enabled()
    faulthandler.disable()  # the child may die in C code: no thread dump in the test output
    try:
        with pytest.raises(PdfTooLong):
            render_pdf(LONG, base_url=BASE)
    finally:
        if quiet:
            faulthandler.enable()


def test_a_long_maps_total_row_is_printed_once_at_the_end(
    client, school, sendco, ta, world, tmp_path
):
    """The total row totals every group of the map, so it appears once, after the last group on
    the last page, not at the foot of every page under that page's groups."""
    from tests.provision.test_map import _grow

    _grow(school, ta, world, 40)
    client.force_login(sendco)
    response = client.get(reverse("provision_map:map_pdf", args=[school.slug]))
    found = response.context["map"]
    pages = _poppler("pdftotext", response.content, tmp_path).split("\f")
    pages = [" ".join(page.split()) for page in pages if page.strip()]
    assert len(pages) > 1
    total = f"Total: {len(found.rows)} groups {found.pupils_reached} pupils reached"
    assert [page.count(total) for page in pages] == [0] * (len(pages) - 1) + [1]
    assert "Total:" not in " ".join(pages[:-1])
    last = pages[-1]
    assert last.index(found.rows[-1].costed.group.name) < last.index(total)
    assert f"£{found.cost:,.2f}" in last.split(total)[1]
