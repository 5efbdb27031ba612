"""Loading a training record for a view: this school's, and one the person may see, or a 404.
A member of staff sees their own; the SENDCo, head and trust lead see everyone's."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from staff.capabilities import Cap
from staff.http import note_subject

from . import selectors
from .models import Completion, Course, Session, StaffMember


def _sees(request: HttpRequest, person: StaffMember) -> bool:
    return request.access.can(Cap.TRAINING_VIEW) or (
        person.user_id is not None and person.user_id == request.user.pk
    )


def person_or_404(request: HttpRequest, public_id) -> StaffMember:
    person = selectors.person_for(school=request.school, public_id=public_id)
    if person is None or not _sees(request, person):
        raise Http404("No such member of staff.")
    note_subject(request, person)
    return person


def completion_or_404(request: HttpRequest, public_id) -> Completion:
    found = selectors.completion_for(school=request.school, public_id=public_id)
    if found is None or not _sees(request, found.person):
        raise Http404("No such record.")
    note_subject(request, found, person=str(found.person.public_id))
    return found


def course_or_404(request: HttpRequest, pk: int) -> Course:
    found = selectors.course_of(school=request.school, pk=pk)
    if found is None:
        raise Http404("No such course.")
    note_subject(request, found)
    return found


def session_or_404(request: HttpRequest, public_id) -> Session:
    found = selectors.session_for(school=request.school, public_id=public_id)
    if found is None:
        raise Http404("No such session.")
    note_subject(request, found)
    return found
