"""The Pupil Premium pages: the allocation and today's lists, the pupils on each list, and a
pupil's grounds of eligibility. Views: access -> form -> service -> redirect or render."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from register.access import pupil_or_404
from staff.capabilities import Cap
from staff.http import audited, form_data, note_detail, save_form, say_form_errors
from staff.tenancy import school_view

from . import pages, selectors, services
from .access import period_or_404
from .forms import EndForm, ListForm, PeriodForm


@school_view(Cap.PREMIUM_VIEW)
@audited("premium.overview_viewed")
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    page = pages.overview(school=request.school, today=timezone.localdate())
    return render(request, "premium/overview.html", page)


@school_view(Cap.PREMIUM_VIEW)
@audited("premium.pupils_viewed")
@require_safe
def pupils(request: HttpRequest) -> HttpResponse:
    form = ListForm(request.GET or None)
    show = form.chosen()
    shown = selectors.pupils_listed(
        school=request.school, name=show, today=timezone.localdate(), page=request.GET.get("page")
    )
    note_detail(request, show=show, rows=len(shown.object_list))
    context = {"form": form, "show": show, "title": selectors.LISTS[show], "page": shown}
    return render(request, "premium/pupils.html", context)


@school_view(Cap.PREMIUM_VIEW)
@audited("premium.pupil_viewed")
@require_http_methods(["GET", "HEAD", "POST"])
def pupil(request: HttpRequest, public_id) -> HttpResponse:
    """A pupil's grounds of eligibility; those who manage the Pupil Premium add one here."""
    if request.method == "POST" and not request.access.can(Cap.PREMIUM_MANAGE):
        raise PermissionDenied
    found = pupil_or_404(request, public_id)
    today = timezone.localdate()
    form = PeriodForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: services.period_add(access=request.access, pupil=found, today=today, **data),
        success="The ground of eligibility is recorded.",
    )
    if saved:
        return redirect("premium:pupil", request.school.slug, found.public_id)
    can_manage = request.access.can(Cap.PREMIUM_MANAGE)
    page = pages.pupil(pupil=found, today=today)
    context = {"pupil": found, "form": form, "end_form": EndForm(), "can_manage": can_manage}
    return render(request, "premium/pupil.html", {**page, **context})


@school_view(Cap.PREMIUM_MANAGE)
@require_POST
def period_end(request: HttpRequest, period_id: int) -> HttpResponse:
    """End an open ground; a mistake is said on the pupil's page, where the form is."""
    period = period_or_404(request, period_id)
    form = EndForm(request.POST)
    saved = save_form(
        request,
        form,
        lambda data: services.period_end(
            access=request.access, period=period, today=timezone.localdate(), **data
        ),
        success="The period is ended.",
    )
    if not saved:
        say_form_errors(request, form)
    return redirect("premium:pupil", request.school.slug, period.pupil.public_id)
