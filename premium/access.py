"""Loading a ground of eligibility for a view: one of this school's, or a 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from register.models import PupilPremiumPeriod
from staff.http import note_subject

from .selectors import period_for


def period_or_404(request: HttpRequest, pk: int) -> PupilPremiumPeriod:
    """A period of this school, or a 404 (another school's answers like a missing one); its
    pupil becomes the subject of the request's audit note."""
    period = period_for(school=request.school, pk=pk)
    if period is None:
        raise Http404("No such record.")
    note_subject(request, period.pupil, pupil_public_id=period.pupil.public_id)
    return period
