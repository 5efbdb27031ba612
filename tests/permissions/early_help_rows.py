"""AC-01 rows for the Early Help URLs (issue 20), merged into tests/permissions/test_matrix.py
like the looked-after children's rows.

Who may do what (staff/capabilities.py): the SENDCo and trust lead start, review, change and
close a pupil's Early Help and set the school's review interval; the head reads; teachers, TAs
and governors get 403 (the designated safeguarding lead's duty is tried in
tests/agencies/early_help); outsiders 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from agencies.early_help_models import EarlyHelp
from register.models import Pupil
from tests.permissions.rows import Row
from tests.register.factories import valid_upn

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  403  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"
_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"


def _days_ago(days: int):
    return lambda world: (timezone.localdate() - timedelta(days=days)).isoformat()


_RECORD = (
    ("stage", "plan"),
    ("started_on", _days_ago(60)),
    ("consent_given_by", "Mother"),
    ("consent_on", _days_ago(60)),
    ("lead_name", "Sam Lead"),
)

EARLY_HELP_MATRIX: dict[str, Row] = {
    "early_help:list": Row(get=_VIEW),
    "early_help:settings": Row(get=_MANAGE_GET, post=_MANAGE, post_data=(("review_weeks", "8"),)),
    "early_help:pupil": Row(
        get=_VIEW,
        post=_MANAGE,
        post_data=(("held_on", _days_ago(1)), ("attended", "Mother"), ("summary", "Going well")),
    ),
    "early_help:start": Row(
        get=_MANAGE_GET,
        post=_MANAGE,
        post_data=(
            ("stage", "assessment"),
            ("started_on", _days_ago(1)),
            ("consent_given_by", "Father"),
            ("consent_on", _days_ago(1)),
            ("lead_name", "Sam Lead"),
        ),
    ),
    "early_help:edit": Row(get=_MANAGE_GET, post=_MANAGE, post_data=_RECORD),
    "early_help:close": Row(
        get=_MANAGE_GET,
        post=_MANAGE,
        post_data=(("closed_on", _days_ago(1)), ("close_reason", "Aims met")),
    ),
}


def early_help_world(world: dict) -> dict:
    """Add Acorn's pupil Hettie Earlyhelp with an Early Help plan begun 60 days ago, and Ivo
    Newhelp without one. Returns the world."""
    acorn = world["acorn"]

    def pupil(first: str, last: str) -> Pupil:
        return Pupil.objects.create(
            school=acorn,
            upn=valid_upn(),
            legal_first_name=first,
            legal_last_name=last,
            date_of_birth=date(2017, 3, 1),
            sex="F",
            year_group="4",
        )

    hettie = pupil("Hettie", "Earlyhelp")
    started = timezone.localdate() - timedelta(days=60)
    world["early_help"] = EarlyHelp.objects.create(
        school=acorn,
        pupil=hettie,
        stage="plan",
        started_on=started,
        consent_given_by="Mother",
        consent_on=started,
        lead_name="Sam Lead",
    )
    world["early_help_pupil"] = hettie
    world["early_help_new"] = pupil("Ivo", "Newhelp")
    return world


def early_help_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    record = {"school_slug": slug, "public_id": world["early_help"].public_id}
    return {
        "early_help:list": {"school_slug": slug},
        "early_help:settings": {"school_slug": slug},
        "early_help:pupil": {"school_slug": slug, "public_id": world["early_help_pupil"].public_id},
        "early_help:start": {"school_slug": slug, "public_id": world["early_help_new"].public_id},
        "early_help:edit": record,
        "early_help:close": record,
    }
