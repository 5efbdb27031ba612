"""AC-01 rows for parents' views by secure link (issue 19), merged into
tests/permissions/test_matrix.py like the training rows.

School side (staff/capabilities.py): the SENDCo, trust lead and the pupil's teacher make, print
and stop links and add translated summaries; the head reads the links; a TA and a governor get
403; outsiders 404. Ada (the world's `pupil`) is in the teacher's class.

Parent side (/f/): public, the same for every role, since the code and the child's date of birth
open it, not a sign-in: the code page and the date of birth check answer 200, a right date of
birth 302 to the plan; the plan without a check redirects back to the check (302) and a
summary without a check is not found (404). Expired, stopped, used and locked links, the
per-address limit and another pupil's link are in tests/families/test_links.py.
"""

from __future__ import annotations

import weakref
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from families import rules
from families.models import TranslatedSummary, ViewsLink
from tests.permissions.ehcp_rows import _PDF, _forget_document
from tests.permissions.rows import Row

CODE = "ACRNPQRSTUVW"

#            anon send lead head teach ta   gov  oSen oLead deact
_VIEW = "    302  200  200  200  200  403  403  404  404  302"
_SEND = "    302  302  302  403  302  403  403  404  404  302"
# A POST whose form is shown again (no file chosen): 200 for those who may send.
_SEND_FORM = "302  200  200  403  200  403  403  404  404  302"
_PUBLIC = "  200  200  200  200  200  200  200  200  200  200"
_PUBLIC_ON = "302  302  302  302  302  302  302  302  302  302"
_PUBLIC_NOT = "404  404  404  404  404  404  404  404  404  404"

FAMILIES_MATRIX: dict[str, Row] = {
    "families:links": Row(get=_VIEW),
    "families:link_create": Row(post=_SEND, post_data=(("purpose", "plan_review"),)),
    "families:summary_add": Row(post=_SEND_FORM, post_data=(("language", "Polish"),)),
    "families:link": Row(get=_VIEW),
    "families:link_revoke": Row(post=_SEND),
    "families:summary": Row(get=_VIEW),
    "families:summary_remove": Row(post=_SEND),
    "families_public:start": Row(get=_PUBLIC, post=_PUBLIC_ON, post_data=(("code", CODE),)),
    "families_public:link": Row(
        get=_PUBLIC,
        post=_PUBLIC_ON,
        post_data=(("day", "1"), ("month", "3"), ("year", "2018")),
    ),
    "families_public:plan": Row(
        get=_PUBLIC_ON, post=_PUBLIC_ON, post_data=(("going_well", "Reading"),)
    ),
    "families_public:summary": Row(get=_PUBLIC_NOT),
}


def families_world(world: dict) -> dict:
    """An open link for Ada with a known code, and a translated summary of her plan."""
    acorn, pupil = world["acorn"], world["pupil"]
    world["family_link"] = ViewsLink.objects.create(
        school=acorn,
        pupil=pupil,
        purpose="plan_review",
        code_hash=rules.code_hash(CODE),
        expires_at=timezone.now() + timedelta(days=21),
        created_by=world["users"]["sendco"],
    )
    summary = TranslatedSummary(
        school=acorn,
        pupil=pupil,
        language="Polish",
        document_name="plan-pl.pdf",
        document_type="application/pdf",
        added_by=world["users"]["sendco"],
    )
    summary.document.save("plan-pl.pdf", ContentFile(_PDF), save=False)
    summary.save()
    weakref.finalize(summary, _forget_document, summary.document.storage, summary.document.name)
    world["family_summary"] = summary
    return world


def families_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    pupil = {"school_slug": slug, "public_id": world["pupil"].public_id}
    link = {"school_slug": slug, "public_id": world["family_link"].public_id}
    summary = {"school_slug": slug, "public_id": world["family_summary"].public_id}
    return {
        "families:links": pupil,
        "families:link_create": pupil,
        "families:summary_add": pupil,
        "families:link": link,
        "families:link_revoke": link,
        "families:summary": summary,
        "families:summary_remove": summary,
        "families_public:link": {"code": CODE},
        "families_public:plan": {"code": CODE},
        "families_public:summary": {
            "code": CODE,
            "public_id": world["family_summary"].public_id,
        },
    }
