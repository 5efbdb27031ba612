"""The demo's exam access arrangements, in a school that enters candidates (Riverside): next
summer's series and last November's resits, two assessors (one with the qualification on file,
one without), Year 10 and 11 SEN pupils as candidates with arrangements at every stage, some
assessed; the demo's teaching assistant holds the exams officer duty. Idempotent: a school with
a series is left alone."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef

from register.models import TeachingGroup
from register.selectors import sen_pupils
from staff.capabilities import Duty
from staff.models import Membership, School, User

from . import rules
from .models import Arrangement, ArrangementKind, Assessment, Assessor, ExamSeries

# (year group, [(kind code, stage, subjects)], assessed) for each candidate, in order.
CANDIDATES = [
    ("11", [("extra-time-25", "approved", ""), ("rest-breaks", "approved", "")], True),
    ("11", [("reader", "applied", "English Language, History")], True),
    ("11", [("word-processor", "approved", "English Literature, History, RE")], False),
    ("11", [("extra-time-25", "evidence", "")], False),
    ("10", [("extra-time-25", "proposed", ""), ("rest-breaks", "proposed", "")], False),
    ("10", [("scribe", "applied", "")], True),
    ("10", [("extra-time-25", "declined", "Maths")], True),
    (
        "10",
        [("separate-invigilation", "withdrawn", ""), ("coloured-overlays", "approved", "")],
        False,
    ),
    ("11", [("extra-time-25", "evidence", ""), ("read-aloud", "approved", "")], False),
    ("10", [("prompter", "approved", "")], False),
    # A Year 9 pupil of the demo teacher's class sitting GCSE Statistics early, so the teacher's
    # page of arrangements in place has one.
    ("9", [("word-processor", "approved", "Statistics")], False),
]


def _summer(today: date) -> date:
    """The Monday nearest 10 May of next summer (the series' first exam)."""
    year = today.year + 1 if today.month >= 6 else today.year
    day = date(year, 5, 10)
    return day - timedelta(days=day.weekday())


def _resits(today: date) -> date:
    """The first Monday of the last November gone (or this one, once it has started)."""
    year = today.year if today.month >= 11 else today.year - 1
    day = date(year, 11, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _candidates(school: School, today: date, teacher: User):
    """Year 10 and 11 pupils on the register, those in the demo teacher's classes first, and the
    Year 9 ones of the teacher's classes."""
    taught = TeachingGroup.objects.filter(school=school, teachers=teacher, pupils=OuterRef("pk"))
    pupils = sen_pupils(school=school, on=today).filter(year_group__in=["9", "10", "11"])
    found = list(pupils.annotate(taught=Exists(taught)).order_by("-taught", "legal_last_name"))
    pool = {year: [p for p in found if p.year_group == year] for year in ("10", "11")}
    pool["9"] = [p for p in found if p.year_group == "9" and p.taught]
    return pool


def seed_exams(*, school: School, today: date, sendco: User, teacher: User, ta: User) -> int:
    if not rules.sits_exams(school.phase) or ExamSeries.objects.filter(school=school).exists():
        return 0
    pool = _candidates(school, today, teacher)
    if not pool["10"] and not pool["11"]:
        return 0
    made = 0
    first = _summer(today)
    summer = ExamSeries.objects.create(
        school=school,
        name=f"Summer {first.year}",
        first_exam_on=first,
        application_deadline=rules.default_application_deadline(first),
    )
    resit_on = _resits(today)
    resits = ExamSeries.objects.create(
        school=school,
        name=f"November {resit_on.year} resits",
        first_exam_on=resit_on,
        application_deadline=resit_on - timedelta(days=42),
    )
    made += 2
    qualified = Assessor.objects.create(
        school=school,
        name="Dr Helen Price",
        organisation="Riverbank Specialist Assessments",
        external=True,
        qualification="Level 7 Certificate in Psychometric Testing and Access Arrangements",
        qualification_checked_on=today - timedelta(days=200),
    )
    Assessor.objects.create(school=school, name="Mark Ellis", qualification="")
    made += 2
    kinds = {k.code: k for k in ArrangementKind.objects.all()}
    applied_on, approved_on = today - timedelta(days=21), today - timedelta(days=7)
    for n, (year, wanted, assessed) in enumerate(CANDIDATES):
        if not pool[year]:
            continue
        pupil = pool[year].pop(0)
        for code, stage, subjects in wanted:
            kind = kinds.get(code)
            if kind is None:  # taken off the JCQ list in the admin
                continue
            online = not kind.delegated and stage in rules.APPLIED_ONLINE
            Arrangement.objects.create(
                school=school,
                pupil=pupil,
                series=summer,
                kind=kind,
                stage=stage,
                subjects=subjects,
                applied_on=applied_on if online else None,
                aao_reference=f"AAO{470100 + n}" if online else "",
                approved_on=approved_on if stage == rules.APPROVED else None,
                created_by=sendco,
            )
            made += 1
        if assessed:
            on = today - timedelta(days=60 + 7 * n)
            Assessment.objects.create(
                school=school,
                pupil=pupil,
                assessor=qualified,
                assessed_on=on,
                year_group=rules.year_group_on(current=pupil.year_group, today=today, on=on)
                or pupil.year_group,
                results="Reading speed (TOWRE-2): SS 78. Writing speed (DASH 17+): 11 words a "
                "minute, SS 74. Processing speed (SPS): SS 81.",
                created_by=sendco,
            )
            made += 1
        if n == 0 and "extra-time-25" in kinds:  # last November's resits, in place then
            Arrangement.objects.create(
                school=school,
                pupil=pupil,
                series=resits,
                kind=kinds["extra-time-25"],
                stage=rules.APPROVED,
                subjects="Maths",
                applied_on=resit_on - timedelta(days=50),
                aao_reference="AAO461233",
                approved_on=resit_on - timedelta(days=45),
                created_by=sendco,
            )
            made += 1
    membership = Membership.objects.filter(school=school, user=ta).first()
    if membership is not None and Duty.EXAMS_OFFICER not in membership.duties:
        membership.duties = [*membership.duties, Duty.EXAMS_OFFICER.value]
        membership.save(update_fields=["duties"])
    return made
