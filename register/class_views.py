"""Classes of this academic year and who teaches and supports them. Who is in a class comes
from the MIS import; who teaches it is set here, and decides what teachers and TAs see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from staff.capabilities import Cap
from staff.http import audited, form_data, save_form
from staff.tenancy import school_view

from . import pages, selectors, services
from .access import class_or_404
from .class_forms import ClassStaffForm, NewClassForm


def _this_year(request: HttpRequest):
    return selectors.academic_year_on(school=request.school, on=timezone.localdate())


def _class_list(
    request: HttpRequest, *, new_form: NewClassForm | None = None, status: int = 200
) -> HttpResponse:
    year = _this_year(request)
    return render(
        request,
        "register/class_list.html",
        {
            "year": year,
            "groups": selectors.classes_of_year(school=request.school, year=year),
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
    saved = save_form(
        request,
        form,
        lambda data: services.class_create(access=request.access, year=year, name=data["name"]),
        success=lambda group: f"Class {group.name} added. Now choose who teaches it.",
    )
    if not saved:
        return _class_list(request, new_form=form, status=400)
    return redirect(
        "register:class_edit", school_slug=request.school.slug, group_id=saved.result.pk
    )


@school_view(Cap.CLASSES_MANAGE)
@audited("register.class_viewed")
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = class_or_404(request, group_id)
    page = pages.class_staffing(group=group, school=request.school, on=timezone.localdate())
    form = ClassStaffForm(form_data(request), school=request.school, edits=group, **page["form"])
    saved = save_form(
        request,
        form,
        lambda data: services.class_staff_set(
            access=request.access,
            group=group,
            teachers=data["teachers"],
            assistants=data["assistants"],
        ),
        success=f"Staff of {group.name} saved.",
    )
    if saved:
        return redirect("register:classes", school_slug=request.school.slug)
    pupils = selectors.class_pupils(group=group)
    context = {"group": group, "form": form, "pupils": pupils, "training": page["training"]}
    return render(request, "register/class_edit.html", context)
