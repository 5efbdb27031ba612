"""The training pages: the school's staff and what each is trained in, a person's records and
certificates, the course catalogue, and sessions with attendance taken in one step. A member of
staff opens their own records; the SENDCo, head and trust lead everyone's; the SENDCo and trust
lead record and plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from staff.capabilities import Cap
from staff.http import audited, form_data, note_subject, save_form, stored_download
from staff.tenancy import school_view

from . import pages, selectors, services
from .access import completion_or_404, course_or_404, person_or_404, session_or_404
from .forms import (
    AttendanceForm,
    CompletionForm,
    CourseForm,
    GapPlanForm,
    PersonAddForm,
    PersonForm,
    SessionForm,
    SupervisionForm,
)

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@school_view(Cap.TRAINING_VIEW)
@audited("training.people_viewed")
@require_safe
def people(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = pages.people(access=request.access, today=today, page=request.GET.get("page"))
    return render(request, "training/people.html", page)


def _reads_only(request: HttpRequest) -> HttpResponse | None:
    """For a page whose record only some may find: the method is checked after the record, so
    only those who may read it are told a POST is not allowed."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


@school_view(Cap.TRAINING_OWN)
def mine(request: HttpRequest) -> HttpResponse:
    """My own training: the page of the staff member who is me."""
    found = selectors.person_of_user(school=request.school, user_id=request.user.pk)
    if found is None:
        raise Http404("You are not on this school's staff list.")
    if refused := _reads_only(request):
        return refused
    return redirect("training:person", request.school.slug, found.public_id)


@school_view(Cap.TRAINING_MANAGE)
@GET_POST
def person_add(request: HttpRequest) -> HttpResponse:
    """A member of staff without a sendco login (everyone with one is listed already)."""
    form = PersonAddForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: services.person_add(access=request.access, **data),
        success=lambda p: f"{p.name} is on the staff list.",
    )
    if saved:
        return redirect("training:person", request.school.slug, saved.result.public_id)
    return render(request, "training/person_add.html", {"form": form})


@school_view(Cap.TRAINING_OWN)
@audited("training.person_viewed")
def person(request: HttpRequest, public_id) -> HttpResponse:
    found = person_or_404(request, public_id)
    if refused := _reads_only(request):
        return refused
    page = pages.person(access=request.access, person=found, today=timezone.localdate())
    return render(request, "training/person.html", page)


def _person_form_page(request, found, name: str, form) -> HttpResponse:
    page = pages.person(
        access=request.access, person=found, today=timezone.localdate(), forms={name: form}
    )
    return render(request, "training/person.html", page, status=400)


@school_view(Cap.TRAINING_MANAGE)
@require_POST
def person_edit(request: HttpRequest, public_id) -> HttpResponse:
    found = person_or_404(request, public_id)
    form = PersonForm(request.POST, instance=found)
    today = timezone.localdate()
    saved = save_form(
        request,
        form,
        lambda data: services.person_save(access=request.access, person=found, today=today, **data),
        success="Saved.",
    )
    if saved:
        return redirect("training:person", request.school.slug, found.public_id)
    return _person_form_page(request, found, "person_form", form)


@school_view(Cap.TRAINING_MANAGE)
@require_POST
def record(request: HttpRequest, public_id) -> HttpResponse:
    """Record a course a person completed, with its certificate."""
    found = person_or_404(request, public_id)
    form = CompletionForm(request.POST, request.FILES, school=request.school)
    saved = save_form(
        request,
        form,
        lambda data: services.completion_record(
            access=request.access,
            person=found,
            today=timezone.localdate(),
            certificate_type=form.certificate_type,
            **data,
        ),
        success=lambda c: f"Recorded: {c.course.name}.",
    )
    if saved:
        return redirect("training:person", request.school.slug, found.public_id)
    return _person_form_page(request, found, "record_form", form)


@school_view(Cap.TRAINING_MANAGE)
@require_POST
def supervision(request: HttpRequest, public_id) -> HttpResponse:
    found = person_or_404(request, public_id)
    form = SupervisionForm(request.POST, school=request.school)
    saved = save_form(
        request,
        form,
        lambda data: services.supervision_record(
            access=request.access, person=found, today=timezone.localdate(), **data
        ),
        success="The supervision is recorded.",
    )
    if saved:
        return redirect("training:person", request.school.slug, found.public_id)
    return _person_form_page(request, found, "supervision_form", form)


@school_view(Cap.TRAINING_OWN)
@audited("training.certificate_downloaded")
def certificate(request: HttpRequest, public_id) -> HttpResponse:
    """A certificate, for its holder and those who see everyone's training."""
    found = completion_or_404(request, public_id)
    if refused := _reads_only(request):
        return refused
    return stored_download(
        found.certificate,
        name=found.certificate_name or "certificate",
        content_type=found.certificate_type,
        missing="This record has no certificate.",
    )


@school_view(Cap.TRAINING_VIEW)
@GET_POST
def courses(request: HttpRequest) -> HttpResponse:
    """The catalogue; the SENDCo adds a course, or the common SEND courses it lacks."""
    if request.method == "POST" and not request.access.can(Cap.TRAINING_MANAGE):
        raise PermissionDenied
    form = CourseForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: services.course_save(access=request.access, **data),
        success=lambda c: f"{c.name} is in the catalogue.",
    )
    if saved:
        return redirect("training:courses", request.school.slug)
    return render(request, "training/courses.html", pages.courses(access=request.access, form=form))


@school_view(Cap.TRAINING_MANAGE)
@GET_POST
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = course_or_404(request, pk)
    form = CourseForm(form_data(request), instance=found)
    saved = save_form(
        request,
        form,
        lambda data: services.course_save(access=request.access, course=found, **data),
        success=lambda c: f"{c.name} is saved.",
    )
    if saved:
        return redirect("training:courses", request.school.slug)
    return render(request, "training/course_edit.html", {"form": form, "course": found})


@school_view(Cap.TRAINING_MANAGE)
@require_POST
def common_courses(request: HttpRequest) -> HttpResponse:
    added = services.common_courses_add(access=request.access)
    note_subject(request, request.school)
    word = "course" if added == 1 else "courses"
    messages.success(
        request, f"Added {added} common SEND {word}." if added else "You have them all already."
    )
    return redirect("training:courses", request.school.slug)


@school_view(Cap.TRAINING_VIEW)
@GET_POST
def sessions(request: HttpRequest) -> HttpResponse:
    """Training planned and held; the SENDCo plans a session or INSET."""
    if request.method == "POST" and not request.access.can(Cap.TRAINING_MANAGE):
        raise PermissionDenied
    today = timezone.localdate()
    people = selectors.people(school=request.school, on=today)
    form = SessionForm(form_data(request), school=request.school, people=people)
    saved = save_form(
        request,
        form,
        lambda data: services.session_plan(access=request.access, **data),
        success=lambda s: f"Planned: {s.course.name} on {s.on:%-d %B %Y}.",
    )
    if saved:
        return redirect("training:session", request.school.slug, saved.result.public_id)
    page = pages.sessions(
        access=request.access, today=today, page=request.GET.get("page"), form=form
    )
    return render(request, "training/sessions.html", page)


@school_view(Cap.TRAINING_VIEW)
@GET_POST
def session(request: HttpRequest, public_id) -> HttpResponse:
    """A session; once it has happened the SENDCo ticks who came, in one step."""
    if request.method == "POST" and not request.access.can(Cap.TRAINING_MANAGE):
        raise PermissionDenied
    found = session_or_404(request, public_id)
    today = timezone.localdate()
    form = None
    if request.method == "POST":
        people = selectors.people(school=request.school, on=found.on)
        form = AttendanceForm(request.POST, people=people)
        saved = save_form(
            request,
            form,
            lambda data: services.attendance_take(
                access=request.access, session=found, today=today, present=data["present"]
            ),
            success=lambda done: f"Attendance saved: {done[0]} added, {done[1]} removed.",
        )
        if saved:
            return redirect("training:session", request.school.slug, found.public_id)
    page = pages.session(access=request.access, session=found, today=today, form=form)
    return render(request, "training/session.html", page)


@school_view(Cap.TRAINING_VIEW)
@audited("training.gaps_viewed")
@require_safe
def gaps(request: HttpRequest) -> HttpResponse:
    """Training matched to need: where the adults of a class or group are untrained for its
    pupils' needs, and this year's training plan proposed from the top gaps."""
    page = pages.gaps(access=request.access, today=timezone.localdate())
    return render(request, "training/gaps.html", page)


@school_view(Cap.TRAINING_MANAGE)
@require_POST
def gap_plan(request: HttpRequest) -> HttpResponse:
    """A proposal of the plan turned into a planned session in one step."""
    today = timezone.localdate()
    people = selectors.people(school=request.school, on=today)
    form = GapPlanForm(request.POST, school=request.school, people=people)
    saved = save_form(
        request,
        form,
        lambda data: services.session_plan(access=request.access, **data),
        success=lambda s: f"Planned: {s.course.name} on {s.on:%-d %B %Y}.",
    )
    if saved:
        return redirect("training:session", request.school.slug, saved.result.public_id)
    page = pages.gaps(access=request.access, today=today, posted=form)
    return render(request, "training/gaps.html", page, status=400)
