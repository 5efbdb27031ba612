"""The EHC plan rows of the permission matrix (tests/permissions/test_matrix.py), with what they
need in its `world` and the URL kwargs of each name.

To merge: with `Row` from rows.py,
`MATRIX.update(EHCP_MATRIX)`; call `ehcp_world(world)` at the end of the `world` fixture; and
look names up in `ehcp_kwargs(world)` in `_kwargs`. The pack's rows (`ehcp:pack`,
`ehcp:pack_pdf`) belong with the pack; their kwargs are here.

Who may do what (staff/capabilities.py): the SENDCo and trust lead manage; the head reads the
tracker, plans, reviews and documents; the teacher reads the plan and review of a pupil in their
class (Ada) and adds advice, but may not open a document someone else gave; the TA and governor
get nothing.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ehcp import services
from register.models import Pupil
from staff.tenancy import access_for
from tests.permissions.rows import Row
from tests.register.factories import valid_upn

_TRACKER = " 302  200  200  200  403  403  403  404  404  302"
_VIEW = " 302  200  200  200  200  403  403  404  404  302"
_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"
_MANAGE_POST = " 302  302  302  403  403  403  403  404  404  302"


def _day(days: int = 0):
    """A date relative to the day the test runs, for a POST (a step cannot be in the future)."""
    return lambda w: (timezone.localdate() + timedelta(days=days)).isoformat()


def _manage(*post_data) -> Row:
    return Row(get=_MANAGE_GET, post=_MANAGE_POST, post_data=tuple(post_data))


_LEAD_TIMES = (
    ("advice_request_weeks", "6"),
    ("invitation_weeks", "2"),
    ("circulate_weeks", "2"),
    ("report_days", "14"),
    ("decision_weeks", "4"),
    ("amended_plan_weeks", "8"),
    ("under_five_months", "6"),
)
_REQUEST = (
    ("authority", lambda w: w["ehcp_la"].pk),
    ("requested_by", "school"),
    ("received_on", _day(-7)),
)
_CONSULTATION = (
    ("authority", lambda w: w["ehcp_la"].pk),
    ("child_name", "Dee Newcomer"),
    ("received_on", _day(-3)),
    ("response", "pending"),
)

#                         anon send lead head teach ta   gov  oSen oLead deact
EHCP_MATRIX: dict[str, Row] = {
    # The review tracker, authorities and requests: the SENDCo, trust lead and head.
    "ehcp:tracker": Row(get=_TRACKER),
    "ehcp:authorities": Row(get=_TRACKER),
    "ehcp:authority_new": _manage(("name", "Otherby Council"), *_LEAD_TIMES),
    "ehcp:authority_edit": _manage(("name", "Anyshire County Council"), *_LEAD_TIMES),
    "ehcp:contact_new": _manage(("name", "Cara Case"), ("role", "SEN caseworker")),
    "ehcp:transfers": Row(get=_TRACKER),
    "ehcp:transfer_settings": _manage(
        ("lowest_year", "R"), ("highest_year", "6"), ("year_11_transfer", "on")
    ),
    "ehcp:requests": Row(get=_TRACKER),
    # The LA's consultations about naming the school: the school's, not a pupil's.
    "ehcp:consultations": Row(get=_TRACKER),
    "ehcp:consultation": Row(get=_TRACKER),
    "ehcp:consultation_new": _manage(*_CONSULTATION),
    "ehcp:consultation_edit": _manage(*_CONSULTATION),
    "ehcp:request": Row(get=_TRACKER),
    "ehcp:request_new": _manage(*_REQUEST),
    "ehcp:request_edit": _manage(*_REQUEST, ("decision", "pending"), ("outcome", "pending")),
    # A pupil's plan: the teacher has Ada in their class.
    "ehcp:plan": Row(get=_VIEW),
    "ehcp:plan_new": _manage(
        ("authority", lambda w: w["ehcp_la"].pk), ("issued_on", _day(-1)), ("section_a", "Ben")
    ),
    "ehcp:version_edit": _manage(
        ("issued_on", lambda w: w["ehcp_plan"].versions.get().issued_on.isoformat()),
        ("section_a", "Ada likes drawing."),
    ),
    "ehcp:amend": _manage(("issued_on", _day()), ("kind", "amended")),
    "ehcp:plan_end": _manage(("status", "ceased"), ("on", _day())),
    "ehcp:post_16_move": _manage(
        ("post_16_move_on", _day(200)), ("post_16_move_to", "Anytown College")
    ),
    "ehcp:outcome_new": _manage(("outcome", "Ada will read 40 words a minute."), ("area", "cl")),
    "ehcp:outcome_edit": _manage(("outcome", "Ada will read 50 words a minute."), ("area", "cl")),
    "ehcp:provision_new": _manage(("description", "Reading with a TA"), ("hours_per_week", "2")),
    "ehcp:provision_edit": _manage(("description", "Reading with a TA"), ("hours_per_week", "3")),
    "ehcp:review_new": _manage(("meeting_on", _day(30)), ("place", "Room 4")),
    # A review of Ada's plan: the teacher reads it and adds advice; the head only reads.
    "ehcp:review": Row(get=_VIEW),
    "ehcp:reschedule": _manage(("meeting_on", _day(35)), ("place", "Library")),
    "ehcp:step": _manage(("on", _day())),
    # Cal's last review ended with the LA's decision not to amend: a mediation certificate.
    "ehcp:mediation": _manage(("mediation_certificate_on", _day())),
    "ehcp:advice_request": _manage(("contributor", "ep"), ("requested_on", _day())),
    "ehcp:advice_receive": _manage(("received_on", _day()), ("summary", "Report received.")),
    # An outside agency's report on Ada (agencies_rows' world) added as advice in one step.
    "ehcp:advice_from_report": Row(
        post=" 302  302  302  403  403  403  403  404  404  302",
    ),
    "ehcp:advice_submit": Row(
        get=" 302  200  200  403  200  403  403  404  404  302",
        post=" 302  302  302  403  302  403  403  404  404  302",
        post_data=(("summary", "Ada answers questions in class now."),),
    ),
    # A document the SENDCo received: not the teacher's own, so closed to them (403).
    "ehcp:document": Row(get=_TRACKER),
    # The review pack: the SENDCo, trust lead and head.
    "ehcp:pack": Row(get=_TRACKER),
    "ehcp:pack_pdf": Row(get=_TRACKER),
}

_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _forget_document(storage, name: str) -> None:
    """Remove the world's document, and the folders it leaves empty, once the world is gone."""
    with contextlib.suppress(OSError):
        storage.delete(name)
    parts = name.split("/")[:-1]
    while parts:
        with contextlib.suppress(OSError):
            os.rmdir(storage.path("/".join(parts)))
        parts.pop()
    with contextlib.suppress(OSError):  # the documents root itself, when the test made it
        os.rmdir(storage.location)


def ehcp_world(world) -> None:
    """An authority; Ada's plan (outcome, section F item linked to her group) with a review under
    way, one advice requested and one received with a PDF; Ben without a plan; Cal with a plan
    and no review; a needs-assessment request for Ada."""
    acorn = world["acorn"]
    sendco = world["users"]["sendco"]
    access = access_for(sendco, acorn)
    today = timezone.localdate()
    la = services.authority_save(access=access, name="Anyshire County Council", code="123")
    plan = services.plan_create(
        access=access,
        pupil=world["pupil"],
        authority=la,
        issued_on=today - timedelta(days=200),
        today=today,
        section_a="Ada loves drawing.",
    )
    version = plan.versions.get()
    outcome = services.outcome_save(
        access=access, version=version, outcome="Ada will read 30 words a minute.", area="cl"
    )
    item = services.provision_save(
        access=access,
        version=version,
        description="Talk Boost three times a week",
        hours_per_week="1.5",
        outcome=outcome,
        group=world["intervention_group"],
    )
    review = services.review_schedule(
        access=access, plan=plan, meeting_on=today + timedelta(days=28), today=today
    )
    pending = services.advice_request(
        access=access,
        review=review,
        contributor="salt",
        requested_on=today - timedelta(days=3),
        today=today,
    )
    with_document = services.advice_request(
        access=access,
        review=review,
        contributor="ep",
        name="Dr Ellis",
        requested_on=today - timedelta(days=10),
        today=today,
    )
    services.advice_receive(
        access=access,
        advice=with_document,
        received_on=today - timedelta(days=1),
        today=today,
        summary="EP report",
        document=SimpleUploadedFile("ep-report.pdf", _PDF),
        document_type="application/pdf",
    )
    weakref.finalize(
        with_document, _forget_document, with_document.document.storage, with_document.document.name
    )
    cal = Pupil.objects.create(
        school=acorn,
        upn=valid_upn(9301),  # unlike every other pupil of the world
        legal_first_name="Cal",
        legal_last_name="Sentinel",
        date_of_birth="2018-05-01",
        sex="M",
        year_group="3",
    )
    cal_plan = services.plan_create(
        access=access,
        pupil=cal,
        authority=la,
        issued_on=today - timedelta(days=100),
        today=today,
    )
    decided = services.review_schedule(
        access=access, plan=cal_plan, meeting_on=today - timedelta(days=5), today=today
    )
    for step, days, extra in (
        ("invited", 20, {}),
        ("held", 5, {"recommendation": "maintain"}),
        ("reported", 3, {}),
        ("decided", 1, {"decision": "maintain"}),
    ):
        services.review_step(
            access=access,
            review=decided,
            step=step,
            on=today - timedelta(days=days),
            today=today,
            **extra,
        )
    request = services.request_save(
        access=access,
        today=today,
        pupil=world["pupil"],
        authority=la,
        requested_by="school",
        received_on=today - timedelta(days=20),
    )
    consultation = services.consultation_save(
        access=access,
        today=today,
        authority=la,
        child_name="Dee Newcomer",
        received_on=today - timedelta(days=3),
    )
    world.update(
        {
            "ehcp_consultation": consultation,
            "ehcp_la": la,
            "ehcp_plan": plan,
            "ehcp_outcome": outcome,
            "ehcp_item": item,
            "ehcp_review": review,
            "ehcp_advice": pending,
            "ehcp_document": with_document,
            "ehcp_cal": cal,
            "ehcp_decided": decided,
            "ehcp_request": request,
        }
    )


def ehcp_kwargs(world) -> dict[str, dict]:
    slug = world["acorn"].slug
    ada = {"school_slug": slug, "public_id": world["pupil"].public_id}
    review = {"school_slug": slug, "public_id": world["ehcp_review"].public_id}
    request = {"school_slug": slug, "public_id": world["ehcp_request"].public_id}
    la = {"school_slug": slug, "pk": world["ehcp_la"].pk}
    return {
        **{
            f"ehcp:{name}": {"school_slug": slug}
            for name in (
                "tracker",
                "authorities",
                "authority_new",
                "requests",
                "consultations",
                "consultation_new",
                "transfers",
                "transfer_settings",
            )
        },
        "ehcp:authority_edit": la,
        "ehcp:contact_new": la,
        "ehcp:request": request,
        "ehcp:request_edit": request,
        "ehcp:advice_from_report": {
            **review,
            "report_id": world["agency_report"].public_id,  # tests.permissions.agencies_rows
        },
        **{
            f"ehcp:{name}": {"school_slug": slug, "public_id": world["ehcp_consultation"].public_id}
            for name in ("consultation", "consultation_edit")
        },
        **{
            f"ehcp:{name}": ada
            for name in (
                "plan",
                "version_edit",
                "amend",
                "plan_end",
                "post_16_move",
                "outcome_new",
                "provision_new",
                "request_new",
            )
        },
        "ehcp:plan_new": {"school_slug": slug, "public_id": world["second_pupil"].public_id},
        "ehcp:review_new": {"school_slug": slug, "public_id": world["ehcp_cal"].public_id},
        "ehcp:outcome_edit": {"school_slug": slug, "pk": world["ehcp_outcome"].pk},
        "ehcp:provision_edit": {"school_slug": slug, "pk": world["ehcp_item"].pk},
        **{
            f"ehcp:{name}": review
            for name in ("review", "reschedule", "advice_request", "advice_submit", "pack")
        },
        "ehcp:pack_pdf": review,
        "ehcp:step": {**review, "step": "invited"},
        "ehcp:mediation": {"school_slug": slug, "public_id": world["ehcp_decided"].public_id},
        "ehcp:advice_receive": {"school_slug": slug, "public_id": world["ehcp_advice"].public_id},
        "ehcp:document": {"school_slug": slug, "public_id": world["ehcp_document"].public_id},
    }
