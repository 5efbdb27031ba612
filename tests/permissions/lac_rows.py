"""AC-01 rows for the looked-after children's URLs (issue 16), merged into
tests/permissions/test_matrix.py like the Pupil Premium rows.

Who may do what (staff/capabilities.py): the SENDCo and trust lead record PEPs, social workers,
virtual schools and who else sees looked-after status; the head reads; teachers, TAs and
governors get 403 (a designated teacher's duty is tried in tests/lac), but governors read the
designated teacher's report (figures only, small numbers suppressed); outsiders 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from lac.models import PlusRelease, VirtualSchool
from register.models import LookedAfterPeriod, Pupil
from tests.permissions.rows import Row
from tests.register.factories import valid_upn

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  403  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"
_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"


def _yesterday(world) -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


_SCHOOL_FIELDS = (
    ("pep_timing", "term"),
    ("initial_pep_working_days", "10"),
    ("move_pep_working_days", "10"),
)

_REPORT = " 302  200  200  200  403  403  200  404  404  302"

LAC_MATRIX: dict[str, Row] = {
    "lac:report": Row(get=_REPORT),
    "lac:report_pdf": Row(get=_REPORT),
    "lac:children": Row(get=_VIEW),
    "lac:visibility": Row(post=_MANAGE, post_data=(("shown", "on"),)),
    "lac:virtual_schools": Row(
        get=_VIEW, post=_MANAGE, post_data=(("la_name", "Borsetshire"), *_SCHOOL_FIELDS)
    ),
    "lac:virtual_school_edit": Row(
        get=_MANAGE_GET, post=_MANAGE, post_data=(("la_name", "Anyshire"), *_SCHOOL_FIELDS)
    ),
    "lac:child": Row(
        get=_VIEW, post=_MANAGE, post_data=(("held_on", _yesterday), ("kind", "termly"))
    ),
    "lac:contact": Row(post=_MANAGE, post_data=(("social_worker_name", "Sam Okoro"),)),
    "lac:release": Row(post=_MANAGE, post_data=(("received_on", _yesterday), ("amount", "550"))),
    "lac:release_plan": Row(
        get=_MANAGE_GET, post=_MANAGE, post_data=(("spent_on", "Reading tuition"),)
    ),
}


def lac_world(world: dict) -> dict:
    """Add a looked-after child of Acorn and Acorn's virtual school. Returns the world."""
    acorn = world["acorn"]
    child = Pupil.objects.create(
        school=acorn,
        upn=valid_upn(),
        legal_first_name="Lacey",
        legal_last_name="Sentinel",
        date_of_birth=date(2017, 3, 1),
        sex="F",
        year_group="4",
    )
    LookedAfterPeriod.objects.create(
        school=acorn, pupil=child, starts_on=date(2024, 1, 8), responsible_la="Anyshire"
    )
    world["lac_child"] = child
    world["virtual_school"] = VirtualSchool.objects.create(school=acorn, la_name="Anyshire")
    world["plus_release"] = PlusRelease.objects.create(
        school=acorn, pupil=child, received_on=date(2026, 10, 20), amount=550
    )
    return world


def lac_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    child = {"school_slug": slug, "public_id": world["lac_child"].public_id}
    return {
        "lac:children": {"school_slug": slug},
        "lac:report": {"school_slug": slug},
        "lac:report_pdf": {"school_slug": slug},
        "lac:visibility": {"school_slug": slug},
        "lac:virtual_schools": {"school_slug": slug},
        "lac:virtual_school_edit": {"school_slug": slug, "pk": world["virtual_school"].pk},
        "lac:child": child,
        "lac:contact": child,
        "lac:release": child,
        "lac:release_plan": {"school_slug": slug, "pk": world["plus_release"].pk},
    }
