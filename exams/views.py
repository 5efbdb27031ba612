"""The exam access arrangements pages (secondary schools and others that enter candidates):
series and their candidates, a candidate's arrangements and assessments, assessors, the exams
office's list and CSV, and the arrangements in place for class staff. Views: access -> form ->
service -> redirect or render; pages are assembled in exams.selectors."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from staff.capabilities import Cap, sees_own_classes_only
from staff.http import audited, form_data, note_detail, save_form
from staff.tenancy import school_view

from . import rules, selectors, services
from .access import (
    arrangement_or_404,
    assessor_or_404,
    candidate_or_404,
    exam_school,
    series_or_404,
)
from .forms import (
    ArrangementForm,
    ArrangementsAddForm,
    AssessmentForm,
    AssessorForm,
    FindCandidateForm,
    SeriesChoiceForm,
    SeriesForm,
    StageFilterForm,
)

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _manages(request: HttpRequest) -> bool:
    """A POST on a page everyone with the page's capability reads: only for those who manage."""
    if request.method == "POST" and not request.access.can(Cap.EXAMS_MANAGE):
        raise PermissionDenied("Your role cannot change exam access arrangements.")
    return request.access.can(Cap.EXAMS_MANAGE)


# --------------------------------------------------------------------------------------------------
# Series
# --------------------------------------------------------------------------------------------------


@school_view(Cap.EXAMS_VIEW)
@exam_school
@audited("exams.series_list_viewed")
@require_safe
def series_list(request: HttpRequest) -> HttpResponse:
    page = selectors.series_list_page(school=request.school, today=timezone.localdate())
    can_manage = request.access.can(Cap.EXAMS_MANAGE)
    return render(request, "exams/series_list.html", {**page, "can_manage": can_manage})


@school_view(Cap.EXAMS_MANAGE)
@exam_school
@GET_POST
def series_add(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(form_data(request))
    form.fields["application_deadline"].required = False
    saved = save_form(
        request,
        form,
        lambda data: services.series_add(access=request.access, **data),
        success=lambda s: f"{s.name} is added.",
    )
    if saved:
        return redirect("exams:series", request.school.slug, saved.result.public_id)
    return render(request, "exams/series_edit.html", {"form": form, "series": None})


@school_view(Cap.EXAMS_MANAGE)
@exam_school
@GET_POST
def series_edit(request: HttpRequest, public_id) -> HttpResponse:
    found = series_or_404(request, public_id)
    form = SeriesForm(form_data(request), instance=found)
    saved = save_form(
        request,
        form,
        lambda data: services.series_save(access=request.access, series=found, **data),
        success="Saved.",
    )
    if saved:
        return redirect("exams:series", request.school.slug, found.public_id)
    return render(request, "exams/series_edit.html", {"form": form, "series": found})


@school_view(Cap.EXAMS_VIEW)
@exam_school
@audited("exams.series_viewed")
@GET_POST
def series(request: HttpRequest, public_id) -> HttpResponse:
    """A series' candidates and their arrangements; those who manage add a candidate here."""
    can_manage = _manages(request)
    found = series_or_404(request, public_id)
    today = timezone.localdate()
    find = FindCandidateForm(request.GET).chosen() if can_manage else ""
    form = ArrangementsAddForm(form_data(request), school=request.school, today=today, find=find)
    saved = save_form(
        request,
        form,
        lambda data: services.arrangements_add(access=request.access, series=found, **data),
        success=lambda made: f"{len(made)} arrangement(s) proposed.",
    )
    if saved:
        pupil_id = saved.result[0].pupil.public_id
        return redirect("exams:candidate", request.school.slug, found.public_id, pupil_id)
    stage = StageFilterForm(request.GET or None)
    shown = {"stage": stage.chosen(), "today": today, "page": request.GET.get("page")}
    page = selectors.series_page(school=request.school, series=found, **shown)
    note_detail(request, rows=len(page["candidates"]))
    context = {**page, "form": form, "stage_form": stage, "can_manage": can_manage, "find": find}
    return render(request, "exams/series.html", context, status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------------------
# A candidate
# --------------------------------------------------------------------------------------------------


@school_view(Cap.EXAMS_VIEW)
@exam_school
@audited("exams.candidate_viewed")
@GET_POST
def candidate(request: HttpRequest, public_id, pupil_id) -> HttpResponse:
    can_manage = _manages(request)
    found, pupil = candidate_or_404(request, public_id, pupil_id)
    today = timezone.localdate()
    form = ArrangementsAddForm(
        form_data(request), school=request.school, today=today, with_pupil=False
    )
    saved = save_form(
        request,
        form,
        lambda data: services.arrangements_add(
            access=request.access, series=found, pupil=pupil, **data
        ),
        success=lambda made: f"{len(made)} arrangement(s) proposed.",
    )
    if saved:
        return redirect("exams:candidate", request.school.slug, found.public_id, pupil.public_id)
    page = selectors.candidate(school=request.school, series=found, pupil=pupil, today=today)
    context = {**page, "series": found, "pupil": pupil, "form": form, "can_manage": can_manage}
    return render(request, "exams/candidate.html", context, status=400 if form.errors else 200)


@school_view(Cap.EXAMS_MANAGE)
@exam_school
@audited("exams.arrangement_opened")
@GET_POST
def arrangement(request: HttpRequest, public_id) -> HttpResponse:
    """An arrangement's stage, dates and AAO reference."""
    found = arrangement_or_404(request, public_id)
    form = ArrangementForm(form_data(request), arrangement=found)
    saved = save_form(
        request,
        form,
        lambda data: services.arrangement_save(
            access=request.access, arrangement=found, today=timezone.localdate(), **data
        ),
        success=lambda a: f"{a.kind.name}: {rules.STAGE_WORDS[a.stage]}.",
    )
    back = (request.school.slug, found.series.public_id, found.pupil.public_id)
    if saved:
        return redirect("exams:candidate", *back)
    return render(request, "exams/arrangement.html", {"form": form, "arrangement": found})


@school_view(Cap.EXAMS_MANAGE)
@exam_school
@GET_POST
def assessment_add(request: HttpRequest, public_id, pupil_id) -> HttpResponse:
    """A candidate's assessment (Form 8 part 2), by a qualified assessor."""
    found, pupil = candidate_or_404(request, public_id, pupil_id)
    today = timezone.localdate()
    form = AssessmentForm(form_data(request), school=request.school)
    saved = save_form(
        request,
        form,
        lambda data: services.assessment_add(
            access=request.access,
            pupil=pupil,
            today=today,
            **selectors.assessment_fields(data, pupil=pupil, today=today),
        ),
        success="The assessment is recorded.",
    )
    if saved:
        return redirect("exams:candidate", request.school.slug, found.public_id, pupil.public_id)
    context = {"form": form, "series": found, "pupil": pupil}
    return render(request, "exams/assessment_add.html", context)


# --------------------------------------------------------------------------------------------------
# Assessors
# --------------------------------------------------------------------------------------------------


@school_view(Cap.EXAMS_VIEW)
@exam_school
@audited("exams.assessors_viewed")
@GET_POST
def assessors(request: HttpRequest) -> HttpResponse:
    can_manage = _manages(request)
    form = AssessorForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: services.assessor_add(
            access=request.access, today=timezone.localdate(), **data
        ),
        success=lambda a: f"{a.name} is added.",
    )
    if saved:
        return redirect("exams:assessors", request.school.slug)
    context = {
        "assessors": selectors.assessors_page(school=request.school),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "exams/assessors.html", context, status=400 if form.errors else 200)


@school_view(Cap.EXAMS_MANAGE)
@exam_school
@GET_POST
def assessor_edit(request: HttpRequest, public_id) -> HttpResponse:
    found = assessor_or_404(request, public_id)
    form = AssessorForm(form_data(request), instance=found)
    saved = save_form(
        request,
        form,
        lambda data: services.assessor_save(
            access=request.access, assessor=found, today=timezone.localdate(), **data
        ),
        success="Saved.",
    )
    if saved:
        return redirect("exams:assessors", request.school.slug)
    return render(request, "exams/assessor_edit.html", {"form": form, "assessor": found})


# --------------------------------------------------------------------------------------------------
# The exams office, and class staff
# --------------------------------------------------------------------------------------------------


def _office_series(request: HttpRequest):
    form = SeriesChoiceForm(request.GET or None, school=request.school)
    chosen = form.cleaned_data.get("series") if form.is_valid() else None
    chosen = chosen or selectors.next_series(school=request.school, today=timezone.localdate())
    if chosen is not None:
        form = SeriesChoiceForm(initial={"series": chosen.pk}, school=request.school)
        note_detail(request, series=str(chosen.public_id))
    return form, chosen


@school_view(Cap.EXAMS_OFFICE)
@exam_school
@audited("exams.office_viewed")
@require_safe
def office(request: HttpRequest) -> HttpResponse:
    """The exams office's list: candidates and their arrangements, no health details."""
    form, chosen = _office_series(request)
    page = None
    if chosen is not None:
        page = selectors.office_page(
            school=request.school, series=chosen, page=request.GET.get("page")
        )
    query = f"series={chosen.pk}" if chosen is not None else ""
    context = {"form": form, "series": chosen, "page": page, "query": query}
    return render(request, "exams/office.html", context)


@school_view(Cap.EXAMS_OFFICE)
@exam_school
@audited("exams.office_exported")
@require_safe
def office_csv(request: HttpRequest) -> HttpResponse:
    form, chosen = _office_series(request)
    if chosen is None:
        return redirect("exams:office", request.school.slug)
    rows = selectors.office_all(school=request.school, series=chosen)
    note_detail(request, rows=len(rows))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"access-arrangements-{request.school.slug}-{chosen.first_exam_on:%Y-%m}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    add_never_cache_headers(response)
    writer = csv.writer(response)
    writer.writerow(selectors.OFFICE_HEADER)
    writer.writerows(selectors.csv_safe(row.cells()) for row in rows)
    return response


@school_view(Cap.EXAMS_CLASS)
@exam_school
@audited("exams.in_class_viewed")
@require_safe
def in_class(request: HttpRequest) -> HttpResponse:
    """The arrangements in place for the pupils of one's classes, to apply in class tests."""
    page = selectors.in_class_page(
        access=request.access, today=timezone.localdate(), page=request.GET.get("page")
    )
    note_detail(request, rows=len(page.object_list))
    mine = sees_own_classes_only(request.access.role)
    return render(request, "exams/in_class.html", {"page": page, "access_is_class_only": mine})
