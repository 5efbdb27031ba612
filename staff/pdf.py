"""PDFs from HTML templates with WeasyPrint, fetching nothing but the project's own static files.

A template rendered to HTML (autoescaped, never built from user input) becomes a PDF through
`render_pdf`. WeasyPrint fetches every image, stylesheet, font and `rel="attachment"` link through
a URL fetcher; the default one would read any `file://` path and open any `http(s)://` URL,
following redirects (GHSA-35jj-wx47-4w8r, GHSA-jf6q-chmf-3h3v, GHSA-983w-rhvv-gwmv). So every
render uses `StaticFileFetcher`, which:

- serves a URL only when it is under `<base_url><STATIC_URL>` (same scheme, host and port as the
  page, path under STATIC_URL), and then reads the file from disk (the staticfiles finders, then
  STATIC_ROOT for collected, hashed names), never over the network, so there is no request and no
  redirect to follow;
- serves only stylesheets, images and fonts (by suffix), at most `MAX_BYTES` each;
- refuses everything else: `file:`, `http(s):` to any other place, `ftp:`, and `data:` too. No
  template of ours needs a `data:` URL, and refusing them all is simpler to check than allowing
  "images only" (a `data:` URL on a `rel="attachment"` link would embed whatever it carries).

A refusal raises `FetchRefused`; WeasyPrint catches it, logs a warning and leaves the resource out
(the page still renders), and the fetcher keeps the URL in `.refused` for tests and the log.

Every render runs under a time limit (RELIABILITY PDF-03). The HTML is built in the web process;
only the HTML -> PDF step runs in a child process forked for it, which is killed when it takes
longer than `PDF_TIME_LIMIT_SECONDS` and may grow by at most `PDF_MEMORY_LIMIT_MB`. A
pathological document (one 216 KB contribution took 5.5 s) then ends with `PdfTooLong`, which
`pdf_response` turns into a page saying what to do, instead of a web worker stuck until
gunicorn kills it and the person sees a 500. Forking costs a few milliseconds because the child
inherits the parent's loaded WeasyPrint and warm font caches (`_warm_up` renders one tiny page
in the parent first, so the children never start cold).
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import multiprocessing
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ALLOWED_SUFFIXES = frozenset(
    {".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".woff", ".woff2", ".ttf", ".otf"}
)
MAX_BYTES = 5 * 1024 * 1024


class FetchRefused(ValueError):
    """The PDF asked for a URL outside the project's static files."""


class PdfTooLong(Exception):
    """Rendering the PDF took longer than PDF_TIME_LIMIT_SECONDS and was stopped."""


class StaticFileFetcher(URLFetcher):
    """A WeasyPrint (>= 70) URL fetcher that serves only the project's own static files."""

    def __init__(self, *, base_url: str) -> None:
        # No protocol is allowed to the parent's opener and no redirect is followed; `fetch`
        # below never calls it anyway.
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        static = urlsplit(urljoin(base_url, settings.STATIC_URL))
        self._origin = (static.scheme.lower(), static.netloc.lower())
        self._static_path = static.path if static.path.endswith("/") else f"{static.path}/"
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = self.static_file(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF: refused to fetch %.120s", url)
            raise FetchRefused(f"Only the project's static files can be fetched, not {url:.120}")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def static_file(self, url: str) -> Path | None:
        """The file on disk that `url` names, or None when it is not one of our static files."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if (parts.scheme.lower(), parts.netloc.lower()) != self._origin:
            return None
        if not parts.path.startswith(self._static_path):
            return None
        name = unquote(parts.path[len(self._static_path) :])
        relative = PurePosixPath(name)
        if (
            not name
            or "\x00" in name
            or "\\" in name
            or relative.is_absolute()
            or any(part in ("", ".", "..") for part in name.split("/"))
            or relative.suffix.lower() not in ALLOWED_SUFFIXES
        ):
            return None
        for candidate in self._candidates(name):
            if candidate.is_file() and candidate.stat().st_size <= MAX_BYTES:
                return candidate
        return None

    @staticmethod
    def _candidates(name: str):
        found = finders.find(name)
        if found:
            yield Path(found)
        if settings.STATIC_ROOT:
            root = Path(settings.STATIC_ROOT).resolve()
            candidate = (root / name).resolve()
            if candidate.is_relative_to(root):
                yield candidate


def render_pdf(html: str, *, base_url: str, url_fetcher: StaticFileFetcher | None = None) -> bytes:
    """An A4 (by the template's @page), tagged PDF of `html`. `base_url` is the site's root as the
    browser sees it (`request.build_absolute_uri("/")`), so `{% static %}` links resolve.

    Rendered in a child process stopped after PDF_TIME_LIMIT_SECONDS (`PdfTooLong`); what the
    fetcher served and refused there is copied back onto `url_fetcher`."""
    fetcher = url_fetcher or StaticFileFetcher(base_url=base_url)
    limit = settings.PDF_TIME_LIMIT_SECONDS
    if not limit:
        return _write_pdf(html, base_url, fetcher)
    _warm_up()
    pdf, served, refused = _in_child(html, base_url, fetcher, limit)
    fetcher.served += served
    fetcher.refused += refused
    return pdf


def _write_pdf(html: str, base_url: str, fetcher: StaticFileFetcher) -> bytes:
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(pdf_tags=True)


def _in_child(html: str, base_url: str, fetcher: StaticFileFetcher, limit: float):
    """Run `_write_pdf` in a forked child; kill it after `limit` seconds.

    'fork' and not 'spawn' or 'forkserver': the child starts with everything already imported
    and set up (Django, WeasyPrint, fonts), and takes its arguments without pickling."""
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_child, args=(sender, html, base_url, fetcher), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise PdfTooLong(f"The PDF took longer than {limit} seconds and was stopped.")
        status, value = receiver.recv()
    except EOFError as error:  # the child died without a word (killed, out of memory)
        raise PdfTooLong("The PDF could not be finished.") from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status == "error":
        raise value
    return value


def _child(sender, html: str, base_url: str, fetcher: StaticFileFetcher) -> None:
    """In the child: render and send back the PDF with what the fetcher did, or the error."""
    try:
        _cap_memory(settings.PDF_MEMORY_LIMIT_MB)
        pdf = _write_pdf(html, base_url, fetcher)
        sender.send(("ok", (pdf, fetcher.served, fetcher.refused)))
    except (MemoryError, SystemError):
        # A C library that cannot allocate under the cap fails either way: CPython's own
        # MemoryError, or a C extension returning an error without setting one (SystemError).
        sender.send(("error", PdfTooLong("The PDF needed more memory than it may use.")))
    except Exception as error:  # handed to the parent, which raises it
        try:
            sender.send(("error", error))
        except Exception:  # not picklable: its words are enough
            sender.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        sender.close()


def _cap_memory(megabytes: int) -> None:
    """Let the child grow by at most `megabytes` beyond what it inherited (Linux; 0: no cap), so
    a huge document (WeasyPrint #691) fails alone instead of starving the server."""
    if not megabytes:
        return
    try:
        import resource

        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * resource.getpagesize()
    except (ImportError, OSError):
        return
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    cap = inherited + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


WARM_UP_HTML = "<!doctype html><html lang=en-GB><title>.</title><p>Warm up</p></html>"


@functools.cache
def _warm_up() -> None:
    """Render a tiny page once in this process, so the fonts and caches every child inherits are
    already loaded (a cold child spends longer finding fonts than rendering a short PDF)."""
    base_url = "http://localhost/"
    _write_pdf(WARM_UP_HTML, base_url, StaticFileFetcher(base_url=base_url))


KEPT_SECONDS = 24 * 60 * 60  # a kept PDF is dropped after a day unless asked for again


def _kept(key: str | None) -> bytes | None:
    if key is None:
        return None
    try:
        return cache.get(f"pdf:{key}")
    except Exception:  # noqa: BLE001 - any failure of the cache's server: render it instead
        logger.warning("PDF: the cache is out of reach; %s is rendered", key, exc_info=True)
        return None


def _keep(key: str | None, pdf: bytes) -> None:
    if key is None:
        return
    try:
        cache.set(f"pdf:{key}", pdf, timeout=KEPT_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("PDF: the cache is out of reach; %s is not kept", key, exc_info=True)


def pdf_response(request, template: str, context: dict, *, filename: str, kept: str | None = None):
    """The one way a page becomes a PDF download: `template` rendered with `pdf` set (the same
    template serves the print view), through WeasyPrint, as an attachment never cached. A PDF
    over the time limit is a page saying so (422, so it is not audited as printed).

    `kept` names a document that never changes once made (a published version, frozen): its PDF
    is rendered once and kept in the cache under that name for a day (then rendered once more), so
    anonymous requests for a public PDF cost a cache read, not a render. Never for a document
    holding pupil data: the cache is not where that is kept. A cache out of reach only means
    the PDF is rendered."""
    from django.http import HttpResponse
    from django.shortcuts import render
    from django.template.loader import render_to_string
    from django.utils.cache import add_never_cache_headers

    pdf = _kept(kept)
    if pdf is None:
        html = render_to_string(template, {**context, "pdf": True}, request=request)
        try:
            pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
        except PdfTooLong:
            logger.warning(
                "PDF: %s stopped after %s s", request.path, settings.PDF_TIME_LIMIT_SECONDS
            )
            response = render(request, "staff/pdf_too_long.html", status=422)
            add_never_cache_headers(response)
            return response
        _keep(kept, pdf)
    response = HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    add_never_cache_headers(response)
    return response
