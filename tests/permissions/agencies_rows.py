"""AC-01 rows for outside agencies (issue 20), merged into tests/permissions/test_matrix.py like
the families rows.

staff/capabilities.py: the SENDCo and trust lead keep the directory and record referrals; the
head reads both (and a report's document); a teacher reads the referrals of pupils in their
classes (Ada, the world's `pupil`, is in the teacher's class) but not the directory or a
report's document; a TA and a governor get 403; outsiders 404. Ada is referred to the world's
speech and language therapy and seen, with a report whose document is a PDF.
"""

from __future__ import annotations

import weakref
from datetime import date

from django.core.files.base import ContentFile

from agencies.models import Referral, Report, Service, StatusChange
from tests.permissions.ehcp_rows import _PDF, _forget_document
from tests.permissions.rows import Row

#             anon send lead head teach ta   gov  oSen oLead deact
_VIEW = "     302  200  200  200  200  403  403  404  404  302"
_DETAILS = "  302  200  200  200  403  403  403  404  404  302"
_MANAGE = "   302  200  200  403  403  403  403  404  404  302"
_SAVED = "    302  302  302  403  403  403  403  404  404  302"

AGENCIES_MATRIX: dict[str, Row] = {
    "agencies:referrals": Row(get=_VIEW),
    "agencies:services": Row(get=_DETAILS),
    "agencies:service_add": Row(
        get=_MANAGE,
        post=_SAVED,
        post_data=(("kind", "ot"), ("name", "OT"), ("provider", "NHS")),
    ),
    # A POST without the service's name is shown again (200) to those who may change it.
    "agencies:service_edit": Row(get=_MANAGE, post=_MANAGE, post_data=(("kind", "ot"),)),
    "agencies:pupil": Row(get=_VIEW),
    # A POST without consent is shown again with the reason (200).
    "agencies:refer": Row(get=_MANAGE, post=_MANAGE, post_data=(("question", "Why?"),)),
    "agencies:referral": Row(get=_VIEW),
    "agencies:status": Row(
        post=_SAVED, post_data=(("step-status", "closed"), ("step-on", "2026-10-01"))
    ),
    "agencies:chased": Row(post=_SAVED, post_data=(("chase-on", "2026-10-01"),)),
    "agencies:appointment": Row(
        post=_SAVED,
        post_data=(("appointment-on", "2026-10-01"), ("appointment-with_whom", "Ms Patel")),
    ),
    "agencies:report": Row(post=_SAVED, post_data=(("report-received_on", "2026-10-01"),)),
    "agencies:document": Row(get=_DETAILS),
}


def agencies_world(world: dict) -> dict:
    acorn, pupil, sendco = world["acorn"], world["pupil"], world["users"]["sendco"]
    service = Service.objects.create(
        school=acorn, kind="salt", name="Speech and language therapy", provider="NHS"
    )
    referral = Referral.objects.create(
        school=acorn,
        pupil=pupil,
        service=service,
        referred_on=date(2026, 9, 1),
        referred_by=sendco,
        consent_given_by="Mum",
        consent_on=date(2026, 9, 1),
        question="What helps?",
        status="seen",
    )
    for status, on in (("waiting", date(2026, 9, 1)), ("seen", date(2026, 9, 15))):
        StatusChange.objects.create(
            school=acorn, referral=referral, status=status, on=on, recorded_by=sendco
        )
    report = Report(
        school=acorn,
        referral=referral,
        received_on=date(2026, 9, 20),
        document_name="salt.pdf",
        document_type="application/pdf",
        recorded_by=sendco,
    )
    report.document.save("salt.pdf", ContentFile(_PDF), save=False)
    report.save()
    weakref.finalize(report, _forget_document, report.document.storage, report.document.name)
    world.update(agency_service=service, agency_referral=referral, agency_report=report)
    return world


def agencies_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    pupil = {"school_slug": slug, "public_id": world["pupil"].public_id}
    referral = {"school_slug": slug, "public_id": world["agency_referral"].public_id}
    return {
        "agencies:referrals": {"school_slug": slug},
        "agencies:services": {"school_slug": slug},
        "agencies:service_add": {"school_slug": slug},
        "agencies:service_edit": {"school_slug": slug, "pk": world["agency_service"].pk},
        "agencies:pupil": pupil,
        "agencies:refer": pupil,
        "agencies:referral": referral,
        "agencies:status": referral,
        "agencies:chased": referral,
        "agencies:appointment": referral,
        "agencies:report": referral,
        "agencies:document": {
            "school_slug": slug,
            "public_id": world["agency_report"].public_id,
        },
    }
