"""Deterministic, fictional pupils for the demo trust, at realistic national proportions:
about 14% on SEN support, 5% with an EHC plan, a quarter Pupil Premium, a few looked after,
some on monitoring; need types in national order (SLCN first for SEN support, autism first
for EHC plans); classes with their teacher and teaching assistant; passports for the register.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from staff.models import AcademicYear, School, User

from .demo_passports import passport_text
from .models import (
    Concern,
    Contact,
    LookedAfterPeriod,
    Need,
    NeedType,
    PassportVersion,
    Pupil,
    PupilPremiumPeriod,
    SenStatus,
    SupportLayer,
    TeachingGroup,
    TermFigures,
)
from .rules import UC_EXTENSION_STARTS, season_by_month
from .upn import check_letter

FIRST = [
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Freya",
    "Florence",
    "Sophia",
    "Grace",
    "Evie",
    "Aisha",
    "Zara",
    "Maya",
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Leo",
    "Harry",
    "Oscar",
    "Muhammad",
    "Jack",
    "Charlie",
    "Theo",
    "Finley",
    "Alfie",
    "Jacob",
    "Kai",
    "Rohan",
    "Ethan",
    "Yusuf",
    "Tomasz",
    "Kofi",
    "Amara",
    "Nia",
    "Chloe",
    "Ruby",
    "Hannah",
    "Ibrahim",
    "Daniel",
    "Samuel",
    "Elijah",
    "Poppy",
    "Layla",
    "Erin",
    "Callum",
    "Reuben",
    "Mason",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Robinson",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Ahmed",
    "Ali",
    "Hughes",
    "Edwards",
    "Kowalski",
    "Mensah",
    "Okoro",
    "Begum",
    "Hussain",
    "Lewis",
    "Harris",
    "Martin",
    "Cooper",
    "King",
    "Lee",
    "Baker",
    "Turner",
    "Hill",
    "Scott",
    "Moore",
    "Ward",
    "Morris",
    "Price",
    "Bennett",
    "Gray",
    "Shaw",
    "Kelly",
]

# Shares of primary need, roughly in national order (DOMAIN.md / SEN in England 2024/25).
K_NEEDS = [
    ("SLCN", 26),
    ("SEMH", 20),
    ("MLD", 18),
    ("SPLD", 14),
    ("ASD", 9),
    ("OTH", 4),
    ("PD", 3),
    ("HI", 2),
    ("VI", 1),
    ("NSA", 3),
]
E_NEEDS = [
    ("ASD", 35),
    ("SLCN", 18),
    ("SEMH", 16),
    ("SLD", 8),
    ("MLD", 7),
    ("PMLD", 3),
    ("PD", 5),
    ("HI", 2),
    ("SPLD", 3),
    ("DS", 3),
]


def _upn(la: int, establishment: int, year: int, serial: int) -> str:
    rest = f"{la:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return check_letter(rest) + rest


def _weekday(day: date) -> date:
    """The day itself, or the Monday after when it falls at a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in table], weights=[w for _, w in table])[0]


@dataclass
class _Records:
    """Everything about the pupils that is written in bulk after them, model by model."""

    statuses: list[SenStatus] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    pp: list[PupilPremiumPeriod] = field(default_factory=list)
    lac: list[LookedAfterPeriod] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    passports: list[PassportVersion] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)
    figures: list[TermFigures] = field(default_factory=list)

    def save(self) -> None:
        for model, rows in (
            (SenStatus, self.statuses),
            (Need, self.needs),
            (PupilPremiumPeriod, self.pp),
            (LookedAfterPeriod, self.lac),
            (Contact, self.contacts),
            (PassportVersion, self.passports),
            (Concern, self.concerns),
            (TermFigures, self.figures),
        ):
            model.objects.bulk_create(rows)


@transaction.atomic
def seed_pupils(
    *,
    school: School,
    year: AcademicYear,
    year_groups: list[str],
    per_year: int,
    class_size: int,
    teacher: User,
    ta: User,
    sendco: User,
    seed: int,
    today: date,
) -> int:
    """Fill a school with pupils once; a school that already has pupils is left alone."""
    if Pupil.objects.filter(school=school).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    pupils = _add_pupils(rng, school=school, year=year, year_groups=year_groups, per_year=per_year)
    categories = _categories(rng, len(pupils))
    types = {t.code: t for t in NeedType.objects.all()}
    records = _Records()
    for index, pupil in enumerate(pupils):
        _add_contact(rng, records, pupil)
        category = categories.get(index)
        if category:
            _add_on_register(rng, records, pupil, category, types=types, by=sendco, today=today)
        elif rng.random() < 0.03:
            _add_monitoring(rng, records, pupil, teacher=teacher, sendco=sendco, today=today)
        disadvantaged = _add_pupil_premium_and_care(rng, records, pupil, today=today)
        _add_figures(records, pupil, sen=bool(category), disadvantaged=disadvantaged, today=today)
    records.save()
    _add_classes(
        school=school,
        year=year,
        year_groups=year_groups,
        pupils=pupils,
        class_size=class_size,
        teacher=teacher,
        ta=ta,
    )
    return len(pupils)


def _add_pupils(
    rng: random.Random, *, school: School, year: AcademicYear, year_groups: list[str], per_year: int
) -> list[Pupil]:
    """`per_year` pupils in each year group, with UPNs, ages and admission dates to match."""
    # A 4-digit establishment number from the slug: the same on every database (a primary key
    # grows past 9999 on a long-lived test database and made the UPN too long).
    establishment = 1000 + zlib.crc32(school.slug.encode()) % 9000
    pupils: list[Pupil] = []
    for index, year_group in enumerate(year_groups):
        age = {"R": 4}.get(year_group, int(year_group) + 4 if year_group.isdigit() else 4)
        born_year = year.starts_on.year - age - 1
        for n in range(per_year):
            serial = index * per_year + n
            pupils.append(
                Pupil(
                    school=school,
                    upn=_upn(930, establishment, born_year + 5, serial % 1000),
                    legal_first_name=rng.choice(FIRST),
                    legal_last_name=rng.choice(LAST),
                    date_of_birth=date(born_year, 9, 1) + timedelta(days=rng.randrange(365)),
                    sex=rng.choice("FM"),
                    year_group=year_group,
                    admission_date=date(year.starts_on.year - min(age - 4, 6), 9, 3),
                    eal=rng.random() < 0.2,
                )
            )
    Pupil.objects.bulk_create(pupils)
    found = list(Pupil.objects.filter(school=school).order_by("pk"))
    for pupil in found:
        pupil.school = school  # the steps below read it: no query per pupil
    return found


def _categories(rng: random.Random, count: int) -> dict[int, str]:
    """Exactly 5% with an EHC plan and 14% on SEN support, spread at random through the school:
    pupil index -> "E" or "K"."""
    order = list(range(count))
    rng.shuffle(order)
    e_count, k_count = round(count * 0.05), round(count * 0.14)
    categories = {i: "E" for i in order[:e_count]}
    categories.update({i: "K" for i in order[e_count : e_count + k_count]})
    return categories


def _add_contact(rng: random.Random, records: _Records, pupil: Pupil) -> None:
    records.contacts.append(
        Contact(
            school=pupil.school,
            pupil=pupil,
            relationship="Parent",
            name=f"{rng.choice(FIRST)} {pupil.legal_last_name}",
            email=f"parent{pupil.pk}@example.org",
            preferred_contact="email",
        )
    )


def _add_on_register(
    rng: random.Random,
    records: _Records,
    pupil: Pupil,
    category: str,
    *,
    types: dict[str, NeedType],
    by: User,
    today: date,
) -> None:
    """A status period (K or E), a primary need (and sometimes a second) and a passport."""
    school = pupil.school
    starts = today - timedelta(days=rng.randrange(60, 900))
    records.statuses.append(
        SenStatus(
            school=school,
            pupil=pupil,
            category=category,
            starts_on=starts,
            reason="Assessed by the SENDCo with the class teacher; needs additional and "
            "different provision."
            if category == "K"
            else "EHC plan issued.",
            decided_by=by,
            parents_informed_on=starts,
            parents_informed_how="Meeting",
        )
    )
    primary = _weighted(rng, K_NEEDS if category == "K" else E_NEEDS)
    records.needs.append(
        Need(school=school, pupil=pupil, need_type=types[primary], rank=1, starts_on=starts)
    )
    if rng.random() < 0.3 and primary != "NSA":
        secondary = _weighted(rng, [(c, w) for c, w in K_NEEDS if c not in (primary, "NSA")])
        records.needs.append(
            Need(school=school, pupil=pupil, need_type=types[secondary], rank=2, starts_on=starts)
        )
    words = passport_text(
        upn=pupil.upn,
        first=pupil.first_name,
        primary=primary,
        area=types[primary].broad_area,
    )
    records.passports.append(
        PassportVersion(school=school, pupil=pupil, version=1, created_by=by, **words)
    )


def _add_monitoring(
    rng: random.Random, records: _Records, pupil: Pupil, *, teacher: User, sendco: User, today: date
) -> None:
    """A teacher's concern the SENDCo decided to monitor, with a review on a weekday."""
    records.concerns.append(
        Concern(
            school=pupil.school,
            pupil=pupil,
            raised_by=teacher,
            raised_on=today - timedelta(days=rng.randrange(5, 60)),
            description="Finding it hard to follow instructions in class and falling "
            "behind in reading.",
            status=Concern.Status.MONITORING,
            decided_by=sendco,
            decided_on=today - timedelta(days=3),
            review_on=_weekday(today + timedelta(days=rng.randrange(-10, 40))),
        )
    )


def _add_pupil_premium_and_care(
    rng: random.Random, records: _Records, pupil: Pupil, *, today: date
) -> bool:
    """A quarter on free school meals (so Pupil Premium); a few looked after. Whether the pupil
    has means-tested free school meals."""
    school = pupil.school
    means_tested = rng.random() < 0.25
    if means_tested:
        records.pp.append(
            PupilPremiumPeriod(
                school=school,
                pupil=pupil,
                kind="fsm",
                starts_on=today - timedelta(days=rng.randrange(100, 1500)),
            )
        )
    _add_other_grounds(records, pupil, today=today, means_tested=means_tested)
    if rng.random() < 0.006:
        records.lac.append(
            LookedAfterPeriod(
                school=school,
                pupil=pupil,
                responsible_la=school.local_authority,
                starts_on=today - timedelta(days=rng.randrange(100, 1000)),
            )
        )
    return means_tested


def _add_figures(
    records: _Records, pupil: Pupil, *, sen: bool, disadvantaged: bool, today: date
) -> None:
    """This term's attendance, suspensions and attainment as an MIS import would bring them,
    a little lower for SEN and disadvantaged pupils, as national figures are. A generator of its
    own, so the rest of the demo stays as it was."""
    who = f"{pupil.legal_first_name} {pupil.legal_last_name} {pupil.date_of_birth}"
    rng = random.Random(f"figures-{who}")  # noqa: S311 - fictional data, not secrets
    lower = 2.5 * sen + 2.0 * disadvantaged
    attendance = min(100.0, max(55.0, rng.gauss(95.5 - lower, 3.5)))
    odds = 0.01 + 0.04 * sen + 0.03 * disadvantaged
    bands = ["below", "towards", "expected", "above"]
    weights = [4 + 10 * sen + 3 * disadvantaged, 16 + 8 * sen + 6 * disadvantaged, 60, 20]
    start, season = season_by_month(today)
    records.figures.append(
        TermFigures(
            school=pupil.school,
            pupil=pupil,
            academic_year_start=start,
            season=season,
            recorded_on=today - timedelta(days=(today.weekday() - 4) % 7 or 7),  # last Friday
            attendance=Decimal(f"{attendance:.1f}"),
            suspensions=(1 + (rng.random() < 0.3)) if rng.random() < odds else 0,
            attainment=rng.choices(bands, weights)[0],
        )
    )


def _add_other_grounds(records: _Records, pupil: Pupil, *, today: date, means_tested: bool) -> None:
    """Free school meals through the Universal Credit extension only (from September 2026), a
    few service children and previously looked-after children, one of them with the evidence
    not yet seen. A generator of its own, so the rest of the demo stays as it was."""
    # Seeded by who the pupil is, not their UPN (which carries the school's number), so two
    # schools built from the same seed get the same grounds.
    who = f"{pupil.legal_first_name} {pupil.legal_last_name} {pupil.date_of_birth}"
    rng = random.Random(f"grounds-{who}")  # noqa: S311 - fictional data, not secrets
    school = pupil.school

    def ground(kind: str, starts_on: date, **fields) -> None:
        records.pp.append(
            PupilPremiumPeriod(school=school, pupil=pupil, kind=kind, starts_on=starts_on, **fields)
        )

    draw = rng.random()
    if not means_tested and today >= UC_EXTENSION_STARTS and draw < 0.08:
        ground("fsm_uc", UC_EXTENSION_STARTS + timedelta(days=rng.randrange(0, 60)))
    elif 0.08 <= draw < 0.10:
        ground("service", today - timedelta(days=rng.randrange(200, 2000)))
    elif 0.10 <= draw < 0.11:
        adopted = today - timedelta(days=rng.randrange(400, 2500))
        seen = adopted + timedelta(days=60) if draw < 0.108 else None
        route = rng.choice(["adoption", "sgo", "cao"])
        ground(
            "plac", adopted, route=route, evidence="Order seen by the office", evidence_seen_on=seen
        )


# Class names after the year group: 10A, 10B… (no I, O or Q, easily misread).
CLASS_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def _add_classes(
    *,
    school: School,
    year: AcademicYear,
    year_groups: list[str],
    pupils: list[Pupil],
    class_size: int,
    teacher: User,
    ta: User,
) -> None:
    """Classes of about `class_size`, every pupil in one; the demo teacher and TA have the first
    class of the middle year group."""
    demo_year = year_groups[len(year_groups) // 2]
    memberships = []
    for year_group in year_groups:
        cohort = [p for p in pupils if p.year_group == year_group]
        count = min(max(1, round(len(cohort) / class_size)), len(CLASS_LETTERS))
        for i, letter in enumerate(CLASS_LETTERS[:count]):
            group = TeachingGroup.objects.create(
                school=school, academic_year=year, name=f"{year_group}{letter}"
            )
            if year_group == demo_year and i == 0:
                group.teachers.add(teacher)
                group.assistants.add(ta)
            memberships += [
                TeachingGroup.pupils.through(teachinggroup_id=group.pk, pupil_id=p.pk)
                for p in cohort[i::count]
            ]
    TeachingGroup.pupils.through.objects.bulk_create(memberships)


def class_the_unclassed(*, school: School, year: AcademicYear, class_size: int) -> int:
    """Put the pupils of `school` in no class of `year` into new classes of their year group
    (after the letters taken), about `class_size` each: a school seeded before every pupil was
    given a class (more than ten classes to a year group left the rest out). Returns how many
    pupils it placed: none the second time."""
    unclassed = list(
        Pupil.objects.filter(school=school)
        .exclude(teaching_groups__academic_year=year)
        .order_by("year_group", "pk")
    )
    taken = set(
        TeachingGroup.objects.filter(school=school, academic_year=year).values_list(
            "name", flat=True
        )
    )
    memberships = []
    for year_group in sorted({p.year_group for p in unclassed}):
        cohort = [p for p in unclassed if p.year_group == year_group]
        free = [f"{year_group}{c}" for c in CLASS_LETTERS if f"{year_group}{c}" not in taken]
        count = min(max(1, round(len(cohort) / class_size)), len(free))
        for i, name in enumerate(free[:count]):
            group = TeachingGroup.objects.create(school=school, academic_year=year, name=name)
            memberships += [
                TeachingGroup.pupils.through(teachinggroup_id=group.pk, pupil_id=p.pk)
                for p in cohort[i::count]
            ]
    TeachingGroup.pupils.through.objects.bulk_create(memberships)
    return len(memberships)


def seed_layers(*, school: School, today: date, sendco: User) -> int:
    """The layer of support of the pupils on the register today, as a SENDCo getting ready for the
    Individual Support Plan would record it: an EHC plan Specialist; SEN support Targeted, one in
    four moved up to Targeted Plus this term; one in seven not recorded yet, as in a school part
    way through. Nothing for a school that has layers already (re-runnable)."""
    if SupportLayer.objects.filter(school=school).exists():
        return 0
    statuses = (
        SenStatus.objects.filter(school=school, category__in=["K", "E"], starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(Q(pupil__leaving_date__isnull=True) | Q(pupil__leaving_date__gte=today))
        .order_by("pupil_id")
    )
    term_start = today - timedelta(days=40)
    layers = []
    for n, status in enumerate(statuses):
        if n % 7 == 6:
            continue
        made = {"school": school, "pupil_id": status.pupil_id, "recorded_by": sendco}
        if status.category == "E":
            layers.append(SupportLayer(layer="specialist", starts_on=status.starts_on, **made))
        elif n % 4 == 3 and status.starts_on < term_start:
            layers.append(
                SupportLayer(
                    layer="targeted",
                    starts_on=status.starts_on,
                    ends_on=term_start - timedelta(days=1),
                    **made,
                )
            )
            layers.append(
                SupportLayer(
                    layer="targeted_plus",
                    starts_on=term_start,
                    note="Speech and language therapy advice at the last review.",
                    **made,
                )
            )
        else:
            layers.append(SupportLayer(layer="targeted", starts_on=status.starts_on, **made))
    SupportLayer.objects.bulk_create(layers)
    return len(layers)
