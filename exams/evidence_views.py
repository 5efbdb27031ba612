"""Evidence for access arrangements: the candidates of a series, a candidate's evidence trail
(what a JCQ inspector asks to see), asking teachers for their normal-way-of-working evidence,
the teacher's own list of requests and their answer, and Form 8 part 1 as a PDF."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from register.access import pupil_or_404
from staff.capabilities import Cap
from staff.http import audited, form_data, note_detail, note_subject, save_form, say_form_errors
from staff.pdf import pdf_response
from staff.tenancy import school_view

from . import evidence_selectors as selectors
from . import evidence_services as services
from . import form8
from .access import exam_school
from .evidence_forms import SUBJECTS, AnswerForm, AskAgainForm, AskForm
from .models import ExamSeries, NormalWayEvidence

PAGE_SIZE = 25


def _series_or_404(request: HttpRequest, public_id) -> ExamSeries:
    series = selectors.series_for(school=request.school, public_id=public_id)
    if series is None:
        raise Http404("No such exam series.")
    return series


def _asked_of_me_or_404(request: HttpRequest, public_id) -> NormalWayEvidence:
    """A request sent to this person; anyone else's, or a missing one, is a 404."""
    found = selectors.request_for_teacher(
        school=request.school, user=request.user, public_id=public_id
    )
    if found is None:
        raise Http404("No such request.")
    note_subject(request, found, pupil_public_id=found.pupil.public_id)
    return found


def _to_trail(request: HttpRequest, series: ExamSeries, pupil) -> HttpResponse:
    return redirect(
        "exam_evidence:trail",
        school_slug=request.school.slug,
        series_id=series.public_id,
        public_id=pupil.public_id,
    )


@school_view(Cap.EXAMS_VIEW)
@exam_school
@audited("exams.evidence_candidates_viewed")
@require_safe
def candidates(request: HttpRequest) -> HttpResponse:
    all_series = list(selectors.series_of(school=request.school))
    wanted = request.GET.get("series")
    series = next((s for s in all_series if str(s.public_id) == wanted), None) or (
        all_series[0] if all_series else None
    )
    rows = selectors.candidates(school=request.school, series=series) if series else []
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    note_detail(request, pupils=sorted(str(p.public_id) for p in page.object_list))
    query = f"series={series.public_id}" if series else ""
    context = {"all_series": all_series, "series": series, "page": page, "query": query}
    return render(request, "exams/evidence/candidates.html", context)


@school_view(Cap.EXAMS_VIEW)
@exam_school
@audited("exams.evidence_trail_viewed")
@require_safe
def trail(request: HttpRequest, series_id, public_id) -> HttpResponse:
    series = _series_or_404(request, series_id)
    pupil = pupil_or_404(request, public_id)
    today = timezone.localdate()
    context = selectors.trail(school=request.school, pupil=pupil, series=series, today=today)
    choices = selectors.teacher_choices(school=request.school, pupil=pupil, today=today)
    context.update(
        pupil=pupil,
        series=series,
        today=today,
        can_ask=request.access.can(Cap.EXAMS_MANAGE),
        ask_form=AskForm(school=request.school, choices=choices),
        again_form=AskAgainForm(school=request.school, choices=choices),
        subject_names=SUBJECTS,
    )
    return render(request, "exams/evidence/trail.html", context)


@school_view(Cap.EXAMS_MANAGE)
@exam_school
@require_POST
def ask(request: HttpRequest, series_id, public_id) -> HttpResponse:
    series = _series_or_404(request, series_id)
    pupil = pupil_or_404(request, public_id)
    today = timezone.localdate()
    choices = selectors.teacher_choices(school=request.school, pupil=pupil, today=today)
    form = AskForm(form_data(request), school=request.school, choices=choices)
    saved = save_form(
        request,
        form,
        lambda data: services.evidence_request(
            access=request.access, pupil=pupil, series=series, today=today, **data
        ),
        success=lambda e: f"{e.teacher} is asked for the {e.subject} evidence.",
    )
    if not saved:
        say_form_errors(request, form)
    return _to_trail(request, series, pupil)


@school_view(Cap.EXAMS_MANAGE)
@exam_school
@require_POST
def ask_again(request: HttpRequest, public_id) -> HttpResponse:
    found = selectors.request_for(school=request.school, public_id=public_id)
    if found is None:
        raise Http404("No such request.")
    today = timezone.localdate()
    choices = selectors.teacher_choices(school=request.school, pupil=found.pupil, today=today)
    form = AskAgainForm(form_data(request), school=request.school, choices=choices)
    saved = save_form(
        request,
        form,
        lambda data: services.evidence_ask_again(
            access=request.access, evidence=found, teacher=data["teacher"], today=today
        ),
        success=lambda e: f"{e.teacher} is asked again for the {e.subject} evidence.",
    )
    if not saved:
        say_form_errors(request, form)
    return _to_trail(request, found.series, found.pupil)


@school_view(Cap.EXAM_EVIDENCE_ANSWER)
@exam_school
@audited("exams.evidence_asked_viewed")
@require_safe
def asked_of_me(request: HttpRequest) -> HttpResponse:
    rows = selectors.open_requests_for(school=request.school, user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    note_detail(request, pupils=sorted(str(e.pupil.public_id) for e in page.object_list))
    answered = selectors.answered_count_for(school=request.school, user=request.user)
    context = {"page": page, "answered": answered}
    return render(request, "exams/evidence/asked_of_me.html", context)


@school_view(Cap.EXAM_EVIDENCE_ANSWER)
@exam_school
@audited("exams.evidence_request_opened")
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, public_id) -> HttpResponse:
    found = _asked_of_me_or_404(request, public_id)
    initial = {"kinds": list(found.arrangements.all()), "how": found.answer}
    form = AnswerForm(form_data(request), initial=initial)
    saved = save_form(
        request,
        form,
        lambda data: services.evidence_answer(
            access=request.access,
            evidence=found,
            kinds=list(data["kinds"]),
            how=data["how"],
            today=timezone.localdate(),
        ),
        success=lambda e: f"Thank you: your {e.subject} evidence for {e.pupil.name} is sent.",
    )
    if saved:
        return redirect("exam_evidence:asked_of_me", school_slug=request.school.slug)
    status = 422 if request.method == "POST" else 200
    considered = selectors.arrangements_of(
        school=request.school, pupil=found.pupil, series=found.series
    )
    context = {"evidence": found, "form": form, "considered": considered}
    return render(request, "exams/evidence/answer.html", context, status=status)


@school_view(Cap.EXAMS_VIEW)
@exam_school
@audited(selectors.FORM8_PRINTED)
@require_safe
def form8_pdf(request: HttpRequest, series_id, public_id) -> HttpResponse:
    series = _series_or_404(request, series_id)
    pupil = pupil_or_404(request, public_id)
    today = timezone.localdate()
    context = form8.context(school=request.school, pupil=pupil, series=series, today=today)
    note_detail(request, series=str(series.public_id), format="pdf")
    return pdf_response(request, form8.TEMPLATE, context, filename=form8.filename(pupil, today))
