"""Loading a looked-after child or a virtual school for a view: this school's, or a 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from register.models import Pupil
from staff.http import note_subject

from .models import PlusRelease, VirtualSchool
from .selectors import child_for, release_for, virtual_school_of


def child_or_404(request: HttpRequest, public_id) -> Pupil:
    """A pupil of this school who is or was looked after here; anyone else's, or any other
    pupil, is a 404. The child becomes the subject of the request's audit note."""
    pupil = child_for(school=request.school, public_id=public_id)
    if pupil is None:
        raise Http404("No such looked-after child.")
    note_subject(request, pupil, pupil_public_id=pupil.public_id)
    return pupil


def virtual_school_or_404(request: HttpRequest, pk: int) -> VirtualSchool:
    found = virtual_school_of(school=request.school, pk=pk)
    if found is None:
        raise Http404("No such virtual school.")
    note_subject(request, found)
    return found


def release_or_404(request: HttpRequest, pk: int) -> PlusRelease:
    found = release_for(school=request.school, pk=pk)
    if found is None:
        raise Http404("No such record.")
    note_subject(request, found.pupil, pupil_public_id=found.pupil.public_id)
    return found
