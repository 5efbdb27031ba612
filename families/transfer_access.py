"""Loading a transfer pack for a view: one of this school's, or a 404 (like a missing one); its
pupil becomes the subject of the request's audit note."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from staff.http import note_subject

from .models import TransferPack
from .transfer_selectors import pack_for


def pack_or_404(request: HttpRequest, public_id) -> TransferPack:
    pack = pack_for(school=request.school, public_id=public_id)
    if pack is None:
        raise Http404("No such transfer pack.")
    note_subject(request, pack, pupil_public_id=pack.pupil.public_id, to_school=pack.to_school)
    return pack
