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
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ALLOWED_SUFFIXES = frozenset(
    {".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".woff", ".woff2", ".ttf", ".otf"}
)
MAX_BYTES = 5 * 1024 * 1024


class FetchRefused(ValueError):
    """The PDF asked for a URL outside the project's static files."""


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
    browser sees it (`request.build_absolute_uri("/")`), so `{% static %}` links resolve."""
    fetcher = url_fetcher or StaticFileFetcher(base_url=base_url)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(pdf_tags=True)


def pdf_response(request, template: str, context: dict, *, filename: str):
    """The one way a page becomes a PDF download: `template` rendered with `pdf` set (the same
    template serves the print view), through WeasyPrint, as an attachment never cached."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from django.utils.cache import add_never_cache_headers

    html = render_to_string(template, {**context, "pdf": True}, request=request)
    response = HttpResponse(
        render_pdf(html, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    add_never_cache_headers(response)
    return response
