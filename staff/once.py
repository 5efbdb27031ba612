"""Every form is sent once: a double click, or Back and send again, never creates twice.

Each POST form carries a one-time token in a hidden field (`form_token`): the `{% csrf_token %}`
tag of every template renders it beside the CSRF token (staff/templatetags/once.py, a template
builtin), so a new form has it without anyone remembering. `FormOnceMiddleware` claims the token
in the database before the view runs (one row per person and token, so it holds across gunicorn
workers and against two requests arriving together), and after the view:

- the view redirected (it saved): the row keeps where it went; a later POST with the same token
  does not run the view again and is sent there too;
- anything else (the form shown again with its errors, a refusal, an error): the claim is
  released, so nothing is remembered for a POST that saved nothing.

A second POST arriving while the first is still being saved waits for it (up to WAIT_SECONDS)
and then follows it. POSTs without a token (an API client, htmx requests that send no form)
are untouched: the token is a guard against repeats, not a permission.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

FIELD = "form_token"
TOKEN = re.compile(r"[0-9a-f]{32}")
KEEP = timedelta(days=1)
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.1


def new_token() -> str:
    return secrets.token_hex(16)


class FormOnceMiddleware:
    """Put after the authentication and CSRF middleware: a token is claimed only for a signed-in
    person's POST that passed the CSRF check."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        claim = getattr(request, "_form_claim", None)
        if claim is not None:
            _settle(claim, response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        token = request.POST.get(FIELD, "")
        if not TOKEN.fullmatch(token):
            return None
        return _claim(request, token)


def _claim(request: HttpRequest, token: str) -> HttpResponse | None:
    """Claim `token` for this request (None: run the view), or the answer for a repeat."""
    from .models import SubmittedForm

    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                request._form_claim = SubmittedForm.objects.create(user=request.user, token=token)
            _forget_old(request.user)
            return None
        except IntegrityError:
            pass
        went_to = (
            SubmittedForm.objects.filter(user=request.user, token=token)
            .values_list("went_to", flat=True)
            .first()
        )
        if went_to:
            return HttpResponseRedirect(went_to)
        if went_to is None:
            continue  # the first try saved nothing and let go: this one may save
        if time.monotonic() > deadline:
            messages.info(request, "This form is still being saved: wait a moment, then look.")
            return HttpResponseRedirect(request.get_full_path())
        time.sleep(POLL_SECONDS)


def _settle(claim, response: HttpResponse) -> None:
    """Keep where a saving POST went; let go of the claim of one that saved nothing."""
    if 300 <= response.status_code < 400 and response.has_header("Location"):
        claim.went_to = response["Location"][:2000]
        claim.save(update_fields=["went_to"])
    else:
        claim.delete()


def _forget_old(user) -> None:
    from .models import SubmittedForm

    SubmittedForm.objects.filter(user=user, created_at__lt=timezone.now() - KEEP).delete()
