"""The SENDCo's pages for the provision map: the intervention catalogue, staff costs, measures,
groups and their pupils, and the notional SEN budget.

Lists showing costs need PROVISION_MAP (SENDCo, trust lead, head); every page that changes
something needs PROVISION_MANAGE (SENDCo, trust lead). Another school's id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from staff.capabilities import Cap
from staff.http import attempt, audited, form_data, note_subject, run_action, save_form
from staff.tenancy import school_view

from . import manage_selectors as reads
from . import manage_services as services
from . import pages
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
    Group,
    Intervention,
    Measure,
    StaffContract,
    StaffRate,
)

GET_POST = require_http_methods(["GET", "POST"])


def _or_404(found, what: str):
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
    items, archived_count = reads.catalogue(school=request.school, show_archived=show_archived)
    return render(
        request,
        "provision/manage/catalogue.html",
        {
            "section": "catalogue",
            "interventions": items,
            "show_archived": show_archived,
            "archived_count": archived_count,
            "can_manage": request.access.can(Cap.PROVISION_MANAGE),
        },
    )


def _intervention_form(request: HttpRequest, intervention: Intervention | None) -> HttpResponse:
    form = InterventionForm(form_data(request), school=request.school, instance=intervention)

    def save(data: dict):
        if intervention is None:
            return services.intervention_create(access=request.access, fields=form.model_fields())
        return services.intervention_update(
            access=request.access, intervention=intervention, fields=form.model_fields()
        )

    saved = save_form(
        request,
        form,
        save,
        success=lambda row: f"{row.name} saved in the catalogue.",
    )
    if saved:
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


def _archive_or_restore(request: HttpRequest, intervention: Intervention) -> None:
    """Take the intervention out of the catalogue (its groups unchanged), or put it back."""
    if "archive" in request.POST:
        run_action(
            request,
            lambda: services.intervention_archive(
                access=request.access, intervention=intervention, at=timezone.now()
            ),
            success=pages.archived(intervention),
        )
    else:
        run_action(
            request,
            lambda: services.intervention_restore(access=request.access, intervention=intervention),
            success=f"{intervention.name} is back in the catalogue.",
        )


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def intervention_edit(request: HttpRequest, intervention_id: int) -> HttpResponse:
    intervention = _or_404(
        reads.intervention_for(school=request.school, pk=intervention_id), "intervention"
    )
    if request.method == "POST" and ("archive" in request.POST or "restore" in request.POST):
        _archive_or_restore(request, intervention)
        return redirect(_url(request, "catalogue"))
    return _intervention_form(request, intervention)


# --------------------------------------------------------------------------------------------
# Staff costs: grades and contracts
# --------------------------------------------------------------------------------------------


@school_view(Cap.PROVISION_MAP)
@require_safe
def costs(request: HttpRequest) -> HttpResponse:
    rates = reads.staff_rates(school=request.school)
    contracts = reads.staff_contracts(school=request.school)
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

    def save(data: dict):
        if rate is None:
            return services.rate_create(access=request.access, fields=form.model_fields())
        return services.rate_update(access=request.access, rate=rate, fields=form.model_fields())

    saved = save_form(
        request,
        form,
        save,
        success=lambda row: f"Grade {row.name} saved.",
    )
    if saved:
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
    rate = _or_404(reads.rate_for(school=request.school, pk=rate_id), "grade")
    return _rate_form(request, rate)


def _contract_form(request: HttpRequest, contract: StaffContract | None) -> HttpResponse:
    form = ContractForm(form_data(request), school=request.school, instance=contract)

    def save(data: dict):
        if contract is None:
            return services.contract_create(access=request.access, fields=form.model_fields())
        return services.contract_update(
            access=request.access, contract=contract, fields=form.model_fields()
        )

    saved = save_form(
        request,
        form,
        save,
        success=lambda row: f"Contract of {row.user.full_name} saved.",
    )
    if saved:
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
    contract = _or_404(reads.contract_for(school=request.school, pk=contract_id), "contract")
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
            "measures": reads.measures(school=request.school),
            "can_manage": request.access.can(Cap.PROVISION_MANAGE),
        },
    )


def _measure_form(request: HttpRequest, measure: Measure | None) -> HttpResponse:
    form = MeasureForm(form_data(request), school=request.school, instance=measure)

    def save(data: dict):
        if measure is None:
            return services.measure_create(access=request.access, fields=form.model_fields())
        return services.measure_update(
            access=request.access, measure=measure, fields=form.model_fields()
        )

    saved = save_form(
        request,
        form,
        save,
        success=lambda row: f"Measure {row.name} saved.",
    )
    if saved:
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
    measure = _or_404(reads.measure_for(school=request.school, pk=measure_id), "measure")
    return _measure_form(request, measure)


# --------------------------------------------------------------------------------------------
# Groups and their pupils
# --------------------------------------------------------------------------------------------


@school_view(Cap.PROVISION_MAP)
@require_safe
def groups(request: HttpRequest) -> HttpResponse:
    status, today = request.GET.get("status", ""), timezone.localdate()
    page = pages.group_list(
        school=request.school, status=status, today=today, page=request.GET.get("page")
    )
    page["can_manage"] = request.access.can(Cap.PROVISION_MANAGE)
    return render(request, "provision/manage/groups.html", page)


def _group_or_404(request: HttpRequest, public_id) -> Group:
    return _or_404(reads.group_for(school=request.school, public_id=public_id), "group")


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def group_new(request: HttpRequest) -> HttpResponse:
    pick = InterventionPickForm(
        request.GET if "intervention" in request.GET else None, school=request.school
    )
    chosen = pick.cleaned_data["intervention"] if pick.is_bound and pick.is_valid() else None
    initial = reads.new_group_initial(
        school=request.school, today=timezone.localdate(), intervention=chosen
    )
    staffing = reads.group_staffing(school=request.school, on=timezone.localdate(), group=None)
    form = GroupForm(form_data(request), school=request.school, initial=initial, **staffing)
    saved = save_form(
        request,
        form,
        lambda data: services.group_create(
            access=request.access, fields=form.model_fields(), staff=list(data["staff"])
        ),
        success=lambda group: f"Group {group.name} added. Now add its pupils.",
    )
    if saved:
        return redirect(_url(request, "group_pupils", saved.result.public_id))
    context = {"section": "groups", "form": form, "pick": pick, "chosen": chosen, "group": None}
    return render(request, "provision/manage/group_form.html", context)


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def group_edit(request: HttpRequest, public_id) -> HttpResponse:
    group = _group_or_404(request, public_id)
    staffing = reads.group_staffing(school=request.school, on=timezone.localdate(), group=group)
    form = GroupForm(form_data(request), school=request.school, instance=group, **staffing)
    saved = save_form(
        request,
        form,
        lambda data: services.group_update(
            access=request.access,
            group=group,
            fields=form.model_fields(),
            staff=list(data["staff"]),
        ),
        success=lambda row: f"Group {row.name} saved.",
    )
    if saved:
        return redirect(_url(request, "groups"))
    return render(
        request,
        "provision/manage/group_form.html",
        {"section": "groups", "form": form, "group": group},
    )


@school_view(Cap.PROVISION_MANAGE)
@audited("provision.group_pupils_viewed")
@GET_POST
def group_pupils(request: HttpRequest, public_id) -> HttpResponse:
    today = timezone.localdate()
    group = _group_or_404(request, public_id)
    joined = reads.joined_on_default(group=group, today=today)
    form = PlaceAddForm(form_data(request), group=group, on=today, initial={"joined_on": joined})
    saved = save_form(
        request,
        form,
        lambda data: services.place_add(access=request.access, group=group, **data),
        success=lambda place: f"{place.pupil.name} added to {group.name}.",
    )
    if saved:
        return redirect(_url(request, "group_pupils", group.public_id))
    places = reads.group_places(group=group)
    note_subject(request, group, pupils=[str(p.pupil.public_id) for p in places])
    context = {"group": group, "places": places, "form": form, "today": today}
    return render(request, "provision/manage/group_pupils.html", {"section": "groups", **context})


def _place_page(request: HttpRequest, place, form: Form, remove_error: str = "") -> HttpResponse:
    """The page of one pupil's place in a group; 400 when its removal was refused."""
    context = {
        "section": "groups",
        "group": place.group,
        "place": place,
        "form": form,
        "has_attendance": reads.place_has_attendance(place=place),
        "remove_error": remove_error,
        "back_url": _url(request, "group_pupils", place.group.public_id),
    }
    status = 400 if remove_error else 200
    return render(request, "provision/manage/place_form.html", context, status=status)


def _place_remove(request: HttpRequest, place) -> HttpResponse:
    """Take the pupil out of the group; a refusal (attendance recorded) is shown on the page."""
    removed = attempt(lambda: services.place_remove(access=request.access, place=place))
    if not removed:
        form = PlaceForm(None, school=request.school, instance=place)
        return _place_page(request, place, form, removed.error)
    messages.success(request, f"{place.pupil.name} removed from {place.group.name}.")
    return redirect(_url(request, "group_pupils", place.group.public_id))


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def place_edit(request: HttpRequest, public_id, place_id: int) -> HttpResponse:
    group = _group_or_404(request, public_id)
    place = _or_404(reads.place_for(school=request.school, group=group, pk=place_id), "place")
    place.group = group
    note_subject(request, place, pupil_public_id=place.pupil.public_id)
    if request.method == "POST" and "remove" in request.POST:
        return _place_remove(request, place)
    form = PlaceForm(form_data(request), school=request.school, instance=place)
    saved = save_form(
        request,
        form,
        lambda data: services.place_update(
            access=request.access, place=place, fields=form.model_fields()
        ),
        success=f"{place.pupil.name}'s place in {group.name} saved.",
    )
    if saved:
        return redirect(_url(request, "group_pupils", group.public_id))
    return _place_page(request, place, form)


# --------------------------------------------------------------------------------------------
# Notional SEN budget
# --------------------------------------------------------------------------------------------


@school_view(Cap.PROVISION_MANAGE)
@GET_POST
def budget(request: HttpRequest) -> HttpResponse:
    year = reads.academic_year_on(school=request.school, on=timezone.localdate())
    current = reads.budget_of(school=request.school, year=year)
    initial = {"amount": current.amount if current else None}
    form = BudgetForm(form_data(request), initial=initial, edits=current)
    # Without a school year on the calendar there is nothing to set a budget for.
    if year is not None and save_form(
        request,
        form,
        lambda data: services.budget_set(
            access=request.access, academic_year=year, amount=data["amount"]
        ),
        success=lambda row: f"Notional SEN budget for {year.name} saved: £{row.amount:,.2f}.",
    ):
        return redirect(_url(request, "budget"))
    history = reads.budget_history(school=request.school)
    context = {"year": year, "current": current, "form": form, "history": history}
    return render(request, "provision/manage/budget.html", {"section": "budget", **context})
