"""`{% pep_and_review pupil %}`: the note on a looked-after child's EHC plan and looked-after
pages about holding the annual review and the PEP together (sendco/alignment.py)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from sendco.alignment import alignment

register = template.Library()


@register.inclusion_tag("sendco/_pep_and_review.html", takes_context=True)
def pep_and_review(context, pupil, known=None) -> dict:
    """`known`: the child's next PEP (`lac.deadlines.Owed`) when the page has worked it out."""
    request = context["request"]
    today = timezone.localdate()
    found = alignment(access=request.access, pupil=pupil, today=today, known=known)
    return {"found": found, "pupil": pupil}
