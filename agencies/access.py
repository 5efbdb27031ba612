"""Loading a referral, a report or a service for a view: this school's, and one the person may
see, or a 404 (a teacher finds only the referrals of pupils in their classes). The pupil becomes
the subject of the request's audit note."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone

from register.access import pupil_or_404
from staff.http import note_subject

from . import selectors
from .models import Referral, Report, Service

__all__ = ["pupil_or_404", "referral_or_404", "report_or_404", "service_or_404"]


def referral_or_404(request: HttpRequest, public_id) -> Referral:
    found = selectors.referral_for(
        access=request.access, public_id=public_id, on=timezone.localdate()
    )
    if found is None:
        raise Http404("No such referral.")
    note_subject(
        request, found, pupil_public_id=found.pupil.public_id, referral=str(found.public_id)
    )
    return found


def report_or_404(request: HttpRequest, public_id) -> Report:
    found = selectors.report_for(school=request.school, public_id=public_id)
    if found is None:
        raise Http404("No such report.")
    pupil = found.referral.pupil
    note_subject(request, found, pupil_public_id=pupil.public_id, report=str(found.public_id))
    return found


def service_or_404(request: HttpRequest, pk: int) -> Service:
    """One of this school's own services (a service another school shares is theirs to
    change)."""
    found = selectors.service_of(school=request.school, pk=pk)
    if found is None:
        raise Http404("No such service in this school's directory.")
    note_subject(request, found)
    return found
