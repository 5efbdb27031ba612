"""Classes of this academic year and who teaches and supports them. Who is in a class comes
from the MIS import; who teaches it is set here, and decides what teachers and TAs see."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from staff.capabilities import Cap
from staff.http import form_data
from staff.models import AcademicYear
from staff.services import audit
from staff.tenancy import school_view

from .class_forms import ClassStaffForm, NewClassForm
from .models import TeachingGroup


def _this_year(request: HttpRequest) -> AcademicYear | None:
    today = timezone.localdate()
    return AcademicYear.objects.filter(
        school=request.school, starts_on__lte=today, ends_on__gte=today
    ).first()


def _class_list(
    request: HttpRequest, *, new_form: NewClassForm | None = None, status: int = 200
) -> HttpResponse:
    year = _this_year(request)
    groups = (
        TeachingGroup.objects.filter(school=request.school, academic_year=year)
        .annotate(size=Count("pupils", distinct=True))
        .prefetch_related("teachers", "assistants")
        .order_by("name")
    )
    return render(
        request,
        "register/class_list.html",
        {
            "year": year,
            "groups": groups,
            "new_form": new_form or NewClassForm(school=request.school, year=year),
            "can_manage": request.access.can(Cap.CLASSES_MANAGE),
        },
        status=status,
    )


@school_view(Cap.CLASSES_VIEW)
@require_safe
def class_list(request: HttpRequest) -> HttpResponse:
    return _class_list(request)


@school_view(Cap.CLASSES_MANAGE)
@require_POST
def class_create(request: HttpRequest) -> HttpResponse:
    year = _this_year(request)
    form = NewClassForm(request.POST, school=request.school, year=year)
    if not form.is_valid():
        return _class_list(request, new_form=form, status=400)
    group = TeachingGroup.objects.create(
        school=request.school, academic_year=year, name=form.cleaned_data["name"]
    )
    audit(
        action="register.class_created",
        actor=request.user,
        school=request.school,
        role=request.access.role,
        obj=group,
    )
    messages.success(request, f"Class {group.name} added. Now choose who teaches it.")
    return redirect("register:class_edit", school_slug=request.school.slug, group_id=group.pk)


@school_view(Cap.CLASSES_MANAGE)
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = (
        TeachingGroup.objects.filter(school=request.school, pk=group_id)
        .select_related("academic_year")
        .prefetch_related("teachers", "assistants")
        .first()
    )
    if group is None:
        raise Http404("No such class.")
    form = ClassStaffForm(
        form_data(request),
        school=request.school,
        initial={
            "teachers": list(group.teachers.all()),
            "assistants": list(group.assistants.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            group.teachers.set(form.cleaned_data["teachers"])
            group.assistants.set(form.cleaned_data["assistants"])
            audit(
                action="register.class_staff_changed",
                actor=request.user,
                school=request.school,
                role=request.access.role,
                obj=group,
                detail={
                    "teachers": [u.email for u in form.cleaned_data["teachers"]],
                    "assistants": [u.email for u in form.cleaned_data["assistants"]],
                },
            )
        messages.success(request, f"Staff of {group.name} saved.")
        return redirect("register:classes", school_slug=request.school.slug)
    pupils = group.pupils.order_by("legal_last_name", "legal_first_name")
    return render(
        request, "register/class_edit.html", {"group": group, "form": form, "pupils": pupils}
    )
