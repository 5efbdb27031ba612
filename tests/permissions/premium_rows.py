"""AC-01 rows for the Pupil Premium URLs (issue 16), merged into tests/permissions/test_matrix.py
like the reminder rows: `MATRIX.update(PREMIUM_MATRIX)`, `premium_world(world)` at the end of
the world fixture and `premium_kwargs(world)` in `_kwargs`.

Who may do what (staff/capabilities.py): the SENDCo and trust lead record and end a pupil's
grounds; the head reads every page; teachers, TAs and governors get 403; outsiders 404.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from premium.models import Challenge, Statement
from register.models import PupilPremiumPeriod
from staff.calendar import academic_year_start_for
from tests.permissions.rows import Row

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  403  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"
_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"

PREMIUM_MATRIX: dict[str, Row] = {
    "premium:overview": Row(get=_VIEW),
    "premium:pupils": Row(get=_VIEW),
    "premium:pupil": Row(
        get=_VIEW,
        post=_MANAGE,
        post_data=(("kind", "service"), ("starts_on", "2025-01-06")),
    ),
    "premium:period_end": Row(post=_MANAGE, post_data=(("ends_on", "2026-11-30"),)),
    "premium:statement": Row(get=_VIEW),
    "premium:statement_print": Row(get=_VIEW),
    "premium:statement_pdf": Row(get=_VIEW),
    "premium:statement_edit": Row(
        get=_MANAGE_GET,
        post=_MANAGE,
        post_data=(("recovery", "0"), ("carried_forward", "250")),
    ),
    "premium:part_new": Row(get=_MANAGE_GET, post=_MANAGE, post_data=(("detail", "Attendance"),)),
    "premium:part_edit": Row(get=_MANAGE_GET, post=_MANAGE, post_data=(("detail", "Reading"),)),
    "premium:part_remove": Row(post=_MANAGE),
}


def premium_world(world: dict) -> dict:
    """Add an open ground of the world's pupil, for ending, and this year's statement with a
    challenge, for changing and removing. Returns the world, extended."""
    pupil = world["pupil"]
    world["premium_period"] = PupilPremiumPeriod.objects.create(
        school=pupil.school, pupil=pupil, kind="fsm", starts_on=date(2024, 9, 2)
    )
    year = academic_year_start_for(timezone.localdate())
    statement = Statement.objects.create(school=pupil.school, academic_year=year)
    world["premium_year"] = year
    world["premium_challenge"] = Challenge.objects.create(
        school=pupil.school, statement=statement, position=1, detail="Attendance"
    )
    return world


def premium_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    return {
        "premium:overview": {"school_slug": slug},
        "premium:pupils": {"school_slug": slug},
        "premium:pupil": {"school_slug": slug, "public_id": world["pupil"].public_id},
        "premium:period_end": {"school_slug": slug, "period_id": world["premium_period"].pk},
        "premium:statement": {"school_slug": slug},
        "premium:statement_print": {"school_slug": slug},
        "premium:statement_pdf": {"school_slug": slug},
        "premium:statement_edit": {"school_slug": slug, "year": world["premium_year"]},
        "premium:part_new": {
            "school_slug": slug,
            "year": world["premium_year"],
            "name": "challenge",
        },
        **{
            name: {"school_slug": slug, "name": "challenge", "pk": world["premium_challenge"].pk}
            for name in ("premium:part_edit", "premium:part_remove")
        },
    }
