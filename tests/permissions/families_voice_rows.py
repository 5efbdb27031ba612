"""AC-01 rows for the pupil's voice (issue 19), merged into tests/permissions/test_matrix.py like
the training rows.

Who may do what (staff/capabilities.py): the SENDCo, trust lead, a teacher and a TA of the
pupil record the pupil's views with them (the head reads, never records); the SENDCo, trust lead,
head and teacher read the views given; only the SENDCo and trust lead accept them into the plan.
A governor gets 403 everywhere; another school's people 404.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from register.models import ViewsGiven
from tests.permissions.rows import Row

#               anon send lead head teach ta   gov  oSen oLead deact
_RECORD_GET = " 302  200  200  403  200  200  403  404  404  302"
_RECORD_POST = " 302  302  302  403  302  302  403  404  404  302"
_VIEW = " 302  200  200  200  200  403  403  404  404  302"
_ACCEPT = " 302  302  302  403  403  403  403  404  404  302"


def _yesterday(world) -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


FAMILIES_VOICE_MATRIX: dict[str, Row] = {
    "families:pupil_voice": Row(
        get=_RECORD_GET,
        post=_RECORD_POST,
        post_data=(
            ("purpose", "plan"),
            ("given_on", _yesterday),
            ("given_by", "Ada with Mrs Teacher"),
            ("good_at", "reading"),
            ("feel_school", "4"),
        ),
    ),
    "families:pupil_views": Row(get=_VIEW),
    "families:voice_print": Row(get=_RECORD_GET),
    "families:views_accept": Row(post=_ACCEPT),
}


def families_voice_world(world: dict) -> dict:
    """Cara (in the teacher's and TA's class, her plan under way) said what helps her."""
    cara = world["plan_pupil"]
    world["voice_views"] = ViewsGiven.objects.create(
        school=world["acorn"],
        pupil=cara,
        whose=ViewsGiven.Whose.PUPIL,
        how=ViewsGiven.How.SYMBOL_FORM,
        purpose=ViewsGiven.Purpose.PLAN_REVIEW,
        given_on=timezone.localdate() - timedelta(days=2),
        given_by="Cara with Mrs Teacher",
        answers=[{"question": "What helps me", "answer": "A quiet place"}],
        recorded_by=world["users"]["teacher"],
    )
    return world


def families_voice_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    ada = {"school_slug": slug, "public_id": world["pupil"].public_id}
    return {
        "families:pupil_voice": ada,
        "families:pupil_views": {"school_slug": slug, "public_id": world["plan_pupil"].public_id},
        "families:voice_print": {"school_slug": slug},
        "families:views_accept": {
            "school_slug": slug,
            "public_id": world["voice_views"].public_id,
        },
    }
