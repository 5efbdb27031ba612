"""Loading a pupil (or a concern, or a class) for a view: one this person may see, or a 404
(like a missing one)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone

from staff.http import note_subject

from .models import Concern, Pupil, TeachingGroup
from .selectors import class_for, concern_for, pupil_for


def pupil_or_404(request: HttpRequest, public_id) -> Pupil:
    """The pupil with this public id whom `request.access` may see today; anyone else's, or a
    missing one, is a 404. The pupil becomes the subject of the request's audit note."""
    pupil = pupil_for(access=request.access, public_id=public_id, on=timezone.localdate())
    if pupil is None:
        raise Http404("No such pupil.")
    note_subject(request, pupil, pupil_public_id=pupil.public_id)
    return pupil


def concern_or_404(request: HttpRequest, public_id) -> Concern:
    """A concern of this school, or a 404; its pupil becomes the subject of the audit note."""
    concern = concern_for(school=request.school, public_id=public_id)
    if concern is None:
        raise Http404("No such concern.")
    note_subject(request, concern.pupil, pupil_public_id=concern.pupil.public_id)
    return concern


def class_or_404(request: HttpRequest, group_id: int) -> TeachingGroup:
    """A class of this school, or a 404."""
    group = class_for(school=request.school, pk=group_id)
    if group is None:
        raise Http404("No such class.")
    note_subject(request, group)
    return group
