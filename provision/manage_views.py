"""The SENDCo's pages for the provision map: the intervention catalogue, staff costs, measures,
groups and their pupils, and the notional SEN budget.

Lists showing costs need PROVISION_MAP (SENDCo, trust lead, head); every page that changes
something needs PROVISION_MANAGE (SENDCo, trust lead). Another school's id is a 404.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from staff import calendar as school_calendar
from staff.capabilities import Cap
from staff.http import add_service_errors, form_data
from staff.models import AcademicYear, Term, User
from staff.tenancy import school_view

from . import manage_services as services
from .manage_forms import (
    BudgetForm,
    ContractForm,
    GroupForm,
    InterventionForm,
    InterventionPickForm,
    MeasureForm,
    PlaceAddForm,
    PlaceForm,
    RateForm,
)
from .models import (
    Attendance,
    Group,
    GroupPupil,
    Intervention,
    Measure,
    SenBudget,
    StaffContract,
    StaffRate,
)

GET_POST = require_http_methods(["GET", "POST"])


def _one_or_404(queryset: QuerySet, what: str, **lookup):
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def _url(request: HttpRequest, name: str, *args) -> str:
    return reverse(f"provision_manage:{name}", args=[request.school.slug, *args])


def _form_page(request: HttpRequest, form: Form, **context) -> HttpResponse:
    """The plain form page shared by grades, contracts and measures."""
    return render(request, "provision/manage/form.html", {"form": form, **context})


# --------------------------------------------------------------------------------------------
# Intervention catalogue
# --------------------------------------------------------------------------------------------


@school_view(Cap.PROVISION_MAP)
@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    every = Intervention.objects.filter(school=request.school)
    items = every.select_related("default_rate", "measure").order_by("name", "pk")
    if not show_archived:
        items = items.filter(archived_at__isnull=True)
    return render(
        request,
        "provision/manage/catalogue.html",
        {
            "section": "catalogue",
            "interventions": items,
            "show_archived": show_archived,
            "archived_count": every.filter(archived_at__isnull=False).count(),
            "can_manage": request.access.can(Cap.PROVISION_MANAGE),
        },
    )


def _save(request: HttpRequest, form: Form, instance, *, create, update):
    """Validate a bound form and save it through its service (`create` for a new row,
    `update(instance, fields)` for an existing one). The saved row, or None while the form
    must be shown again with its errors."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        if instance is None:
            return create(access=request.access, fields=form.model_fields())
        return update(instance, form.model_fields())
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _intervention_form(request: HttpRequest, intervention: Intervention | None) -> HttpResponse:
    form = InterventionForm(form_data(request), school=request.school, instance=intervention)
    saved = _save(
        request,
        form,
        intervention,
        create=services.intervention_create,
        update=lambda row, fields: services.intervention_update(
            access=request.access, intervention=row, fields=fields
        ),
    )
    if saved is not None:
        messages.success(request, f"{saved.name} saved in the catalogue.")
        return redirect(_url(request, "catalogue"))
    return render(
        request,
        "provision/manage/intervention_form.html",
        {"section": "catalogue", "form": form, "intervention": intervention},
    )


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def intervention_new(request: HttpRequest) -> HttpResponse:
    return _intervention_form(request, None)


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def intervention_edit(request: HttpRequest, intervention_id: int) -> HttpResponse:
    intervention = _one_or_404(
        Intervention.objects.filter(school=request.school), "intervention", pk=intervention_id
    )
    if request.method == "POST" and "archive" in request.POST:
        services.intervention_archive(
            access=request.access, intervention=intervention, at=timezone.now()
        )
        messages.success(
            request,
            f"{intervention.name} archived: it is hidden from the catalogue and cannot be "
            "chosen for new groups. Its groups are unchanged.",
        )
        return redirect(_url(request, "catalogue"))
    if request.method == "POST" and "restore" in request.POST:
        services.intervention_restore(access=request.access, intervention=intervention)
        messages.success(request, f"{intervention.name} is back in the catalogue.")
        return redirect(_url(request, "catalogue"))
    return _intervention_form(request, intervention)


# --------------------------------------------------------------------------------------------
# Staff costs: grades and contracts
# --------------------------------------------------------------------------------------------


@school_view(Cap.PROVISION_MAP)
@require_safe
def costs(request: HttpRequest) -> HttpResponse:
    rates = (
        StaffRate.objects.filter(school=request.school)
        .annotate(contract_count=Count("contracts"))
        .order_by("name", "pk")
    )
    contracts = (
        StaffContract.objects.filter(school=request.school)
        .select_related("user", "rate")
        .order_by("user__full_name", "pk")
    )
    return render(
        request,
        "provision/manage/costs.html",
        {
            "section": "costs",
            "rates": rates,
            "contracts": contracts,
            "can_manage": request.access.can(Cap.PROVISION_MANAGE),
        },
    )


def _rate_form(request: HttpRequest, rate: StaffRate | None) -> HttpResponse:
    form = RateForm(form_data(request), school=request.school, instance=rate)
    saved = _save(
        request,
        form,
        rate,
        create=services.rate_create,
        update=lambda row, fields: services.rate_update(
            access=request.access, rate=row, fields=fields
        ),
    )
    if saved is not None:
        messages.success(request, f"Grade {saved.name} saved.")
        return redirect(_url(request, "costs"))
    return _form_page(
        request,
        form,
        section="costs",
        title=f"Change the grade {rate.name}" if rate else "Add a grade of staff",
        intro="What an hour of this grade of staff costs the school. Only the SENDCo, the "
        "trust SEND lead and the headteacher can see it.",
        back_url=_url(request, "costs"),
        back_label="Back to staff costs",
    )


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def rate_new(request: HttpRequest) -> HttpResponse:
    return _rate_form(request, None)


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def rate_edit(request: HttpRequest, rate_id: int) -> HttpResponse:
    rate = _one_or_404(StaffRate.objects.filter(school=request.school), "grade", pk=rate_id)
    return _rate_form(request, rate)


def _contract_form(request: HttpRequest, contract: StaffContract | None) -> HttpResponse:
    form = ContractForm(form_data(request), school=request.school, instance=contract)
    saved = _save(
        request,
        form,
        contract,
        create=services.contract_create,
        update=lambda row, fields: services.contract_update(
            access=request.access, contract=row, fields=fields
        ),
    )
    if saved is not None:
        messages.success(request, f"Contract of {saved.user.full_name} saved.")
        return redirect(_url(request, "costs"))
    return _form_page(
        request,
        form,
        section="costs",
        title=f"Contract of {contract.user.full_name}" if contract else "Add a staff contract",
        intro="A member of staff's grade and contracted hours, for the cost of their groups and "
        "for TA deployment.",
        back_url=_url(request, "costs"),
        back_label="Back to staff costs",
    )


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def contract_new(request: HttpRequest) -> HttpResponse:
    return _contract_form(request, None)


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def contract_edit(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _one_or_404(
        StaffContract.objects.filter(school=request.school).select_related("user"),
        "contract",
        pk=contract_id,
    )
    return _contract_form(request, contract)


# --------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------


@school_view(Cap.PROVISION_MAP)
@require_safe
def measures(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "provision/manage/measures.html",
        {
            "section": "measures",
            "measures": Measure.objects.filter(school=request.school).order_by("name", "pk"),
            "can_manage": request.access.can(Cap.PROVISION_MANAGE),
        },
    )


def _measure_form(request: HttpRequest, measure: Measure | None) -> HttpResponse:
    form = MeasureForm(form_data(request), school=request.school, instance=measure)
    saved = _save(
        request,
        form,
        measure,
        create=services.measure_create,
        update=lambda row, fields: services.measure_update(
            access=request.access, measure=row, fields=fields
        ),
    )
    if saved is not None:
        messages.success(request, f"Measure {saved.name} saved.")
        return redirect(_url(request, "measures"))
    return _form_page(
        request,
        form,
        section="measures",
        title=f"Change the measure {measure.name}" if measure else "Add a measure",
        intro="How progress in an intervention is measured at entry and exit, and which way "
        "is better.",
        back_url=_url(request, "measures"),
        back_label="Back to measures",
    )


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def measure_new(request: HttpRequest) -> HttpResponse:
    return _measure_form(request, None)


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def measure_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = _one_or_404(Measure.objects.filter(school=request.school), "measure", pk=measure_id)
    return _measure_form(request, measure)


# --------------------------------------------------------------------------------------------
# Groups and their pupils
# --------------------------------------------------------------------------------------------


def _in_group_on(on: date) -> Q:
    return Q(places__joined_on__lte=on) & (
        Q(places__left_on__isnull=True) | Q(places__left_on__gte=on)
    )


@school_view(Cap.PROVISION_MAP)
@require_safe
def groups(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    status = request.GET.get("status", "")
    if status not in Group.Status.values:
        status = ""
    every = Group.objects.filter(school=request.school)
    counts = dict(every.values_list("status").annotate(n=Count("pk")).order_by())
    rows = (
        every.select_related("intervention")
        .prefetch_related(Prefetch("staff", User.objects.order_by("full_name", "pk")))
        .annotate(pupil_count=Count("places", filter=_in_group_on(today)))
        .order_by("-starts_on", "name", "pk")
    )
    if status:
        rows = rows.filter(status=status)
    filters = [("", "All", sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in Group.Status.choices
    ]
    return render(
        request,
        "provision/manage/groups.html",
        {
            "section": "groups",
            "groups": rows,
            "status": status,
            "status_label": Group.Status(status).label if status else "",
            "filters": filters,
            "today": today,
            "can_manage": request.access.can(Cap.PROVISION_MANAGE),
        },
    )


def _term_dates(request: HttpRequest, today: date) -> dict:
    """The rest of the current term (both halves of its season), or the next term."""
    term = school_calendar.term_containing(school=request.school, on=today)
    starts = today
    if term is None:
        term = school_calendar.next_term(school=request.school, on=today)
        if term is None:
            return {}
        starts = term.starts_on
    ends = Term.objects.filter(
        school=request.school, academic_year_id=term.academic_year_id, season=term.season
    ).aggregate(last=Max("ends_on"))["last"]
    return {"starts_on": starts, "ends_on": ends}


def _group_or_404(request: HttpRequest, public_id) -> Group:
    return _one_or_404(
        Group.objects.filter(school=request.school).select_related(
            "intervention", "intervention__measure"
        ),
        "group",
        public_id=public_id,
    )


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def group_new(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    pick = InterventionPickForm(
        request.GET if "intervention" in request.GET else None, school=request.school
    )
    initial = _term_dates(request, today)
    chosen = pick.cleaned_data["intervention"] if pick.is_bound and pick.is_valid() else None
    if chosen is not None:
        initial |= {
            "intervention": chosen.pk,
            "name": chosen.name,
            "sessions_per_week": chosen.default_sessions_per_week,
            "session_minutes": chosen.default_session_minutes,
            "rate": chosen.default_rate_id,
        }
    form = GroupForm(form_data(request), school=request.school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                access=request.access,
                fields=form.model_fields(),
                staff=list(form.cleaned_data["staff"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Group {group.name} added. Now add its pupils.")
            return redirect(_url(request, "group_pupils", group.public_id))
    return render(
        request,
        "provision/manage/group_form.html",
        {"section": "groups", "form": form, "pick": pick, "chosen": chosen, "group": None},
    )


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def group_edit(request: HttpRequest, public_id) -> HttpResponse:
    group = _group_or_404(request, public_id)
    form = GroupForm(form_data(request), school=request.school, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.group_update(
                access=request.access,
                group=group,
                fields=form.model_fields(),
                staff=list(form.cleaned_data["staff"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Group {saved.name} saved.")
            return redirect(_url(request, "groups"))
    return render(
        request,
        "provision/manage/group_form.html",
        {"section": "groups", "form": form, "group": group},
    )


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def group_pupils(request: HttpRequest, public_id) -> HttpResponse:
    today = timezone.localdate()
    group = _group_or_404(request, public_id)
    joined = min(max(today, group.starts_on), group.ends_on)
    form = PlaceAddForm(form_data(request), group=group, on=today, initial={"joined_on": joined})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            place = services.place_add(
                access=request.access,
                group=group,
                pupil=data["pupil"],
                joined_on=data["joined_on"],
                entry_score=data["entry_score"],
                target_score=data["target_score"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{place.pupil.name} added to {group.name}.")
            return redirect(_url(request, "group_pupils", group.public_id))
    places = (
        GroupPupil.objects.filter(group=group)
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    return render(
        request,
        "provision/manage/group_pupils.html",
        {"section": "groups", "group": group, "places": places, "form": form, "today": today},
    )


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def place_edit(request: HttpRequest, public_id, place_id: int) -> HttpResponse:
    group = _group_or_404(request, public_id)
    place = _one_or_404(
        GroupPupil.objects.filter(school=request.school, group=group).select_related("pupil"),
        "place",
        pk=place_id,
    )
    place.group = group
    back = _url(request, "group_pupils", group.public_id)
    remove_error = ""
    if request.method == "POST" and "remove" in request.POST:
        try:
            services.place_remove(access=request.access, place=place)
        except ValidationError as error:
            remove_error = " ".join(error.messages)
        else:
            messages.success(request, f"{place.pupil.name} removed from {group.name}.")
            return redirect(back)
    form = PlaceForm(
        form_data(request) if not remove_error else None,
        school=request.school,
        instance=place,
    )
    if request.method == "POST" and not remove_error and form.is_valid():
        try:
            services.place_update(access=request.access, place=place, fields=form.model_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{place.pupil.name}'s place in {group.name} saved.")
            return redirect(back)
    has_attendance = Attendance.objects.filter(
        session__group=group, pupil_id=place.pupil_id
    ).exists()
    return render(
        request,
        "provision/manage/place_form.html",
        {
            "section": "groups",
            "group": group,
            "place": place,
            "form": form,
            "has_attendance": has_attendance,
            "remove_error": remove_error,
            "back_url": back,
        },
        status=400 if remove_error else 200,
    )


# --------------------------------------------------------------------------------------------
# Notional SEN budget
# --------------------------------------------------------------------------------------------


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def budget(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = AcademicYear.objects.filter(
        school=request.school, starts_on__lte=today, ends_on__gte=today
    ).first()
    current = (
        SenBudget.objects.filter(school=request.school, academic_year=year).first()
        if year
        else None
    )
    form = BudgetForm(form_data(request), initial={"amount": current.amount if current else None})
    if year is not None and request.method == "POST" and form.is_valid():
        try:
            saved = services.budget_set(
                access=request.access, academic_year=year, amount=form.cleaned_data["amount"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Notional SEN budget for {year.name} saved: £{saved.amount:,.2f}."
            )
            return redirect(_url(request, "budget"))
    history = (
        SenBudget.objects.filter(school=request.school)
        .select_related("academic_year")
        .order_by("-academic_year__starts_on")
    )
    return render(
        request,
        "provision/manage/budget.html",
        {
            "section": "budget",
            "year": year,
            "current": current,
            "form": form,
            "history": history,
        },
    )
