"""AC-01 rows for the Pupil Premium URLs (issue 16), merged into tests/permissions/test_matrix.py
like the reminder rows: `MATRIX.update(PREMIUM_MATRIX)`, `premium_world(world)` at the end of
the world fixture and `premium_kwargs(world)` in `_kwargs`.

Who may do what (staff/capabilities.py): the SENDCo and trust lead record and end a pupil's
grounds; the head reads every page; teachers, TAs and governors get 403; outsiders 404.
"""

from __future__ import annotations

from datetime import date

from register.models import PupilPremiumPeriod
from tests.permissions.rows import Row

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  403  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"

PREMIUM_MATRIX: dict[str, Row] = {
    "premium:overview": Row(get=_VIEW),
    "premium:pupils": Row(get=_VIEW),
    "premium:pupil": Row(
        get=_VIEW,
        post=_MANAGE,
        post_data=(("kind", "service"), ("starts_on", "2025-01-06")),
    ),
    "premium:period_end": Row(post=_MANAGE, post_data=(("ends_on", "2026-11-30"),)),
}


def premium_world(world: dict) -> dict:
    """Add an open ground of the world's pupil, for ending. Returns the world, extended."""
    pupil = world["pupil"]
    world["premium_period"] = PupilPremiumPeriod.objects.create(
        school=pupil.school, pupil=pupil, kind="fsm", starts_on=date(2024, 9, 2)
    )
    return world


def premium_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    return {
        "premium:overview": {"school_slug": slug},
        "premium:pupils": {"school_slug": slug},
        "premium:pupil": {"school_slug": slug, "public_id": world["pupil"].public_id},
        "premium:period_end": {"school_slug": slug, "period_id": world["premium_period"].pk},
    }
