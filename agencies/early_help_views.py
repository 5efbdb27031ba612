"""The Early Help pages: the school's open Early Help, a pupil's Early Help with its Team Around
the Family reviews, starting, changing and closing it, and the school's review interval. Only the
SENDCo, the trust lead, the head (reading) and the designated safeguarding lead open them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from staff.capabilities import Cap
from staff.http import audited, form_data, save_form
from staff.tenancy import school_view

from . import early_help_pages as pages
from . import early_help_selectors as selectors
from . import early_help_services as services
from .early_help_access import early_help_or_404, pupil_or_404
from .early_help_forms import CloseForm, EarlyHelpEditForm, EarlyHelpForm, ReviewForm, SettingsForm

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
EDITED = ("stage", "started_on", "consent_given_by", "consent_on", *services.LEAD_FIELDS)


def _to_pupil(request: HttpRequest, pupil) -> HttpResponse:
    return redirect("early_help:pupil", request.school.slug, pupil.public_id)


@school_view(Cap.EARLY_HELP_VIEW)
@audited("early_help.list_viewed")
@require_safe
def school_list(request: HttpRequest) -> HttpResponse:
    closed = request.GET.get("show") == "closed"
    page = pages.school_list(
        access=request.access,
        today=timezone.localdate(),
        closed=closed,
        page=request.GET.get("page"),
    )
    return render(request, "agencies/early_help/list.html", page)


@school_view(Cap.EARLY_HELP_VIEW)
@audited("early_help.pupil_viewed")
@GET_POST
def pupil(request: HttpRequest, public_id) -> HttpResponse:
    """A pupil's Early Help; those who manage record a Team Around the Family review here."""
    if request.method == "POST" and not request.access.can(Cap.EARLY_HELP_MANAGE):
        raise PermissionDenied
    found = pupil_or_404(request, public_id)
    today = timezone.localdate()
    form = None
    if request.method == "POST":
        form = ReviewForm(request.POST, weeks=selectors.review_weeks(school=request.school))
        current = selectors.open_for(school=request.school, pupil=found)
        if current is None:
            messages.error(request, f"{found.name} has no Early Help open: start it first.")
            return _to_pupil(request, found)
        saved = save_form(
            request,
            form,
            lambda data: services.taf_review_record(
                access=request.access, early_help=current, today=today, **data
            ),
            success="The review is recorded.",
        )
        if saved:
            return _to_pupil(request, found)
    page = pages.pupil(access=request.access, pupil=found, today=today, form=form)
    return render(request, "agencies/early_help/pupil.html", page)


@school_view(Cap.EARLY_HELP_MANAGE)
@GET_POST
def start(request: HttpRequest, public_id) -> HttpResponse:
    found = pupil_or_404(request, public_id)
    initial = {"started_on": timezone.localdate(), "lead_name": request.user.full_name}
    form = EarlyHelpForm(form_data(request), initial=initial)
    saved = save_form(
        request,
        form,
        lambda data: services.early_help_start(
            access=request.access, pupil=found, today=timezone.localdate(), **data
        ),
        success="Early Help is started.",
    )
    if saved:
        return _to_pupil(request, found)
    context = {**pages.frame(access=request.access), "form": form, "pupil": found}
    return render(request, "agencies/early_help/start.html", context)


@school_view(Cap.EARLY_HELP_MANAGE)
@GET_POST
def edit(request: HttpRequest, public_id) -> HttpResponse:
    record = early_help_or_404(request, public_id)
    if not record.is_open:
        messages.error(request, "This Early Help is closed: it can no longer be changed.")
        return _to_pupil(request, record.pupil)
    initial = {name: getattr(record, name) for name in EDITED}
    form = EarlyHelpEditForm(form_data(request), initial=initial, edits=record, stage=record.stage)
    saved = save_form(
        request,
        form,
        lambda data: services.early_help_update(
            access=request.access, early_help=record, today=timezone.localdate(), **data
        ),
        success="Early Help is saved.",
    )
    if saved:
        return _to_pupil(request, record.pupil)
    context = {**pages.frame(access=request.access), "form": form, "record": record}
    return render(request, "agencies/early_help/edit.html", context)


@school_view(Cap.EARLY_HELP_MANAGE)
@GET_POST
def close(request: HttpRequest, public_id) -> HttpResponse:
    record = early_help_or_404(request, public_id)
    if not record.is_open:
        messages.error(request, "This Early Help is already closed.")
        return _to_pupil(request, record.pupil)
    form = CloseForm(form_data(request), initial={"closed_on": timezone.localdate()}, edits=record)
    saved = save_form(
        request,
        form,
        lambda data: services.early_help_close(
            access=request.access, early_help=record, today=timezone.localdate(), **data
        ),
        success="Early Help is closed.",
    )
    if saved:
        return _to_pupil(request, record.pupil)
    context = {**pages.frame(access=request.access), "form": form, "record": record}
    return render(request, "agencies/early_help/close.html", context)


@school_view(Cap.EARLY_HELP_MANAGE)
@GET_POST
def early_help_settings(request: HttpRequest) -> HttpResponse:
    """How often the school's local authority has Early Help reviewed (6 to 12 weeks)."""
    found = selectors.settings_of(school=request.school)
    weeks = selectors.review_weeks(school=request.school)
    form = SettingsForm(form_data(request), initial={"review_weeks": weeks}, edits=found)
    saved = save_form(
        request,
        form,
        lambda data: services.review_weeks_set(access=request.access, **data),
        success="Saved: how often Early Help is reviewed.",
    )
    if saved:
        return redirect("early_help:list", request.school.slug)
    context = {**pages.frame(access=request.access), "form": form, "weeks": weeks}
    return render(request, "agencies/early_help/settings.html", context)
