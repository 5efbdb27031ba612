"""The apps of issue 20 in the benchmark trust (sendco/bench_world.py): outside agencies, Early
Help and exam access arrangements.

Each school gets the demo's seeders' handful of rows (agencies/demo.py, early_help_demo.py,
exams/demo.py, evidence_demo.py: the services, the designated safeguarding lead, the series, the
assessors, the TA as exams officer), then a school's volume in bulk: referrals for about
REFERRED_SHARE of the pupils on the SEN register across its services, at every status with their
steps, appointments and reports; Early Help for EARLY_HELP_SHARE of the pupils on roll with their
Team Around the Family reviews; and, where the school enters candidates, arrangements for
CANDIDATE_SHARE of Years 10 and 11 across the series, assessments for Form 8, and teachers'
normal-way-of-working evidence asked of the school's teacher. The rows keep the apps' rules
(consent first, steps forward once each, stages as exams.rules allows, dates not to come), are
drawn from a generator seeded by the school, and are dated relative to today.

`seed` does each app once per school, so a world built before these apps gains them in place
(bench_world.bring_up_to_date) and a second call adds nothing.
"""

from __future__ import annotations

import random
import uuid
import zlib
from datetime import date, timedelta

from django.db.models import Q

from agencies import rules as agency_rules
from agencies.demo import seed_agencies
from agencies.early_help_demo import seed_early_help
from agencies.early_help_models import EarlyHelp, EarlyHelpSettings, TafReview
from agencies.early_help_rules import Stage
from agencies.models import Appointment, Referral, Report, Service, StatusChange
from exams import rules as exam_rules
from exams.demo import seed_exams
from exams.evidence_demo import seed_evidence
from exams.evidence_forms import SUBJECTS
from exams.models import (
    Arrangement,
    ArrangementKind,
    Assessment,
    Assessor,
    ExamSeries,
    NormalWayEvidence,
)
from register.models import Pupil
from register.selectors import sen_pupils
from staff.models import School, User

REFERRED_SHARE = 0.15  # of the pupils on the SEN register, referred to an outside service
SECOND_REFERRAL = 0.2  # of those, referred to a second service too
EARLY_HELP_SHARE = 0.02  # of the pupils on roll, with Early Help now or in the last year or so
CANDIDATE_SHARE = 0.10  # of Years 10 and 11, with access arrangements
EVIDENCE_SHARE = 0.6  # of the candidates, with teachers asked for their evidence
# Each local authority's Team Around the Family interval (6 to 12 weeks).
REVIEW_WEEKS = {"Northshire": 6, "Westborough": 8, "Eastmere": 12}


def _rng(school: School, part: str) -> random.Random:
    return random.Random(zlib.crc32(f"{part}-{school.slug}".encode()))  # noqa: S311 - test data


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def seed(*, school: School, people: dict[str, User], today: date) -> dict[str, int]:
    """Each app's rows at this school, once (an app the school has rows of is left alone).
    Returns the rows added per app."""
    added = {"agencies": 0, "early_help": 0, "exams": 0}
    if not Service.objects.filter(school=school).exists():
        added["agencies"] = seed_agencies(
            school=school, today=today, sendco=people["sendco"], teacher=people["teacher"]
        ) + add_referrals(school, people, today)
    if not EarlyHelpSettings.objects.filter(school=school).exists():
        # As in the demo: the SENDCo is the DSL at a secondary, the head at a primary.
        dsl = people["sendco"] if exam_rules.sits_exams(school.phase) else people["head"]
        added["early_help"] = seed_early_help(
            school=school,
            today=today,
            sendco=people["sendco"],
            dsl=dsl,
            weeks=REVIEW_WEEKS.get(school.local_authority, 12),
        ) + add_early_help(school, people, today)
    if (
        exam_rules.sits_exams(school.phase)
        and not ExamSeries.objects.filter(school=school).exists()
    ):
        made = seed_exams(
            school=school,
            today=today,
            sendco=people["sendco"],
            teacher=people["teacher"],
            ta=people["ta"],
        )
        if made:
            made += add_candidates(school, people, today)
            made += seed_evidence(
                school=school, today=today, sendco=people["sendco"], teacher=people["teacher"]
            )
            made += add_evidence(school, people, today)
        added["exams"] = made
    return added


# --------------------------------------------------------------------------------------------------
# Referrals
# --------------------------------------------------------------------------------------------------

# The services' real answers against what they state: some quicker, most slower.
WAIT_FACTOR = (0.7, 2.2)


def add_referrals(school: School, people: dict[str, User], today: date) -> int:
    """Referrals of REFERRED_SHARE of the SEN register besides the demo's pupils, over the last
    two years, each moved on as far as its service's wait and the dates allow."""
    rng = _rng(school, "referrals")
    sendco = people["sendco"]
    sen = list(sen_pupils(school=school, on=today).order_by("pk").values_list("pk", flat=True))
    referred = set(Referral.objects.filter(school=school).values_list("pupil_id", flat=True))
    wanted = round(len(sen) * REFERRED_SHARE)
    services = list(
        Service.objects.filter(
            Q(school=school) | Q(shared_with_trust=True, school__trust_id=school.trust_id)
        ).order_by("pk")
    )
    pool = [pk for pk in sen if pk not in referred]
    if wanted <= 0 or not services or not pool:
        return 0
    chosen = rng.sample(pool, min(wanted, len(pool)))
    chosen += [pk for pk in chosen if rng.random() < SECOND_REFERRAL]
    referrals, steps, appointments, reports = [], [], [], []
    used: set[tuple[int, int]] = set()
    for pupil_id in chosen:
        service = rng.choice(services)
        if (pupil_id, service.pk) in used:
            continue
        used.add((pupil_id, service.pk))
        referral, its_steps, its_appointments, its_reports = _referral(
            school, service, pupil_id, sendco, today, rng
        )
        referrals.append(referral)
        steps.append(its_steps)
        appointments.append(its_appointments)
        reports.append(its_reports)
    Referral.objects.bulk_create(referrals)
    for referral, its_steps, its_appointments, its_reports in zip(
        referrals, steps, appointments, reports, strict=True
    ):
        for row in (*its_steps, *its_appointments, *its_reports):
            row.referral_id = referral.pk
    changes = [row for rows in steps for row in rows]
    booked = [row for rows in appointments for row in rows]
    received = [row for rows in reports for row in rows]
    StatusChange.objects.bulk_create(changes)
    Appointment.objects.bulk_create(booked)
    Report.objects.bulk_create(received)
    return len(referrals) + len(changes) + len(booked) + len(received)


QUESTIONS = [
    "What would help with understanding and using language in class?",
    "What is behind the gap between reading and reasoning?",
    "How best to support working memory in maths?",
    "Anxiety about school: is an assessment right?",
    "Handwriting and fine motor skills: what equipment and exercises?",
    "Strategies for transitions between lessons.",
    "Sensory needs in a busy classroom: what adjustments?",
]


def _referral(school, service, pupil_id, sendco, today, rng):
    """One referral and its steps (each status once, forward, none to come), appointments and
    reports, unsaved."""
    referred_on = today - timedelta(days=rng.randint(3, 700))
    referral = Referral(
        public_id=_uuid(rng),
        school=school,
        pupil_id=pupil_id,
        service=service,
        referred_on=referred_on,
        referred_by=sendco,
        consent_given_by=rng.choice(["Mum", "Dad", "Parent (at the support plan review)", "Carer"]),
        consent_on=referred_on - timedelta(days=rng.randint(0, 21)),
        question=rng.choice(QUESTIONS),
        status=agency_rules.WAITING,
    )
    changes = [(agency_rules.WAITING, referred_on)]
    appointments, reports = [], []
    stated = service.stated_wait_weeks or 12
    answered = referred_on + timedelta(weeks=stated * rng.uniform(*WAIT_FACTOR))

    def after(day: date, low: int, high: int) -> date | None:
        found = day + timedelta(days=rng.randint(low, high))
        return found if found <= today else None

    if answered > today:
        if (today - referred_on).days > 7 * agency_rules.chase_weeks() and rng.random() < 0.5:
            referral.chased_on = today - timedelta(days=rng.randint(1, 20))
    elif rng.random() < 0.1:
        changes.append((agency_rules.DECLINED, answered))
        closed = after(answered, 7, 30)
        if closed:
            changes.append((agency_rules.CLOSED, closed))
    else:
        seen = answered
        if rng.random() < 0.7:
            changes.append((agency_rules.ACCEPTED, answered))
            seen = after(answered, 14, 60)
            if seen is None and rng.random() < 0.5:
                booked = answered + timedelta(days=rng.randint(14, 60))
                appointments.append(_appointment(school, booked, None, sendco))
        if seen is not None:
            changes.append((agency_rules.SEEN, seen))
            appointments.append(_appointment(school, seen, True, sendco))
            got = after(seen, 14, 60) if rng.random() < 0.75 else None
            if got is not None:
                changes.append((agency_rules.REPORT, got))
                reports.append(
                    Report(
                        public_id=_uuid(rng),
                        school=school,
                        referral=None,
                        received_on=got,
                        summary=f"{service.name}: assessment findings and recommendations for "
                        "school and home (received by post; the copy is in the pupil's file).",
                        recorded_by=sendco,
                    )
                )
            closed = after(got or seen, 14, 90) if rng.random() < 0.6 else None
            if closed is not None:
                changes.append((agency_rules.CLOSED, closed))
    referral.status = changes[-1][0]
    steps = [
        StatusChange(school=school, status=status, on=on, recorded_by=sendco)
        for status, on in changes
    ]
    return referral, steps, appointments, reports


def _appointment(school, on: date, attended: bool | None, sendco: User) -> Appointment:
    return Appointment(
        school=school,
        on=on,
        with_whom="The service's practitioner",
        attended=attended,
        note="Seen in school; met the parent afterwards." if attended else "",
        recorded_by=sendco,
    )


# --------------------------------------------------------------------------------------------------
# Early Help
# --------------------------------------------------------------------------------------------------

LEADS = [
    ("Family support worker", "{la} Early Help team"),
    ("Pastoral lead", "{school}"),
    ("SENDCo", "{school}"),
    ("School nurse", "{la} school nursing"),
]


def add_early_help(school: School, people: dict[str, User], today: date) -> int:
    """Early Help for EARLY_HELP_SHARE of the pupils on roll besides the demo's three:
    most with a plan reviewed every interval (one in five overdue), some being assessed, some
    stepped up to social care, a fifth closed; each with its Team Around the Family reviews."""
    rng = _rng(school, "early-help")
    sendco = people["sendco"]
    weeks = REVIEW_WEEKS.get(school.local_authority, 12)
    interval = timedelta(weeks=weeks)
    on_roll = list(
        Pupil.objects.for_school(school)
        .on_roll(today)
        .filter(leaving_date__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    helped = set(EarlyHelp.objects.filter(school=school).values_list("pupil_id", flat=True))
    wanted = round(len(on_roll) * EARLY_HELP_SHARE)
    pool = [pk for pk in on_roll if pk not in helped]
    if wanted <= 0 or not pool:
        return 0
    records, held = [], []
    for pupil_id in rng.sample(pool, min(wanted, len(pool))):
        roll = rng.random()
        stage = (
            Stage.CLOSED
            if roll < 0.2
            else Stage.ASSESSMENT
            if roll < 0.35
            else Stage.STEPPED_UP
            if roll < 0.45
            else Stage.PLAN
        )
        if stage == Stage.ASSESSMENT:
            started = _weekday(today - timedelta(days=rng.randint(5, weeks * 7 - 1)))
        else:
            started = _weekday(today - timedelta(days=rng.randint(weeks * 7 + 7, 420)))
        role, organisation = rng.choice(LEADS)
        record = EarlyHelp(
            public_id=_uuid(rng),
            school=school,
            pupil_id=pupil_id,
            stage=stage,
            started_on=started,
            consent_given_by=rng.choice(["Mother", "Father", "Both parents", "Carer"]),
            consent_on=started - timedelta(days=rng.randint(0, 7)),
            lead_name=f"Lead practitioner {len(records) + 1:03d}",
            lead_role=role,
            lead_organisation=organisation.format(la=school.local_authority, school=school.name),
            lead_contact="earlyhelp@example.org",
            created_by=sendco,
        )
        last = today
        if stage == Stage.CLOSED:
            reviews = max(1, ((today - started) // interval) - rng.randint(0, 2))
            last = _weekday(min(today, started + reviews * interval + timedelta(weeks=1)))
            record.closed_on = max(last, started)
            record.close_reason = "The plan's aims were met; the family agreed to close."
        elif stage == Stage.STEPPED_UP:
            last = started + interval * rng.randint(1, 3)
        overdue = stage == Stage.PLAN and rng.random() < 0.2
        dates, k = [], 1
        while started + k * interval <= last:
            dates.append(_weekday(started + k * interval - timedelta(days=rng.randint(0, 6))))
            k += 1
        if overdue and len(dates) > 1:
            dates.pop()
        records.append(record)
        held.append(sorted(set(d for d in dates if started < d <= today)))
    EarlyHelp.objects.bulk_create(records)
    reviews = [
        TafReview(
            public_id=_uuid(rng),
            school=school,
            early_help_id=record.pk,
            held_on=on,
            attended="Parent, lead practitioner, form tutor",
            summary=rng.choice(
                [
                    "Attendance improving; keep the morning club.",
                    "Housing support referral made; review the routine at home.",
                    "Parenting course booked; school to share the reward chart.",
                    "Sleep routine in place; school nurse to follow up.",
                ]
            ),
            recorded_by=sendco,
        )
        for record, dates in zip(records, held, strict=True)
        for on in dates
    ]
    TafReview.objects.bulk_create(reviews)
    return len(records) + len(reviews)


# --------------------------------------------------------------------------------------------------
# Exam access arrangements
# --------------------------------------------------------------------------------------------------

# (kind code, weight): 25% extra time by far the most common, as in JCQ's figures.
KINDS = [
    ("extra-time-25", 40),
    ("rest-breaks", 12),
    ("word-processor", 12),
    ("reader", 8),
    ("read-aloud", 6),
    ("separate-invigilation", 8),
    ("computer-reader", 3),
    ("scribe", 3),
    ("coloured-overlays", 4),
    ("prompter", 2),
    ("extra-time-over-25", 2),
]


def add_candidates(school: School, people: dict[str, User], today: date) -> int:
    """Arrangements for CANDIDATE_SHARE of Years 10 and 11 in the coming series besides the
    demo's candidates, four in five on the SEN register; each at a stage
    exams.rules allows for its kind; a Form 8 arrangement past proposed mostly has its
    assessment; some Year 11 candidates had extra time in the last resits."""
    rng = _rng(school, "exams")
    series = list(ExamSeries.objects.filter(school=school).order_by("-first_exam_on"))
    assessor = Assessor.objects.filter(
        school=school, qualification_checked_on__isnull=False
    ).first()
    kinds = {k.code: k for k in ArrangementKind.objects.filter(active=True)}
    weighted = [(kinds[code], w) for code, w in KINDS if code in kinds]
    if not series or not weighted:
        return 0
    coming, resits = series[0], series[1:]
    pupils = list(
        Pupil.objects.for_school(school)
        .on_roll(today)
        .filter(year_group__in=["10", "11"])
        .order_by("pk")
        .values_list("pk", "year_group")
    )
    sen = set(
        sen_pupils(school=school, on=today)
        .filter(year_group__in=["10", "11"])
        .values_list("pk", flat=True)
    )
    already = set(
        Arrangement.objects.filter(series=coming).values_list("pupil_id", flat=True).distinct()
    )
    wanted = round(len(pupils) * CANDIDATE_SHARE)
    year_of = dict(pupils)
    on_register = [pk for pk, _ in pupils if pk in sen and pk not in already]
    others = [pk for pk, _ in pupils if pk not in sen and pk not in already]
    if wanted <= 0:
        return 0
    from_sen = min(len(on_register), round(wanted * 0.8))
    chosen = rng.sample(on_register, from_sen)
    chosen += rng.sample(others, min(len(others), wanted - from_sen))
    arrangements, assessments, number = [], [], 0
    for pupil_id in chosen:
        picked = []
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            kind = rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]
            if kind not in picked:
                picked.append(kind)
        for kind in picked:
            number += 1
            arrangements.append(
                _arrangement(school, coming, pupil_id, kind, number, today, rng, people)
            )
        formal = [a for a in arrangements[-len(picked) :] if a.kind.needs_form8]
        if assessor and any(a.stage != exam_rules.PROPOSED for a in formal) and rng.random() < 0.8:
            on = today - timedelta(days=rng.randint(20, 250))
            year = exam_rules.year_group_on(current=year_of[pupil_id], today=today, on=on)
            assessments.append(
                Assessment(
                    public_id=_uuid(rng),
                    school=school,
                    pupil_id=pupil_id,
                    assessor=assessor,
                    assessed_on=on,
                    year_group=year or year_of[pupil_id],
                    results="Reading speed (TOWRE-2): SS 79. Writing speed (DASH 17+): SS 76. "
                    "Processing speed (SPS): SS 82.",
                    created_by=people["sendco"],
                )
            )
        if resits and year_of[pupil_id] == "11" and "extra-time-25" in kinds and rng.random() < 0.1:
            last = resits[0]
            arrangements.append(
                Arrangement(
                    public_id=_uuid(rng),
                    school=school,
                    pupil_id=pupil_id,
                    series=last,
                    kind=kinds["extra-time-25"],
                    stage=exam_rules.APPROVED,
                    subjects="Maths",
                    applied_on=last.first_exam_on - timedelta(days=50),
                    aao_reference=f"AAO{500000 + number}",
                    approved_on=last.first_exam_on - timedelta(days=45),
                    created_by=people["sendco"],
                )
            )
    Arrangement.objects.bulk_create(arrangements)
    Assessment.objects.bulk_create(assessments)
    return len(arrangements) + len(assessments)


def _arrangement(school, series, pupil_id, kind, number, today, rng, people) -> Arrangement:
    """One arrangement in the coming series at a stage its kind may stand at."""
    if kind.delegated:
        stage = rng.choices(
            [exam_rules.PROPOSED, exam_rules.EVIDENCE, exam_rules.APPROVED, exam_rules.WITHDRAWN],
            [25, 25, 45, 5],
        )[0]
    else:
        stage = rng.choices(
            [
                exam_rules.PROPOSED,
                exam_rules.EVIDENCE,
                exam_rules.APPLIED,
                exam_rules.APPROVED,
                exam_rules.DECLINED,
            ],
            [20, 35, 25, 15, 5],
        )[0]
    online = not kind.delegated and stage in exam_rules.APPLIED_ONLINE
    applied_on = today - timedelta(days=rng.randint(15, 60)) if online else None
    approved_on = None
    if stage == exam_rules.APPROVED:
        approved_on = (
            applied_on + timedelta(days=rng.randint(1, 14))
            if applied_on
            else today - timedelta(days=rng.randint(1, 60))
        )
    return Arrangement(
        public_id=_uuid(rng),
        school=school,
        pupil_id=pupil_id,
        series=series,
        kind=kind,
        stage=stage,
        subjects="" if rng.random() < 0.7 else "English Language, History",
        applied_on=applied_on,
        aao_reference=f"AAO{600000 + number}" if online else "",
        approved_on=approved_on,
        created_by=people["sendco"],
    )


def add_evidence(school: School, people: dict[str, User], today: date) -> int:
    """Normal-way-of-working evidence for EVIDENCE_SHARE of the coming series' candidates (those
    the demo asked about aside): two to four subjects each, asked of the school's teacher (the
    bench's one teacher stands for the subject teachers), half of them answered."""
    rng = _rng(school, "evidence")
    coming = ExamSeries.objects.filter(school=school).order_by("-first_exam_on").first()
    if coming is None:
        return 0
    asked = set(NormalWayEvidence.objects.filter(series=coming).values_list("pupil_id", flat=True))
    kinds_of: dict[int, list[int]] = {}
    for pupil_id, kind_id in (
        Arrangement.objects.filter(series=coming)
        .order_by("pupil_id", "kind_id")
        .values_list("pupil_id", "kind_id")
    ):
        kinds_of.setdefault(pupil_id, []).append(kind_id)
    candidates = [pk for pk in kinds_of if pk not in asked]
    rows, answered_kinds = [], []
    for pupil_id in rng.sample(candidates, round(len(candidates) * EVIDENCE_SHARE)):
        for subject in rng.sample(SUBJECTS, rng.randint(2, 4)):
            requested = today - timedelta(days=rng.randint(1, 60))
            answered = rng.random() < 0.5
            answered_on = min(today, requested + timedelta(days=rng.randint(1, 14)))
            rows.append(
                NormalWayEvidence(
                    public_id=_uuid(rng),
                    school=school,
                    pupil_id=pupil_id,
                    series=coming,
                    subject=subject,
                    teacher=people["teacher"],
                    requested_by=people["sendco"],
                    requested_on=requested,
                    answer="Uses it in lessons and tests; without it they do not finish."
                    if answered
                    else "",
                    answered_on=answered_on if answered else None,
                )
            )
            answered_kinds.append(kinds_of[pupil_id] if answered else [])
    NormalWayEvidence.objects.bulk_create(rows)
    through = NormalWayEvidence.arrangements.through
    links = [
        through(normalwayevidence_id=row.pk, arrangementkind_id=kind_id)
        for row, kinds in zip(rows, answered_kinds, strict=True)
        for kind_id in kinds
    ]
    through.objects.bulk_create(links)
    return len(rows) + len(links)
