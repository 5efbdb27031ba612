"""The register, the pupil page, status changes, passports and concerns.

Views: access -> form -> service -> redirect or render. Which pupils a person sees comes from
register.selectors.pupils_visible_to; a pupil outside it is a 404, like a missing one. Reads are
audited by `audited`, writes by their services.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from staff.capabilities import Cap
from staff.http import audited, form_data, note_detail, save_form
from staff.tenancy import school_view

from . import pages, selectors, services
from .access import concern_or_404, pupil_or_404
from .forms import (
    ConcernAboutForm,
    ConcernDecisionForm,
    ConcernForm,
    LayerForm,
    PassportForm,
    RegisterFilterForm,
    SearchForm,
    StatusChangeForm,
)
from .models import Concern

READ_OR_SEARCH = ("GET", "HEAD", "POST")


def _to_pupil(request: HttpRequest, pupil) -> HttpResponse:
    return redirect("register:pupil", school_slug=request.school.slug, public_id=pupil.public_id)


@school_view(Cap.REGISTER_VIEW)
@audited("register.list_viewed", methods=READ_OR_SEARCH)
@require_http_methods(["GET", "POST"])
def register_list(request: HttpRequest) -> HttpResponse:
    """The SEN register, as on today or any past date. Searching by name is a POST, so names
    never appear in URLs or access logs."""
    today = timezone.localdate()
    groups = list(selectors.groups_of(access=request.access, on=today))
    filters = RegisterFilterForm(request.GET or None, groups=groups)
    search = SearchForm(form_data(request))
    page = pages.register_list(
        access=request.access, today=today, filters=filters, search=search, query=request.GET
    )
    note_detail(request, on=page["on"].isoformat(), rows=len(page["rows"]))
    return render(request, "register/register_list.html", page)


@school_view(Cap.REGISTER_VIEW)
@audited("register.pupil_viewed")
@require_safe
def pupil_detail(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    page = pages.pupil_page(access=request.access, pupil=pupil, on=timezone.localdate())
    return render(
        request,
        "register/pupil_detail.html",
        {
            "pupil": pupil,
            **page,
            "can_manage": request.access.can(Cap.REGISTER_MANAGE),
            "can_raise": request.access.can(Cap.CONCERN_RAISE),
            "can_edit_passport": request.access.can(Cap.PASSPORT_EDIT),
        },
    )


@school_view(Cap.REGISTER_MANAGE)
@require_http_methods(["GET", "POST"])
def status_change(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    initial = pages.status_change_initial(pupil=pupil, today=timezone.localdate())
    form = StatusChangeForm(form_data(request), initial=initial)
    saved = save_form(
        request,
        form,
        lambda data: services.sen_status_change(
            access=request.access, pupil=pupil, **form.status_fields()
        ),
        success=f"{pupil.name}'s SEN status is saved.",
    )
    if saved:
        return _to_pupil(request, pupil)
    return render(request, "register/status_change.html", {"pupil": pupil, "form": form})


@school_view(Cap.REGISTER_MANAGE)
@require_http_methods(["GET", "POST"])
def layer_change(request: HttpRequest, public_id) -> HttpResponse:
    """The pupil's layer of support from a date; back to the plan it was changed from."""
    pupil = pupil_or_404(request, public_id)
    back, back_to = pages.layer_back(school=request.school, pupil=pupil, to=request.GET.get("back"))
    form = LayerForm(form_data(request), initial={"starts_on": timezone.localdate()})
    saved = save_form(
        request,
        form,
        lambda data: services.layer_set(access=request.access, pupil=pupil, **data),
        success=lambda period: (
            f"{pupil.name}: {period.get_layer_display()} from {period.starts_on:%-d %B %Y}."
        ),
    )
    if saved:
        return redirect(back)
    page = pages.layer_page(pupil=pupil, on=timezone.localdate())
    context = {"form": form, "back": back, "back_to": back_to, **page}
    return render(request, "register/layer.html", context)


@school_view(Cap.REGISTER_VIEW)
@audited("register.passport_viewed")
@require_safe
def passport(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    chosen = selectors.passport_version(pupil=pupil, version=request.GET.get("version"))
    note_detail(request, version=chosen.version if chosen else None)
    return render(
        request,
        "register/passport.html",
        {
            "pupil": pupil,
            "passport": chosen,
            "versions": selectors.passport_versions(pupil=pupil),
            "can_edit": request.access.can(Cap.PASSPORT_EDIT),
        },
    )


@school_view(Cap.PASSPORT_EDIT)
@require_http_methods(["GET", "POST"])
def passport_edit(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    latest = selectors.latest_passport(pupil=pupil)
    initial = PassportForm.initial_from(latest)
    form = PassportForm(form_data(request), initial=initial, edits=latest, pupil=pupil)
    saved = save_form(
        request,
        form,
        lambda data: services.passport_save(access=request.access, pupil=pupil, **data),
        success=lambda passport: f"Passport saved as version {passport.version}.",
    )
    if saved:
        return redirect("register:passport", request.school.slug, pupil.public_id)
    return render(request, "register/passport_edit.html", {"pupil": pupil, "form": form})


@school_view(Cap.CONCERN_RAISE)
@require_http_methods(["GET", "POST"])
def concern_raise(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    form = ConcernForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: services.concern_raise(
            access=request.access,
            pupil=pupil,
            description=data["description"],
            on=timezone.localdate(),
        ),
        success="Thank you: the SENDCo will look at your concern.",
    )
    if saved:
        return _to_pupil(request, pupil)
    return render(request, "register/concern_raise.html", {"pupil": pupil, "form": form})


@school_view(Cap.CONCERN_RAISE)
@audited("register.concern_form_viewed", methods=("GET", "HEAD", "POST"))
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest) -> HttpResponse:
    """Raise a concern about any pupil one may see, chosen from a list: the quick way in from
    home (a teacher's pupils need not be on the register, nor found first)."""
    pupils = selectors.pupils_to_choose(access=request.access, on=timezone.localdate())
    initial = {"pupil": request.GET.get("pupil")}
    form = ConcernAboutForm(form_data(request), pupils=pupils, initial=initial)
    saved = save_form(
        request,
        form,
        lambda data: services.concern_raise(
            access=request.access,
            pupil=data["pupil"],
            description=data["description"],
            on=timezone.localdate(),
        ),
        success="Thank you: the SENDCo will look at your concern.",
    )
    if saved:
        return _to_pupil(request, saved.result.pupil)
    return render(request, "register/concern_new.html", {"form": form})


@school_view(Cap.REGISTER_MANAGE)
@audited("register.concerns_viewed")
@require_safe
def concern_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "register/concern_list.html",
        {
            "concerns": selectors.concerns_to_decide(school=request.school),
            "today": timezone.localdate(),
        },
    )


def _decided(concern: Concern) -> str:
    if concern.status == Concern.Status.ADDED:
        return f"{concern.pupil.name} is on the SEN register from today."
    return "Decision saved."


def _after_decision(request: HttpRequest, concern: Concern) -> HttpResponse:
    """A pupil added to the register: their page, with the new status; otherwise the list."""
    if concern.status == Concern.Status.ADDED:
        return _to_pupil(request, concern.pupil)
    return redirect("register:concerns", school_slug=request.school.slug)


@school_view(Cap.REGISTER_MANAGE)
@audited("register.concern_viewed", methods=READ_OR_SEARCH)
@require_http_methods(["GET", "POST"])
def concern_decide(request: HttpRequest, public_id) -> HttpResponse:
    concern = concern_or_404(request, public_id)
    form = ConcernDecisionForm(form_data(request), school=request.school)
    saved = save_form(
        request,
        form,
        lambda data: services.concern_decide(
            access=request.access,
            concern=concern,
            on=timezone.localdate(),
            **form.decision_fields(),
        ),
        success=_decided,
    )
    if saved:
        return _after_decision(request, saved.result)
    return render(request, "register/concern_decide.html", {"concern": concern, "form": form})
