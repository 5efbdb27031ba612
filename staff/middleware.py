"""Request-wide concerns of the ground floor: request context for the audit trail, session
lifetime, and no caching of pages that may hold pupil data."""

from __future__ import annotations

import contextvars
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from .client_ip import client_ip


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    request_id: str


current_request: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "current_request", default=None
)

LOGIN_AT_KEY = "sendco_login_at"
TOUCHED_AT_KEY = "sendco_touched_at"


class SessionLifetimeMiddleware:
    """Gives each request an id for the audit trail and ends sessions older than 12 hours.

    The 30-minute idle limit is the session's age, renewed when the session is saved. Saving
    on every request would write the session row on every page; instead a request renews it
    when the last renewal is SESSION_TOUCH_SECONDS old, so the idle limit is kept to within a
    minute and most requests write nothing. This middleware also holds the absolute limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(
            ip=client_ip(request),
            request_id=request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex,
        )
        token = current_request.set(info)
        try:
            if request.user.is_authenticated:
                login_at = request.session.get(LOGIN_AT_KEY)
                too_old = login_at is None or time.time() - login_at > (
                    settings.SESSION_ABSOLUTE_SECONDS
                )
                if too_old:
                    logout(request)
                    messages.info(request, "Your session has ended. Please sign in again.")
                    return redirect_to_login(request.get_full_path())
                _renew_idle_limit(request.session)
            return self.get_response(request)
        finally:
            current_request.reset(token)


def _renew_idle_limit(session) -> None:
    """Mark the session changed (so it is saved, with a new expiry) once a minute at most."""
    now = int(time.time())
    if now - session.get(TOUCHED_AT_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
        session[TOUCHED_AT_KEY] = now


class NoStoreMiddleware:
    """Pages for signed-in people may show pupil data: browsers and proxies must not keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response


class MfaMiddleware:
    """AU-01, AC-12: a signed-in session that still owes a code (the person has set up
    two-step sign-in) or an enrolment (their role must use it) sees only the MFA pages, sign
    out and public pages; every other page redirects there, so no page with pupil data loads.
    The Django admin asks everyone with admin access for a code, whatever MFA_REQUIRED says."""

    OPEN_VIEWS = frozenset({"logout", "mfa:verify", "mfa:setup"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        from django.shortcuts import redirect
        from django.utils.http import urlencode

        from .mfa import services as mfa

        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        admin_page = match is not None and match.namespace == "admin"
        open_page = getattr(view_func, "login_required", True) is False or (
            match is not None and match.view_name in self.OPEN_VIEWS
        )
        if open_page and not admin_page:
            return None
        state = mfa.session_state(request)
        if state == mfa.NONE and admin_page and (user.is_staff or user.is_superuser):
            state = mfa.ENROL
        if state == mfa.NONE:
            return None
        if request.headers.get("HX-Request"):
            # A part of a page (the header's notification count on the code page itself):
            # nothing, rather than the set-up page swapped into the header.
            return HttpResponse(status=204)
        target = "mfa:verify" if state == mfa.VERIFY else "mfa:setup"
        url = redirect(target).url
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
