"""The demo's outside agencies: four services of each school and one the trust shares (made by
the first school seeded), and referrals of pupils on SEN support at every status: speech and
language therapy answering in about 19 weeks against the 12 it states, with one pupil waiting
40 weeks; a referral to chase; one seen whose report is late; one declined; one with its report
received (a small generated PDF); one closed. Idempotent: a school with services is left alone."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db.models import Exists, OuterRef

from register.models import Pupil, SenStatus
from staff import documents
from staff.models import School, User

from . import rules
from .models import Appointment, Referral, Report, Service, StatusChange

NHS = "Northshire NHS Foundation Trust"
SERVICES = [
    # kind, name, provider, team, stated weeks
    ("salt", "Speech and language therapy", NHS, "Children's SALT", 12),
    ("ep", "Educational psychology", "Northshire County Council", "North locality EPS", 10),
    ("camhs", "CAMHS", NHS, "Getting Help team", 18),
    ("ot", "Occupational therapy", NHS, "Children's OT", 16),
]
SHARED = (
    "advisory",
    "Autism advisory teacher",
    "Northfield Learning Trust",
    "Trust inclusion team",
    6,
)


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF of a few lines of text, built by hand (no renderer needed)."""
    text = "BT /F1 12 Tf 56 780 Td 16 TL " + " ".join(
        "({}) '".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
        for line in lines
    )
    text += " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R "
        b">> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text.encode("latin-1")), text.encode()),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pupils(school: School, today: date, teacher: User | None) -> list[Pupil]:
    """Ten pupils on the SEN register, the teacher's own first (two of them), so the demo
    teacher sees referrals of their class."""
    on_support = SenStatus.objects.filter(
        school=school, pupil=OuterRef("pk"), category__in=["K", "E"], starts_on__lte=today
    )
    found = Pupil.objects.for_school(school).on_roll(today).filter(Exists(on_support))
    taught = []
    if teacher is not None:
        taught = list(
            found.filter(teaching_groups__teachers=teacher).distinct().order_by("upn")[:2]
        )
    rest = found.exclude(pk__in=[p.pk for p in taught]).order_by("upn")[: 10 - len(taught)]
    return taught + list(rest)


def seed_agencies(*, school: School, today: date, sendco: User, teacher: User | None = None) -> int:
    if Service.objects.filter(school=school).exists():
        return 0
    pupils = _pupils(school, today, teacher)
    service = {}
    for kind, name, provider, team, weeks in SERVICES:
        service[kind] = Service.objects.create(
            school=school,
            kind=kind,
            name=name,
            provider=provider,
            team=team,
            stated_wait_weeks=weeks,
            contact_name="Referrals coordinator",
            contact_phone="01632 960000",
            contact_email=f"{kind}.referrals@example.org",
            how_to_refer="Online referral form with parental consent, the support plan and the "
            "latest assessment results.",
        )
    created = len(SERVICES)
    shared = Service.objects.filter(
        shared_with_trust=True, school__trust_id=school.trust_id, name=SHARED[1]
    ).first()
    if shared is None and school.trust_id is not None:
        kind, name, provider, team, weeks = SHARED
        shared = Service.objects.create(
            school=school,
            kind=kind,
            name=name,
            provider=provider,
            team=team,
            stated_wait_weeks=weeks,
            shared_with_trust=True,
            how_to_refer="Email the trust inclusion team with the pupil's passport.",
        )
        created += 1
    if len(pupils) < 8:
        return created

    def weeks_ago(n: float) -> date:
        return today - timedelta(days=round(n * 7))

    def refer(pupil, to, referred, steps=(), question="", expected=None) -> Referral:
        referral = Referral.objects.create(
            school=school,
            pupil=pupil,
            service=to,
            referred_on=weeks_ago(referred),
            referred_by=sendco,
            consent_given_by="Parent (at the support plan review)",
            consent_on=weeks_ago(referred + 1),
            question=question or "What would help with understanding and using language in class?",
            expected_report_on=expected,
        )
        StatusChange.objects.create(
            school=school,
            referral=referral,
            status=rules.WAITING,
            on=referral.referred_on,
            recorded_by=sendco,
        )
        for status, ago in steps:
            on = weeks_ago(ago)
            StatusChange.objects.create(
                school=school, referral=referral, status=status, on=on, recorded_by=sendco
            )
            referral.status = status
        referral.save(update_fields=["status"])
        return referral

    salt, ep, camhs, ot = service["salt"], service["ep"], service["camhs"], service["ot"]
    # Speech and language therapy: answers in about 19 weeks here, against 12 stated.
    # Waiting far beyond the service's time; chased three weeks ago, so next chased in three.
    long_wait = refer(pupils[0], salt, 40)
    long_wait.chased_on = weeks_ago(3)
    long_wait.save(update_fields=["chased_on"])
    refer(pupils[1], salt, 8)  # to chase (after six weeks)
    refer(pupils[2], salt, 60, [(rules.ACCEPTED, 41), (rules.SEEN, 35), (rules.CLOSED, 20)])
    refer(pupils[3], salt, 45, [(rules.ACCEPTED, 26)])
    refer(pupils[4], salt, 70, [(rules.SEEN, 49), (rules.CLOSED, 30)])
    accepted = refer(
        pupils[5],
        ep,
        12,
        [(rules.ACCEPTED, 9)],
        question="What is behind the gap between reading and reasoning?",
        expected=weeks_ago(-6),
    )
    Appointment.objects.create(
        school=school,
        referral=accepted,
        on=weeks_ago(-2),
        with_whom="Dr Okafor, educational psychologist",
        recorded_by=sendco,
    )
    seen = refer(
        pupils[6],
        ep,
        30,
        [(rules.ACCEPTED, 22), (rules.SEEN, 9)],
        question="How best to support working memory in maths?",
    )
    Appointment.objects.create(
        school=school,
        referral=seen,
        on=weeks_ago(9),
        with_whom="Dr Okafor, educational psychologist",
        attended=True,
        note="Observed in maths; met the parent after school.",
        recorded_by=sendco,
    )
    refer(
        pupils[7],
        camhs,
        20,
        [(rules.DECLINED, 15)],
        question="Anxiety about school: is a CAMHS assessment right?",
    )
    pupil = pupils[8] if len(pupils) > 8 else pupils[0]
    with_report = refer(
        pupil,
        ot,
        40,
        [(rules.ACCEPTED, 30), (rules.SEEN, 20), (rules.REPORT, 14)],
        question="Handwriting and fine motor skills: what equipment and exercises?",
    )
    report = Report(
        school=school,
        referral=with_report,
        received_on=weeks_ago(14),
        summary="Fine motor skills below age; recommends a writing slope, pencil grips and daily "
        "hand exercises (sheet attached).",
        document_name="occupational-therapy-report.pdf",
        document_type=documents.PDF,
        recorded_by=sendco,
    )
    content = demo_pdf(
        [
            "Northshire NHS Foundation Trust - Children's Occupational Therapy",
            f"Report for {pupil.name}",
            "Fine motor skills below age expectations.",
            "Recommendations: writing slope, pencil grips, daily hand exercises.",
        ]
    )
    report.document.save("report.pdf", ContentFile(content), save=False)
    report.save()
    if shared is not None:
        last = pupils[9] if len(pupils) > 9 else pupils[1]
        refer(
            last,
            shared,
            50,
            [(rules.SEEN, 44), (rules.REPORT, 40), (rules.CLOSED, 38)],
            question="Strategies for transitions between lessons.",
        )
    return created + 11
