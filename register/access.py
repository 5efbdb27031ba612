"""Loading a pupil for a view: the pupil this person may see, or a 404 (like a missing one)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone

from staff.http import note_subject

from .models import Pupil
from .selectors import pupil_for


def pupil_or_404(request: HttpRequest, public_id) -> Pupil:
    """The pupil with this public id whom `request.access` may see today; anyone else's, or a
    missing one, is a 404. The pupil becomes the subject of the request's audit note."""
    pupil = pupil_for(access=request.access, public_id=public_id, on=timezone.localdate())
    if pupil is None:
        raise Http404("No such pupil.")
    note_subject(request, pupil, pupil_public_id=pupil.public_id)
    return pupil
