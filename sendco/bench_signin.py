"""Signed-in sessions and the pages to measure, for the load tool of `make bench`.

The load tool must not go through the sign-in form: its rate limits (django-axes) and two-step
sign-in would stop it, and signing in is not what is measured. So each role's session is made
with Django's session engine as a real sign-in leaves it (staff/signals.py, staff/mfa/services):
the user, the sign-in time for the 12-hour limit, and a confirmed authenticator verified in the
session (django-otp), so the production settings, MFA_REQUIRED on, apply unchanged.
"""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import EarlyHelp, Referral
from ehcp.models import AnnualReview, AssessmentRequest, EhcPlan
from exams.models import Arrangement, ExamSeries, NormalWayEvidence
from plans.models import Cycle
from provision.models import Group
from register.models import Concern, Pupil, TeachingGroup
from reports.models import TermReport
from staff.mfa.services import STATE_KEY, VERIFIED_AT_KEY
from staff.middleware import LOGIN_AT_KEY
from staff.models import Membership, Role, School
from training.models import StaffMember

from .bench_world import MEASURED_SLUG

BACKEND = "django.contrib.auth.backends.ModelBackend"
ALL = ("sendco", "trust_lead", "head", "teacher", "ta", "governor")
LEADERS = ("sendco", "trust_lead", "head")  # the SENDCo's pages, the trust lead and the head
MANAGERS = ("sendco", "trust_lead")
STAFF = ("sendco", "trust_lead", "head", "teacher", "ta")
PLAN_READERS = STAFF
# Referrals: a teacher reads those of pupils in their classes (staff/capabilities.py).
REFERRAL_READERS = (*LEADERS, "teacher")
# The exams office's list: the leaders and the exams officer (the TA, as in the demo).
EXAMS_OFFICE = (*LEADERS, "ta")
# Asked for normal-way-of-working evidence: anyone who teaches (never a TA).
EVIDENCE_ANSWERERS = (*LEADERS, "teacher")


def signed_in_session(user) -> str:
    """A session as sign-in and a verified code leave it; returns its key (the cookie value)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Bench authenticator", defaults={"confirmed": True}
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = time.time()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            LOGIN_AT_KEY: now,
            DEVICE_ID_SESSION_KEY: device.persistent_id,
            VERIFIED_AT_KEY: now,
            STATE_KEY: "none",
        }
    )
    store.create()
    return store.session_key


def sessions(school: School) -> dict[str, str]:
    """role -> session key, for the measured school's one account per role."""
    found = {}
    for membership in Membership.objects.filter(school=school).select_related("user"):
        found[membership.role] = signed_in_session(membership.user)
    missing = set(ALL) - set(found)
    if missing:
        raise ValueError(f"The measured school has no {', '.join(sorted(missing))}.")
    return found


def _examples(school: School) -> dict:
    """The richest records of each kind, so a record page shows a full record."""
    today = timezone.localdate()
    review = (
        AnnualReview.objects.filter(school=school, plan__status="active")
        .annotate(n=Count("advice"))
        .order_by("-n", "meeting_on")
        .select_related("plan__pupil")
        .first()
    )
    cycle = (
        Cycle.objects.filter(school=school, stage="do")
        .order_by("-number", "pk")
        .select_related("plan__pupil")
        .first()
    )
    group = (
        Group.objects.filter(school=school, starts_on__lte=today, ends_on__gte=today)
        .annotate(n=Count("places"))
        .order_by("-n", "pk")
        .first()
    )
    return {
        "review": review,
        "ehcp_pupil": review.plan.pupil if review else EhcPlan.objects.filter(school=school)[0],
        "plan_pupil": cycle.plan.pupil,
        "group": group,
        "concern": Concern.objects.filter(school=school).order_by("pk").first(),
        "request": AssessmentRequest.objects.filter(school=school).order_by("pk").first(),
        "term_report": TermReport.objects.filter(school=school, status=TermReport.Status.PUBLISHED)
        .order_by("pk")[0]
        .public_id,
        "draft_report": TermReport.objects.filter(school=school, status=TermReport.Status.DRAFT)
        .order_by("pk")[0]
        .public_id,
        "teacher_person": StaffMember.objects.get(
            school=school, user__memberships__school=school, user__memberships__role="teacher"
        ).public_id,
        **_issue20_examples(school),
    }


def _issue20_examples(school: School) -> dict:
    """Outside agencies, Early Help and exam access arrangements (issue 20): the referral with
    the most steps, appointments and reports, and the pupil with the most referrals, of pupils
    in a class (the teacher is given it, `_class_staff_for`); the pupil with the most Team Around
    the Family reviews; the series with the most arrangements, its candidate with the most and
    the one asked for the most evidence."""
    in_a_class = TeachingGroup.objects.filter(pupils=OuterRef("pupil"))
    referral = (
        Referral.objects.filter(Exists(in_a_class), school=school)
        .annotate(
            n=Count("changes", distinct=True)
            + Count("appointments", distinct=True)
            + Count("reports", distinct=True)
        )
        .order_by("-n", "pk")
        .select_related("pupil")
        .first()
    )
    referred = (
        Pupil.objects.filter(
            Exists(TeachingGroup.objects.filter(pupils=OuterRef("pk"))), school=school
        )
        .annotate(n=Count("referrals"))
        .order_by("-n", "pk")[0]
    )
    helped = (
        EarlyHelp.objects.filter(school=school, closed_on__isnull=True)
        .annotate(n=Count("reviews"))
        .order_by("-n", "pk")
        .select_related("pupil")
        .first()
    )
    series = (
        ExamSeries.objects.filter(school=school)
        .annotate(n=Count("arrangements"))
        .order_by("-n", "pk")
        .first()
    )
    found = {"referral": referral, "referred_pupil": referred, "early_help_pupil": helped.pupil}
    if series is not None:
        most = (
            Arrangement.objects.filter(series=series)
            .values("pupil")
            .annotate(n=Count("pk"))
            .order_by("-n", "pupil")[0]["pupil"]
        )
        asked = (
            NormalWayEvidence.objects.filter(series=series)
            .values("pupil")
            .annotate(n=Count("pk"))
            .order_by("-n", "pupil")[0]["pupil"]
        )
        found.update(
            series=series,
            candidate=Pupil.objects.get(pk=most),
            evidence_pupil=Pupil.objects.get(pk=asked),
        )
    return found


def _class_staff_for(school: School, ex: dict) -> None:
    """The teacher and the TA teach the example pupils' classes and run the example group, as
    the pupil's own teacher would (they see only their pupils). Idempotent."""
    people = {
        m.role: m.user for m in Membership.objects.filter(school=school, role__in=("teacher", "ta"))
    }
    for pupil in (ex["ehcp_pupil"], ex["plan_pupil"], ex["referral"].pupil, ex["referred_pupil"]):
        for group in pupil.teaching_groups.all():
            group.teachers.add(people["teacher"])
            group.assistants.add(people["ta"])
    ex["group"].staff.add(people["teacher"], people["ta"])


def pages(school: School) -> list[dict]:
    """Every main page of every role: (name, path, roles that may open it, is it a PDF)."""
    s = {"school_slug": school.slug}
    ex = _examples(school)
    _class_staff_for(school, ex)
    pupil = ex["ehcp_pupil"]

    def at(name, **kwargs):
        return reverse(name, kwargs={**s, **kwargs})

    rows = [
        ("floor (unread count)", reverse("notifications_count"), ALL),
        ("home", at("school_home"), ALL),
        ("deadlines", at("deadlines"), STAFF),
        ("trust dashboard", reverse("trust_dashboard", args=[school.trust.slug]), ("trust_lead",)),
        (
            "trust vulnerable pupils",
            reverse("trust_vulnerable", args=[school.trust.slug]),
            ("trust_lead",),
        ),
        ("register", at("register:list"), STAFF),
        ("pupil record", at("register:pupil", public_id=pupil.public_id), STAFF),
        ("passport", at("register:passport", public_id=pupil.public_id), STAFF),
        ("concerns", at("register:concerns"), MANAGERS),
        ("classes", at("register:classes"), LEADERS),
        ("census", at("census:census"), MANAGERS),
        ("MIS import form", at("mis_import:upload"), MANAGERS),
        ("plans list", at("plans:list"), PLAN_READERS),
        ("support plan", at("plans:plan", public_id=ex["plan_pupil"].public_id), PLAN_READERS),
        ("plan evidence", at("plans:evidence", public_id=ex["plan_pupil"].public_id), LEADERS),
        ("EHCP tracker", at("ehcp:tracker"), LEADERS),
        ("EHC plan", at("ehcp:plan", public_id=pupil.public_id), STAFF[:4]),
        ("annual review", at("ehcp:review", public_id=ex["review"].public_id), STAFF[:4]),
        ("phase transfers", at("ehcp:transfers"), LEADERS),
        ("assessment requests", at("ehcp:requests"), LEADERS),
        ("consultations", at("ehcp:consultations"), LEADERS),
        ("local authorities", at("ehcp:authorities"), LEADERS),
        ("provision map", at("provision_map:map"), LEADERS),
        (
            "pupil's provision",
            at("provision_map:pupil_provision", public_id=pupil.public_id),
            LEADERS,
        ),
        ("group", at("provision:group", public_id=ex["group"].public_id), STAFF),
        ("my groups today", at("provision:today"), ("sendco", "trust_lead", "teacher", "ta")),
        ("impact", at("provision_impact:impact"), LEADERS),
        (
            "group impact",
            at("provision_impact:group_impact", public_id=ex["group"].public_id),
            LEADERS,
        ),
        ("TA deployment", at("provision_impact:deployment"), LEADERS),
        ("catalogue", at("provision_manage:catalogue"), LEADERS),
        ("groups (manage)", at("provision_manage:groups"), LEADERS),
        ("costs", at("provision_manage:costs"), LEADERS),
        ("measures", at("provision_manage:measures"), LEADERS),
        ("budget", at("provision_manage:budget"), MANAGERS),
        ("Pupil Premium", at("premium:overview"), LEADERS),
        ("Pupil Premium pupils", at("premium:pupils"), LEADERS),
        ("PP strategy statement", at("premium:statement"), LEADERS),
        ("PP gap analysis", at("premium_gaps"), LEADERS),
        ("looked-after children", at("lac:children"), LEADERS),
        ("vulnerable pupils", at("vulnerable"), LEADERS),
        ("designated teacher's report", at("lac:report"), (*LEADERS, "governor")),
        ("staff", at("staff:list"), LEADERS),
        ("staff training", at("training:people"), LEADERS),
        ("termly SEND reports", at("reports:reports"), (*LEADERS, "governor")),
        (
            "termly SEND report",
            at("reports:report", public_id=ex["term_report"]),
            (*LEADERS, "governor"),
        ),
        # A draft: its figures worked out live on every view, read by the SENDCo and the head.
        ("termly SEND report (draft)", at("reports:report", public_id=ex["draft_report"]), LEADERS),
        ("SEN information report checklist", at("inforeport:checklist"), (*LEADERS, "governor")),
        (
            "SEN information report (public)",
            reverse("inforeport_public:report", args=[school.slug]),
            ("governor",),
        ),
        ("a person's training", at("training:person", public_id=ex["teacher_person"]), STAFF[:4]),
        ("training matched to need", at("training:gaps"), LEADERS),
        ("training sessions", at("training:sessions"), LEADERS),
        ("training catalogue", at("training:courses"), LEADERS),
        ("training report", at("training:report"), (*LEADERS, "governor")),
        (
            "trust schools compared",
            reverse("trust_compare", args=[school.trust.slug]),
            ("trust_lead",),
        ),
        ("trust board report", reverse("trust_board", args=[school.trust.slug]), ("trust_lead",)),
        (
            "trust staff training",
            reverse("trust_training", args=[school.trust.slug]),
            ("trust_lead",),
        ),
        # Outside agencies and Early Help (issue 20).
        ("referrals", at("agencies:referrals"), REFERRAL_READERS),
        ("agencies directory", at("agencies:services"), LEADERS),
        (
            "a pupil's referrals",
            at("agencies:pupil", public_id=ex["referred_pupil"].public_id),
            REFERRAL_READERS,
        ),
        (
            "referral",
            at("agencies:referral", public_id=ex["referral"].public_id),
            REFERRAL_READERS,
        ),
        ("Early Help", at("early_help:list"), LEADERS),
        (
            "a pupil's Early Help",
            at("early_help:pupil", public_id=ex["early_help_pupil"].public_id),
            LEADERS,
        ),
        *_exam_rows(ex, at),
        ("audit log", at("staff:audit"), LEADERS),
        ("terms", at("calendar:terms"), STAFF),
        ("notifications", reverse("notifications"), ALL),
        ("reminder settings", reverse("reminder_settings"), ALL),
        ("two-step sign-in", reverse("mfa:account"), ALL),
    ]
    pdfs = [
        ("PDF: review pack", at("ehcp:pack_pdf", public_id=ex["review"].public_id)),
        ("PDF: support plan", at("plans:pdf", public_id=ex["plan_pupil"].public_id)),
        ("PDF: provision map", at("provision_map:map_pdf")),
        ("PDF: PP strategy statement", at("premium:statement_pdf")),
        ("PDF: training report", at("training:report_pdf")),
        ("PDF: termly SEND report", at("reports:report_pdf", public_id=ex["term_report"])),
    ]
    if "series" in ex:
        pdfs.append(
            (
                "PDF: Form 8 part 1",
                at(
                    "exam_evidence:form8_pdf",
                    series_id=ex["series"].public_id,
                    public_id=ex["evidence_pupil"].public_id,
                ),
            )
        )
    found = [{"name": n, "path": p, "roles": list(r), "pdf": False} for n, p, r in rows]
    return found + [{"name": n, "path": p, "roles": ["sendco"], "pdf": True} for n, p in pdfs]


def _exam_rows(ex: dict, at) -> list[tuple]:
    """Exam access arrangements (issue 20), in a school that enters candidates."""
    if "series" not in ex:
        return []
    series = ex["series"].public_id
    return [
        ("exam series", at("exams:series_list"), LEADERS),
        ("exam series (one)", at("exams:series", public_id=series), LEADERS),
        (
            "exam candidate",
            at("exams:candidate", public_id=series, pupil_id=ex["candidate"].public_id),
            LEADERS,
        ),
        ("exams office", at("exams:office"), EXAMS_OFFICE),
        ("arrangements in class", at("exams:in_class"), STAFF),
        ("evidence candidates", at("exam_evidence:candidates"), LEADERS),
        ("evidence asked of you", at("exam_evidence:asked_of_me"), EVIDENCE_ANSWERERS),
        (
            "evidence trail",
            at("exam_evidence:trail", series_id=series, public_id=ex["evidence_pupil"].public_id),
            LEADERS,
        ),
    ]


def load_plan() -> dict:
    """What the load tool needs: the cookie name, a session per role, the pages."""
    school = School.objects.select_related("trust").get(slug=MEASURED_SLUG)
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions(school),
        "pages": pages(school),
        "roles": [Role(r).label for r in ALL],
    }
