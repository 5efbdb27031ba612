"""The parent's pages: no account, no sign-in. A code (typed, or in the link) finds the link;
nothing about the child is shown until the child's date of birth is given, and then only for
a short time in this browser (the session holds the checked link, not a login). After the views
are sent the link says thank you and opens nothing more.

Every page: never cached, never indexed, and no referrer sent to another site (the code is in
the address). `same-origin`, not `no-referrer`: with no referrer at all Chromium sends a form's
POST with `Origin: null`, which Django's CSRF check rightly refuses."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from staff.client_ip import client_ip
from staff.http import form_data, save_form, stored_download

from . import link_selectors, link_services, rules, throttle
from .link_forms import BirthForm, CodeForm, ViewsForm
from .models import ViewsLink

CHECKED = "families_checked_link"
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def family_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public parent's page: no sign-in, and headers that keep it out of caches, search
    engines and other sites' referrer logs."""

    @login_not_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = _kind(request, "not_found", 404)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def _kind(request: HttpRequest, template: str, status: int, **context) -> HttpResponse:
    return render(request, f"families/public/{template}.html", context, status=status)


def _too_many(request: HttpRequest) -> HttpResponse:
    return _kind(request, "too_many", 429)


def _checked(request: HttpRequest, link: ViewsLink) -> bool:
    kept = request.session.get(CHECKED)
    return bool(kept) and kept[0] == str(link.public_id) and kept[1] > time.time()


def _found(request: HttpRequest, code: str) -> ViewsLink:
    link = link_services.link_by_code(code)
    if link is None:
        throttle.failed(client_ip(request))
        raise Http404("No such link.")
    return link


def _ended(request: HttpRequest, link: ViewsLink, now) -> HttpResponse | None:
    """The page of a link that cannot be used (nothing about the child on it), or None."""
    status = link.status(now)
    if status == ViewsLink.Status.GIVEN:
        return _kind(request, "thanks", 200, school=link.school)
    if status == ViewsLink.Status.LOCKED:
        return _kind(request, "locked", 403, school=link.school)
    if status in (ViewsLink.Status.EXPIRED, ViewsLink.Status.REVOKED):
        return _kind(request, "ended", 410, school=link.school)
    return None


@family_page
@GET_POST
def start(request: HttpRequest) -> HttpResponse:
    """Type the code from the letter."""
    if throttle.limited(client_ip(request)):
        return _too_many(request)
    form = CodeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if link_services.link_by_code(form.cleaned_data["code"]) is not None:
            return redirect("families_public:link", rules.normalise(form.cleaned_data["code"]))
        throttle.failed(client_ip(request))
        form.add_error("code", _("We cannot find this code. Check it and try again."))
    return render(request, "families/public/start.html", {"form": form})


@family_page
@GET_POST
def link(request: HttpRequest, code: str) -> HttpResponse:
    """The date of birth check, before anything about the child is shown."""
    ip = client_ip(request)
    if throttle.limited(ip):
        return _too_many(request)
    found = _found(request, code)
    now, _today = link_services.now_and_today()
    if ended := _ended(request, found, now):
        return ended
    if _checked(request, found):
        return redirect("families_public:plan", code)
    form = BirthForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if link_services.link_check(link=found, ip=ip, now=now, **form.cleaned_data):
            request.session.cycle_key()
            until = time.time() + settings.FAMILY_LINK_SESSION_SECONDS
            request.session[CHECKED] = [str(found.public_id), until]
            return redirect("families_public:plan", code)
        found.refresh_from_db()
        if ended := _ended(request, found, now):
            return ended
        left = rules.tries_left(failed=found.failed_checks, allowed=settings.FAMILY_LINK_TRIES)
        form.add_error(None, _wrong_birth(left))
    return render(request, "families/public/check.html", {"form": form, "school": found.school})


def _wrong_birth(left: int) -> str:
    return ngettext(
        "This date of birth does not match our records. Check it and try again. "
        "You can try %(left)d more time.",
        "This date of birth does not match our records. Check it and try again. "
        "You can try %(left)d more times.",
        left,
    ) % {"left": left}


@family_page
@GET_POST
def plan(request: HttpRequest, code: str) -> HttpResponse:
    """The plan and passport in plain words, then the views form (sent once)."""
    found = _found(request, code)
    now, today = link_services.now_and_today()
    if ended := _ended(request, found, now):
        return ended
    if not _checked(request, found):
        return redirect("families_public:link", code)
    form = ViewsForm(form_data(request))
    given = save_form(
        request,
        form,
        lambda data: link_services.views_give(
            link=found, given_by=data["given_by"], answers=form.answers(), today=today, now=now
        ),
    )
    if given:
        request.session.pop(CHECKED, None)
        return redirect("families_public:link", code)
    if request.method != "POST":
        link_services.link_read(link=found)
    context = {"link": found, "link_code": code, "school": found.school, "pupil": found.pupil}
    context["form"] = form
    context["plan"] = link_selectors.parent_plan(pupil=found.pupil)
    return render(request, "families/public/plan.html", context)


@family_page
@require_safe
def summary(request: HttpRequest, code: str, public_id) -> HttpResponse:
    """The school's translated summary, after the date of birth check."""
    found = _found(request, code)
    now, _today = link_services.now_and_today()
    if not link_services.is_open(found, now) or not _checked(request, found):
        raise Http404("No such summary.")
    document = link_selectors.summary_of_pupil(pupil=found.pupil, public_id=public_id)
    if document is None:
        raise Http404("No such summary.")
    link_services.link_read(link=found, summary=document)
    return stored_download(
        document.document,
        name=document.document_name or "summary.pdf",
        content_type=document.document_type,
        missing="This summary has no document.",
    )
