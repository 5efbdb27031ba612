"""Loading a pupil or an Early Help record for a view: this school's, or a 404. The pupil
becomes the subject of the request's audit note."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from register.models import Pupil
from staff.http import note_subject

from .early_help_models import EarlyHelp
from .early_help_selectors import early_help_for, pupil_for


def pupil_or_404(request: HttpRequest, public_id) -> Pupil:
    pupil = pupil_for(school=request.school, public_id=public_id)
    if pupil is None:
        raise Http404("No such pupil.")
    note_subject(request, pupil, pupil_public_id=pupil.public_id)
    return pupil


def early_help_or_404(request: HttpRequest, public_id) -> EarlyHelp:
    found = early_help_for(school=request.school, public_id=public_id)
    if found is None:
        raise Http404("No such Early Help record.")
    note_subject(request, found, pupil_public_id=found.pupil.public_id)
    return found
