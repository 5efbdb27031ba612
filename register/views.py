"""The register, the pupil page, status changes, passports and concerns.

Views: access -> form -> service -> redirect or render. Which pupils a person sees comes from
register.selectors.pupils_visible_to; a pupil outside it is a 404, like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from staff.capabilities import Cap
from staff.http import add_service_errors, form_data
from staff.services import audit
from staff.tenancy import school_view

from . import selectors, services
from .access import pupil_or_404
from .forms import (
    ConcernDecisionForm,
    ConcernForm,
    PassportForm,
    RegisterFilterForm,
    SearchForm,
    StatusChangeForm,
)
from .models import Concern, PassportVersion, Pupil
from .rules import E, K, ever_6_fsm, provision_on


def _annotate(pupil: Pupil, on) -> Pupil:
    """Derived, date-dependent facts for one row of the register (no queries)."""
    pupil.provision = provision_on(pupil.statuses_on, on)
    pupil.primary_need = pupil.needs_on[0].need_type if pupil.needs_on else None
    fsm = [p for p in pupil.pp_all if p.kind == "fsm"]
    other_pp = [p for p in pupil.pp_all if p.kind != "fsm" and p.covers(on)]
    pupil.pupil_premium = ever_6_fsm(fsm, on) or bool(other_pp)
    pupil.looked_after = bool(pupil.lac_on)
    pupil.class_names = ", ".join(g.name for g in pupil.groups_on)
    return pupil


SORTS = {
    "name": lambda p: (p.legal_last_name.lower(), p.legal_first_name.lower()),
    "year": lambda p: (p.year_order, p.legal_last_name.lower()),
    "status": lambda p: ({"E": 0, "K": 1}.get(p.provision, 2), p.legal_last_name.lower()),
    "need": lambda p: (p.primary_need.code if p.primary_need else "~", p.legal_last_name.lower()),
}


@school_view(Cap.REGISTER_VIEW)
@require_http_methods(["GET", "POST"])
def register_list(request: HttpRequest) -> HttpResponse:
    """The SEND register, as on today or any past date. Searching by name is a POST, so names
    never appear in URLs or access logs."""
    today = timezone.localdate()
    groups = list(selectors.groups_of(access=request.access, on=today))
    filters = RegisterFilterForm(request.GET or None, groups=groups)
    search = SearchForm(form_data(request))
    data = filters.cleaned_data if filters.is_valid() else {}
    on = data.get("on") or today
    status = data.get("status") or "sen"

    rows = [_annotate(p, on) for p in selectors.register_rows(access=request.access, on=on)]
    counts = {
        "all": len(rows),
        "K": sum(p.provision == K for p in rows),
        "E": sum(p.provision == E for p in rows),
    }
    if status == "sen":
        rows = [p for p in rows if p.provision in (K, E)]
    elif status in (K, E):
        rows = [p for p in rows if p.provision == status]
    if data.get("year"):
        rows = [p for p in rows if p.year_group == data["year"]]
    if data.get("group"):
        rows = [p for p in rows if any(str(g.pk) == data["group"] for g in p.groups_on)]
    if data.get("need"):
        rows = [p for p in rows if p.primary_need and p.primary_need.code == data["need"]]
    if data.get("area"):
        rows = [p for p in rows if p.primary_need and p.primary_need.broad_area == data["area"]]
    if data.get("pp"):
        rows = [p for p in rows if p.pupil_premium]
    if data.get("lac"):
        rows = [p for p in rows if p.looked_after]
    if data.get("eal"):
        rows = [p for p in rows if p.eal]
    if search.is_valid() and search.cleaned_data["q"].strip():
        needle = search.cleaned_data["q"].strip().lower()
        rows = [
            p
            for p in rows
            if needle in f"{p.name} {p.legal_first_name} {p.legal_last_name} {p.upn}".lower()
        ]
    sort = request.GET.get("sort", "name")
    rows.sort(key=SORTS.get(sort, SORTS["name"]))

    audit(
        action="register.list_viewed",
        actor=request.user,
        school=request.school,
        role=request.access.role,
        detail={"on": on.isoformat(), "rows": len(rows)},
    )
    query = request.GET.copy()
    query.pop("sort", None)
    return render(
        request,
        "register/register_list.html",
        {
            "rows": rows,
            "filters": filters,
            "search": search,
            "on": on,
            "today": today,
            "counts": counts,
            "sort": sort,
            "query": query.urlencode(),
            "can_manage": request.access.can(Cap.REGISTER_MANAGE),
        },
    )


@school_view(Cap.REGISTER_VIEW)
@require_safe
def pupil_detail(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    record = selectors.pupil_record(pupil=pupil)
    today = timezone.localdate()
    services.pupil_audit(access=request.access, pupil=pupil, action="register.pupil_viewed")
    chronology = sorted(
        [(s.starts_on, "status", s) for s in record["statuses"]]
        + [(n.starts_on, "need", n) for n in record["needs"]]
        + [(c.raised_on, "concern", c) for c in record["concerns"]]
        + [(p.created_at.date(), "passport", p) for p in record["passports"]],
        key=lambda item: item[0],
        reverse=True,
    )
    return render(
        request,
        "register/pupil_detail.html",
        {
            "pupil": pupil,
            **record,
            "chronology": chronology,
            "provision": provision_on(record["statuses"], today),
            "current_needs": [n for n in record["needs"] if n.covers(today)],
            "can_manage": request.access.can(Cap.REGISTER_MANAGE),
            "can_raise": request.access.can(Cap.CONCERN_RAISE),
            "can_edit_passport": request.access.can(Cap.PASSPORT_EDIT),
        },
    )


@school_view(Cap.REGISTER_MANAGE)
@require_http_methods(["GET", "POST"])
def status_change(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    current_codes = list(
        pupil.needs.filter(ends_on__isnull=True)
        .order_by("rank")
        .values_list("need_type__code", flat=True)
    )
    initial = {
        "starts_on": timezone.localdate(),
        "parents_informed_on": timezone.localdate(),
        "primary_need": current_codes[0] if current_codes else "",
        "secondary_need": current_codes[1] if len(current_codes) > 1 else "",
    }
    form = StatusChangeForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sen_status_change(
                access=request.access,
                pupil=pupil,
                provision=data["provision"],
                starts_on=data["starts_on"],
                reason=data["reason"],
                parents_informed_on=data["parents_informed_on"],
                parents_informed_how=data["parents_informed_how"],
                need_codes=form.need_codes(),
                need_description=data["need_description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{pupil.name}'s SEN status is saved.")
            return redirect(
                "register:pupil", school_slug=request.school.slug, public_id=pupil.public_id
            )
    return render(request, "register/status_change.html", {"pupil": pupil, "form": form})


@school_view(Cap.REGISTER_VIEW)
@require_safe
def passport(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    versions = PassportVersion.objects.filter(pupil=pupil).select_related("created_by")
    wanted = request.GET.get("version")
    chosen = versions.filter(version=wanted).first() if wanted and wanted.isdigit() else None
    chosen = chosen or versions.order_by("-version").first()
    services.pupil_audit(
        access=request.access,
        pupil=pupil,
        action="register.passport_viewed",
        detail={"version": chosen.version if chosen else None},
    )
    return render(
        request,
        "register/passport.html",
        {
            "pupil": pupil,
            "passport": chosen,
            "versions": list(
                PassportVersion.objects.filter(pupil=pupil)
                .order_by("-version")
                .only("pk", "version", "created_at")
            ),
            "can_edit": request.access.can(Cap.PASSPORT_EDIT),
        },
    )


@school_view(Cap.PASSPORT_EDIT)
@require_http_methods(["GET", "POST"])
def passport_edit(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    latest = selectors.latest_passport(pupil=pupil)
    form = PassportForm(
        form_data(request),
        instance=None,
        initial={f: getattr(latest, f) for f in PassportForm.Meta.fields} if latest else None,
    )
    if request.method == "POST" and form.is_valid():
        saved = services.passport_save(
            access=request.access,
            pupil=pupil,
            **{f: form.cleaned_data[f] for f in PassportForm.Meta.fields},
        )
        messages.success(request, f"Passport saved as version {saved.version}.")
        return redirect(
            "register:passport", school_slug=request.school.slug, public_id=pupil.public_id
        )
    return render(request, "register/passport_edit.html", {"pupil": pupil, "form": form})


@school_view(Cap.CONCERN_RAISE)
@require_http_methods(["GET", "POST"])
def concern_raise(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    form = ConcernForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        services.concern_raise(
            access=request.access,
            pupil=pupil,
            description=form.cleaned_data["description"],
            on=timezone.localdate(),
        )
        messages.success(request, "Thank you: the SENDCo will look at your concern.")
        return redirect(
            "register:pupil", school_slug=request.school.slug, public_id=pupil.public_id
        )
    return render(request, "register/concern_raise.html", {"pupil": pupil, "form": form})


@school_view(Cap.REGISTER_MANAGE)
@require_safe
def concern_list(request: HttpRequest) -> HttpResponse:
    concerns = (
        Concern.objects.filter(
            school=request.school, status__in=[Concern.Status.OPEN, Concern.Status.MONITORING]
        )
        .select_related("pupil", "raised_by")
        .order_by("status", "review_on", "raised_on")
    )
    return render(
        request, "register/concern_list.html", {"concerns": concerns, "today": timezone.localdate()}
    )


@school_view(Cap.REGISTER_MANAGE)
@require_http_methods(["GET", "POST"])
def concern_decide(request: HttpRequest, public_id) -> HttpResponse:
    concern = (
        Concern.objects.filter(school=request.school, public_id=public_id)
        .select_related("pupil", "raised_by")
        .first()
    )
    if concern is None:
        raise Http404("No such concern.")
    form = ConcernDecisionForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.concern_decide(
                access=request.access,
                concern=concern,
                decision=data["decision"],
                note=data["note"],
                on=timezone.localdate(),
                review_on=data["review_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if data["decision"] == Concern.Status.ADDED:
                messages.success(request, "Decision saved. Now record the SEN status and need.")
                return redirect(
                    "register:status_change",
                    school_slug=request.school.slug,
                    public_id=concern.pupil.public_id,
                )
            messages.success(request, "Decision saved.")
            return redirect("register:concerns", school_slug=request.school.slug)
    services.pupil_audit(
        access=request.access, pupil=concern.pupil, action="register.concern_viewed"
    )
    return render(request, "register/concern_decide.html", {"concern": concern, "form": form})
