"""Loading an exam record for a view: this school's, or a 404. And the school itself: a school
that enters no exam candidates (a primary school) has no exam pages, and says why."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from register.access import pupil_or_404
from register.models import Pupil
from staff.http import note_subject

from . import rules, selectors
from .models import Arrangement, Assessor, ExamSeries


def exam_school(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Under `school_view`: a school whose phase enters no exam candidates answers 404 with the
    reason (exams.rules.sits_exams), before anything is read."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        school = request.school
        if not rules.sits_exams(school.phase):
            reason = rules.NOT_HERE.format(phase=school.get_phase_display().lower())
            return render(request, "exams/not_here.html", {"reason": reason}, status=404)
        return view(request, *args, **kwargs)

    return wrapper


def series_or_404(request: HttpRequest, public_id) -> ExamSeries:
    found = selectors.series_for(school=request.school, public_id=public_id)
    if found is None:
        raise Http404("No such exam series.")
    note_subject(request, found)
    return found


def candidate_or_404(request: HttpRequest, public_id, pupil_id) -> tuple[ExamSeries, Pupil]:
    series = series_or_404(request, public_id)
    return series, pupil_or_404(request, pupil_id)


def arrangement_or_404(request: HttpRequest, public_id) -> Arrangement:
    found = selectors.arrangement_for(school=request.school, public_id=public_id)
    if found is None:
        raise Http404("No such arrangement.")
    note_subject(request, found, pupil_public_id=found.pupil.public_id)
    return found


def assessor_or_404(request: HttpRequest, public_id) -> Assessor:
    found = selectors.assessor_for(school=request.school, public_id=public_id)
    if found is None:
        raise Http404("No such assessor.")
    note_subject(request, found)
    return found
