"""AC-01 rows for training matched to need (issue 17), merged into tests/permissions/test_matrix.py
like the premium rows: `MATRIX.update(TRAINING_GAP_MATRIX)`, `training_gap_world(world)` at the
end of the world fixture and `training_gap_kwargs(world)` in `_kwargs`.

Who may do what (staff/capabilities.py): the SENDCo, trust lead and head read the gaps
(TRAINING_VIEW); the SENDCo and trust lead plan a session from a proposal (TRAINING_MANAGE);
teachers, TAs and governors get 403; outsiders 404.
"""

from __future__ import annotations

from django.utils import timezone

from tests.permissions.rows import Row
from training.models import Course, StaffMember

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  403  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"

TRAINING_GAP_MATRIX: dict[str, Row] = {
    "training:gaps": Row(get=_VIEW),
    "training:gap_plan": Row(
        post=_MANAGE,
        post_data=(
            ("course", lambda w: w["gap_course"].pk),
            ("invited", lambda w: [w["gap_person"].pk]),
            ("on", lambda w: timezone.localdate().isoformat()),
            ("hours", "2"),
        ),
    ),
}


def training_gap_world(world: dict) -> dict:
    """A course covering autism, and the TA's staff member to invite to it."""
    school = world["acorn"]
    world["gap_course"] = Course.objects.create(
        school=school, name="Autism awareness (matrix)", covers=["ASD"], usual_hours=2
    )
    world["gap_person"] = StaffMember.objects.get(school=school, user=world["users"]["ta"])
    return world


def training_gap_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    return {"training:gaps": {"school_slug": slug}, "training:gap_plan": {"school_slug": slug}}
