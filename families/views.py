"""The pupil's voice: the symbol-supported form filled in with an adult, the list of views given
by parents and the pupil, and accepting views into the plan (SENDCo).

Views: access -> form -> service -> redirect or render. A pupil or record the person cannot see
is a 404; a page their role may not open is a 403 (`school_view`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from register import selectors as register_selectors
from register.access import pupil_or_404
from register.models import Pupil, ViewsGiven
from staff.capabilities import Cap
from staff.http import audited, form_data, note_subject, run_action, save_form
from staff.tenancy import school_view

from . import pages, selectors, services
from .forms import PupilVoiceForm

GET_POST = require_http_methods(["GET", "POST"])


def _voice_pupil_or_404(request: HttpRequest, public_id) -> Pupil:
    pupil = selectors.voice_pupil_for(
        access=request.access, public_id=public_id, on=timezone.localdate()
    )
    if pupil is None:
        raise Http404("No such pupil.")
    note_subject(request, pupil, pupil_public_id=pupil.public_id)
    return pupil


def _views_or_404(request: HttpRequest, public_id) -> ViewsGiven:
    views = selectors.views_for(access=request.access, public_id=public_id, on=timezone.localdate())
    if views is None:
        raise Http404("No such views.")
    note_subject(request, views, pupil_public_id=views.pupil.public_id)
    return views


@school_view(Cap.VOICE_RECORD)
@audited("families.voice_form_opened")
@GET_POST
def pupil_voice(request: HttpRequest, public_id) -> HttpResponse:
    pupil = _voice_pupil_or_404(request, public_id)
    today = timezone.localdate()
    initial = pages.voice_initial(pupil=pupil, user=request.user, today=today)
    form = PupilVoiceForm(form_data(request), initial=initial)
    saved = save_form(
        request,
        form,
        lambda data: services.pupil_views_record(
            access=request.access,
            pupil=pupil,
            answers=form.answers(),
            today=today,
            **form.record_fields(),
        ),
        success=pages.voice_saved,
    )
    if saved:
        return redirect(pages.after_voice(request.access, pupil))
    return render(
        request,
        "families/voice_form.html",
        pages.voice_form(access=request.access, pupil=pupil, form=form),
    )


@school_view(Cap.VOICE_RECORD)
@require_safe
def voice_print(request: HttpRequest) -> HttpResponse:
    """The blank form on paper, for a pupil who prefers a pencil to a tablet."""
    return render(request, "families/voice_print.html", pages.voice_print())


@school_view(Cap.VOICE_VIEW)
@audited("families.views_viewed")
@require_safe
def pupil_views(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    page = register_selectors.views_given_page(
        school=request.school, pupil=pupil, page=request.GET.get("page")
    )
    context = pages.views_list(access=request.access, pupil=pupil, page=page)
    return render(request, "families/views_list.html", context)


@school_view(Cap.VOICE_ACCEPT)
@require_POST
def views_accept(request: HttpRequest, public_id) -> HttpResponse:
    views = _views_or_404(request, public_id)
    run_action(
        request,
        lambda: services.views_accept(
            access=request.access, views=views, today=timezone.localdate()
        ),
        success=pages.accepted,
    )
    return redirect(pages.back_to(request, views))
