"""AC-01 rows for the staff training URLs (issue 17), merged into tests/permissions/test_matrix.py
like the looked-after children's rows.

Who may do what (staff/capabilities.py): every member of staff opens their own training and
certificates (a TA opening a colleague's is a 404); the SENDCo, head and trust lead see
everyone's; the SENDCo and trust lead record and plan; governors get 403; outsiders 404.
"""

from __future__ import annotations

import weakref
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.permissions.ehcp_rows import _PDF, _forget_document
from tests.permissions.rows import Row
from training import catalogue
from training.models import Completion, Course, Session, StaffMember

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  403  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"
_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"
# The teacher's own record: the teacher opens it, a TA does not find it.
_OWN = " 302  200  200  200  200  404  403  404  404  302"
# My training: a redirect to one's own page; the trust lead is not on Acorn's staff list.
_MINE = " 302  302  404  302  302  302  403  404  404  302"


def _yesterday(world) -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def _course(name: str):
    return lambda world: str(world["training_courses"][name])


TRAINING_MATRIX: dict[str, Row] = {
    "training:people": Row(get=_VIEW),
    "training:mine": Row(get=_MINE),
    "training:person_add": Row(
        get=_MANAGE_GET, post=_MANAGE, post_data=(("name", "Mo Midday"), ("job_title", "MDS"))
    ),
    "training:person": Row(get=_OWN),
    "training:person_edit": Row(
        post=_MANAGE, post_data=(("name", "Tess Teacher"), ("senco_months_before", "0"))
    ),
    "training:record": Row(
        post=_MANAGE,
        post_data=(("course", _course("Makaton")), ("completed_on", _yesterday)),
    ),
    "training:supervision": Row(
        post=_MANAGE,
        post_data=(
            ("course", _course("ELSA (Emotional Literacy Support Assistant)")),
            ("on", _yesterday),
        ),
    ),
    "training:certificate": Row(get=_OWN),
    "training:courses": Row(get=_VIEW, post=_MANAGE, post_data=(("name", "Lego therapy"),)),
    "training:common_courses": Row(post=_MANAGE),
    "training:course_edit": Row(
        get=_MANAGE_GET, post=_MANAGE, post_data=(("name", "Makaton (level 1)"),)
    ),
    "training:sessions": Row(
        get=_VIEW,
        post=_MANAGE,
        post_data=(
            ("course", _course("SEND awareness (INSET)")),
            ("on", _yesterday),
            ("hours", "1.5"),
            ("whole_staff", "on"),
        ),
    ),
    "training:session": Row(
        get=_VIEW,
        post=_MANAGE,
        post_data=(("present", lambda world: str(world["training_teacher"].pk)),),
    ),
}


def training_world(world: dict) -> dict:
    """Acorn's catalogue, the teacher's record with a certificate, and an INSET held yesterday.
    Returns the world."""
    acorn = world["acorn"]
    catalogue.seed(course_model=Course, school_id=acorn.pk)
    courses = dict(Course.objects.filter(school=acorn).values_list("name", "pk"))
    teacher = StaffMember.objects.get(school=acorn, user=world["users"]["teacher"])
    record = Completion(
        school=acorn,
        person=teacher,
        course_id=courses["Autism awareness"],
        completed_on=timezone.localdate() - timedelta(days=30),
        certificate_name="certificate.pdf",
        certificate_type="application/pdf",
    )
    record.certificate.save("certificate.pdf", ContentFile(_PDF), save=False)
    record.save()
    storage = record.certificate.storage
    weakref.finalize(record, _forget_document, storage, record.certificate.name)
    world["training_courses"] = courses
    world["training_teacher"] = teacher
    world["training_record"] = record
    world["training_session"] = Session.objects.create(
        school=acorn,
        course_id=courses["SEND awareness (INSET)"],
        on=timezone.localdate() - timedelta(days=1),
        hours=1.5,
        whole_staff=True,
    )
    return world


def training_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    teacher = {"school_slug": slug, "public_id": world["training_teacher"].public_id}
    return {
        "training:people": {"school_slug": slug},
        "training:mine": {"school_slug": slug},
        "training:person_add": {"school_slug": slug},
        "training:person": teacher,
        "training:person_edit": teacher,
        "training:record": teacher,
        "training:supervision": teacher,
        "training:certificate": {
            "school_slug": slug,
            "public_id": world["training_record"].public_id,
        },
        "training:courses": {"school_slug": slug},
        "training:common_courses": {"school_slug": slug},
        "training:course_edit": {
            "school_slug": slug,
            "pk": world["training_courses"]["Makaton"],
        },
        "training:sessions": {"school_slug": slug},
        "training:session": {
            "school_slug": slug,
            "public_id": world["training_session"].public_id,
        },
    }
