"""AC-01 rows for the SEN information report's URLs (issue 18), merged into
tests/permissions/test_matrix.py like the looked-after children's rows.

Who may do what (staff/capabilities.py): the SENDCo and trust lead write, accept sendco's
drafts, set the review dates and publish; the head and governors read the draft; teachers and
TAs get 403; outsiders 404. The published report's public page and PDF answer everyone, signed
in or not, and name no pupil (`test_the_public_report_names_no_pupil`).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from inforeport import services
from inforeport.drafting import DRAFTERS, suggestion
from inforeport.schedule import ITEMS
from register.models import Pupil
from staff.tenancy import access_for
from tests.permissions.rows import Row
from tests.register.factories import put_on, valid_upn

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  200  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"
_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"
_PUBLIC = " 200  200  200  200  200  200  200  200  200  200"

SENTINEL = ("Quillon", "Farthingale-Zee")

INFO_MATRIX: dict[str, Row] = {
    "inforeport:checklist": Row(get=_VIEW),
    "inforeport:item": Row(
        get=_MANAGE_GET, post=_MANAGE, post_data=(("text", "Our own words about this."),)
    ),
    "inforeport:accept": Row(post=_MANAGE),
    "inforeport:dates": Row(
        post=_MANAGE,
        post_data=(
            ("send_policy_review_on", "2027-07-15"),
            ("accessibility_plan_review_on", "2028-08-31"),
        ),
    ),
    "inforeport:publish": Row(post=_MANAGE),
    "inforeport_public:report": Row(get=_PUBLIC),
    "inforeport_public:pdf": Row(get=_PUBLIC),
}


def info_world(world: dict) -> dict:
    """Plant a pupil with a distinctive name on Acorn's register, then write Acorn's report the
    way a SENDCo would (every item in words of its own, every suggestion of sendco accepted) and
    publish it. Returns the world."""
    acorn = world["acorn"]
    today = timezone.localdate()
    sentinel = Pupil.objects.create(
        school=acorn,
        upn=valid_upn(),
        legal_first_name=SENTINEL[0],
        legal_last_name=SENTINEL[1],
        date_of_birth=date(2017, 6, 1),
        sex="M",
        year_group="4",
    )
    put_on(sentinel, "K", date(2025, 9, 1), "ASD")
    world["info_sentinel"] = sentinel
    access = access_for(world["users"]["sendco"], acorn)
    for item in ITEMS:
        services.item_write(access=access, code=item.code, text=f"Acorn's words: {item.heading}.")
    for code in DRAFTERS:
        if suggestion(school=acorn, code=code, today=today):
            services.item_accept(access=access, code=code, today=today)
    world["info_version"] = services.report_publish(access=access, today=today)
    return world


def info_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    return {
        "inforeport:checklist": {"school_slug": slug},
        "inforeport:item": {"school_slug": slug, "code": "sch1-9"},
        "inforeport:accept": {"school_slug": slug, "code": "sch1-13"},
        "inforeport:dates": {"school_slug": slug},
        "inforeport:publish": {"school_slug": slug},
        "inforeport_public:report": {"school_slug": slug},
        "inforeport_public:pdf": {"school_slug": slug},
    }
