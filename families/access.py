"""Loading a link or a translated summary for a school-side view: this school's, of a pupil the
person may see, or a 404 (like a missing one). The pupil becomes the subject of the audit."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone

from register.selectors import pupil_for
from staff.http import note_subject

from . import link_selectors
from .models import TranslatedSummary, ViewsLink


def _sees_pupil(request: HttpRequest, pupil) -> bool:
    found = pupil_for(access=request.access, public_id=pupil.public_id, on=timezone.localdate())
    return found is not None


def link_or_404(request: HttpRequest, public_id) -> ViewsLink:
    link = link_selectors.link_of(school=request.school, public_id=public_id)
    if link is None or not _sees_pupil(request, link.pupil):
        raise Http404("No such link.")
    note_subject(request, link, pupil_public_id=link.pupil.public_id)
    return link


def summary_or_404(request: HttpRequest, public_id) -> TranslatedSummary:
    summary = link_selectors.summary_of(school=request.school, public_id=public_id)
    if summary is None or not _sees_pupil(request, summary.pupil):
        raise Http404("No such summary.")
    note_subject(request, summary, pupil_public_id=summary.pupil.public_id)
    return summary
