"""The benchmark trust for `make bench` (issue 15): many schools at realistic size, built fast.

Each school is filled by the demo's own seeders (register, provision, support plans, EHC plans,
the Pupil Premium statement, looked-after children, outside agencies, Early Help and exam access
arrangements, these three with a school's volume added in bulk: sendco/bench_agencies_exams.py),
so the values are the demo's realistic ones; the three years of history the demo does not have
(past intervention groups with their sessions and attendance, and the audit trail) are written
in bulk, sessions and audit events with PostgreSQL's COPY. Everything is drawn from seeded
random generators and dated relative to today, so a rerun gives the same world with live
deadlines. PostgreSQL only: the benchmark measures the production database.
"""

from __future__ import annotations

import random
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction

from ehcp.demo import seed_ehcp
from inforeport.demo import seed_report as seed_info_report
from lac.demo import seed_lac
from plans.demo import seed_plans
from premium.demo import seed_statement
from provision.demo import seed_provision
from provision.models import Group, GroupPupil, Intervention, Session
from register.demo import class_the_unclassed, seed_pupils
from register.models import Pupil, SenStatus
from reports.demo import seed_draft, seed_reports
from staff import calendar as school_calendar
from staff import switcher_cache
from staff.models import AcademicYear, Membership, Role, School, Trust, User
from training.demo import seed_training
from training.models import Completion, Course, StaffMember

from . import bench_agencies_exams

TRUST_SLUG = "bench-trust"
MEASURED_SLUG = "hillcrest"
# Per pupil on roll, over three years, as in the trust of issue 15 (100,600 pupils):
# 774,000 logged sessions and 6.5 million audit events.
SESSIONS_PER_PUPIL = 7.7
AUDIT_PER_PUPIL = 65
HISTORY_DAYS = 3 * 365
ROLES = (Role.SENDCO, Role.HEAD, Role.TEACHER, Role.TA, Role.GOVERNOR)


@dataclass(frozen=True)
class SchoolShape:
    slug: str
    name: str
    phase: str
    year_groups: list[str]
    per_year: int
    class_size: int

    @property
    def pupils(self) -> int:
        return len(self.year_groups) * self.per_year


CLASS_SIZE = 30
PRIMARY = (["R", "1", "2", "3", "4", "5", "6"], 60, CLASS_SIZE)  # 420 pupils
SECONDARY = (["7", "8", "9", "10", "11"], 300, CLASS_SIZE)  # 1,500 pupils


def shapes(schools: int, measured_pupils: int = 2000) -> list[SchoolShape]:
    """The measured secondary school first, then primaries and secondaries mixed so that 110
    schools hold about 100,600 pupils (4 in 9 of the others secondary)."""
    found = [
        SchoolShape(
            MEASURED_SLUG,
            "Hillcrest Academy",
            School.Phase.SECONDARY,
            SECONDARY[0],
            max(measured_pupils // 5, 1),
            CLASS_SIZE,
        )
    ]
    for index in range(1, schools):
        years, per_year, size = SECONDARY if index % 9 in (0, 2, 4, 6) else PRIMARY
        phase = School.Phase.SECONDARY if years is SECONDARY[0] else School.Phase.PRIMARY
        name = f"Bench {'Academy' if phase == School.Phase.SECONDARY else 'Primary'} {index:03d}"
        found.append(SchoolShape(f"bench-{index:03d}", name, phase, years, per_year, size))
    return found


# --------------------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------------------


def recreate_database() -> str:
    """Drop and create the configured database, then migrate it. Refused unless its name says it
    is a benchmark's, so no real database can be dropped by mistake."""
    import psycopg
    from django.core.management import call_command

    params = connection.settings_dict
    name = params["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        raise ValueError(
            f"bench_world drops its database: {name!r} must be PostgreSQL and "
            "have 'bench' in its name."
        )
    connection.close()
    with psycopg.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0, interactive=False)
    return name


# --------------------------------------------------------------------------------------------------
# Schools and people
# --------------------------------------------------------------------------------------------------


def make_school(trust: Trust, shape: SchoolShape, index: int, this_year: int) -> School:
    school = School.objects.create(
        trust=trust,
        slug=shape.slug,
        name=shape.name,
        urn=f"{980000 + index:06d}",
        phase=shape.phase,
        local_authority=("Northshire", "Westborough", "Eastmere")[index % 3],
    )
    for start in range(this_year - 3, this_year + 2):
        school_calendar.create_default_year(school=school, academic_year_start=start)
    return school


def make_people(school: School, *, trust_lead: bool) -> dict[str, User]:
    """One account per role (no usable password: the benchmark signs in with ready sessions)."""
    roles = [*ROLES, Role.TRUST_LEAD] if trust_lead else list(ROLES)
    users = [
        User(email=f"{role.value}@{school.slug}.bench.example.org", full_name=_name(role, school))
        for role in roles
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(user=user, school=school, role=role)
        for user, role in zip(users, roles, strict=True)
    )
    switcher_cache.changed()  # a bulk write sends no signal: the kept switchers go
    return {role.value: user for user, role in zip(users, roles, strict=True)}


def _name(role: Role, school: School) -> str:
    return f"{role.label} of {school.name}"


def fill_school(school: School, shape: SchoolShape, people: dict[str, User], today: date) -> None:
    """The demo's seeders, at this school's size."""
    year = AcademicYear.objects.get(
        school=school, starts_on__year=school_calendar.academic_year_start_for(today)
    )
    seed_pupils(
        school=school,
        year=year,
        year_groups=shape.year_groups,
        per_year=shape.per_year,
        class_size=shape.class_size,
        teacher=people["teacher"],
        ta=people["ta"],
        sendco=people["sendco"],
        seed=zlib.crc32(school.slug.encode()),
        today=today,
    )
    seed_provision(
        school=school,
        year=year,
        today=today,
        ta=people["ta"],
        teacher=people["teacher"],
        sendco=people["sendco"],
        seed=zlib.crc32(f"provision-{school.slug}".encode()),
    )
    seed_plans(
        school=school,
        today=today,
        sendco=people["sendco"],
        seed=zlib.crc32(f"plans-{school.slug}".encode()),
    )
    seed_ehcp(school=school, today=today, sendco=people["sendco"], teacher=people["teacher"])
    seed_statement(school=school, today=today, sendco=people["sendco"])
    seed_lac(school=school, today=today, sendco=people["sendco"])
    seed_training(
        school=school,
        today=today,
        sendco=people["sendco"],
        head=people["head"],
        teacher=people["teacher"],
        ta=people["ta"],
    )
    add_staff(school, shape.pupils // PUPILS_PER_ADULT, today)
    seed_reports(school=school, today=today, sendco=people["sendco"], head=people["head"])
    seed_draft(school=school, today=today, sendco=people["sendco"])
    seed_info_report(school=school, today=today, sendco=people["sendco"])
    bench_agencies_exams.seed(school=school, people=people, today=today)


# A school has about one adult (teachers, assistants, midday and support staff) for every
# twelve pupils: a 2,000-pupil school lists some 160 people whose training is recorded.
PUPILS_PER_ADULT = 12


def add_staff(school: School, count: int, today: date) -> int:
    """`count` members of staff without a login, each with one to four courses completed over
    the last four years (some run out). Returns the records added."""
    rng = random.Random(zlib.crc32(f"staff-{school.slug}".encode()))  # noqa: S311 - test data
    courses = list(Course.objects.filter(school=school, qualification=""))
    people = StaffMember.objects.bulk_create(
        StaffMember(school=school, name=f"Adult {n:03d} of {school.name}", job_title="TA")
        for n in range(count)
    )
    records = [
        Completion(
            school=school,
            person=person,
            course=course,
            completed_on=today - timedelta(days=rng.randrange(20, 1460)),
            hours=course.usual_hours,
        )
        for person in people
        for course in rng.sample(courses, rng.randint(1, 4))
    ]
    Completion.objects.bulk_create(records, batch_size=2000)
    return len(records)


# --------------------------------------------------------------------------------------------------
# Three years of intervention groups, sessions and attendance
# --------------------------------------------------------------------------------------------------


def add_history(school: School, people: dict[str, User], today: date, rng: random.Random) -> int:
    """Ended groups in every past half-term of the last three years, until the school has
    SESSIONS_PER_PUPIL logged sessions per pupil on roll. Returns the sessions added."""
    on_roll = Pupil.objects.filter(school=school).count()
    wanted = round(on_roll * SESSIONS_PER_PUPIL) - Session.objects.filter(school=school).count()
    sen = list(
        SenStatus.objects.filter(school=school, ends_on__isnull=True)
        .exclude(category="N")
        .values_list("pupil_id", flat=True)
    )
    interventions = list(Intervention.objects.filter(school=school, kind="group"))
    terms = _past_terms(school, today)
    if wanted <= 0 or not sen or not interventions or not terms:
        return 0
    groups, places, days_of = _plan_history(school, people, terms, sen, interventions, rng, wanted)
    Group.objects.bulk_create(groups)
    Group.staff.through.objects.bulk_create(
        Group.staff.through(group_id=g.pk, user_id=people["ta"].pk) for g in groups
    )
    for place in places:
        place.group_id = place.group.pk
    GroupPupil.objects.bulk_create(places, batch_size=5000)
    added = _copy_sessions(school, people["ta"], groups, days_of, rng)
    _insert_attendance(school, [g.pk for g in groups])
    return added


def _past_terms(school: School, today: date) -> list[tuple[str, date, date]]:
    """(name, first and last school day) of the half-terms that ended in the last three years."""
    found = []
    for term in school.terms.filter(
        ends_on__lt=today, starts_on__gte=today - timedelta(days=HISTORY_DAYS)
    ).select_related("academic_year"):
        days = school_calendar.school_days(school=school, start=term.starts_on, end=term.ends_on)
        if days:
            found.append((f"{term.name} {term.academic_year.name}", days))
    return found


def _plan_history(school, people, terms, sen, interventions, rng, wanted):
    """Groups round-robin over the past half-terms, three sessions a week, 4 to 6 SEN pupils."""
    groups, places, days_of, count, index = [], [], {}, 0, 0
    while count < wanted:
        term_name, days = terms[index % len(terms)]
        intervention = interventions[index % len(interventions)]
        weekdays = (0, 2, 4) if index % 2 else (1, 3)
        meets = [d for d in days if d.weekday() in weekdays]
        group = Group(
            school=school,
            intervention=intervention,
            name=f"{intervention.name} ({term_name}, {index // len(terms) + 1})",
            starts_on=days[0],
            ends_on=days[-1],
            sessions_per_week=len(weekdays),
            session_minutes=intervention.default_session_minutes,
            days=",".join(str(d) for d in weekdays),
            status=Group.Status.ENDED,
            funding=Group.Funding.NOTIONAL_SEN,
            rate=intervention.default_rate,
        )
        groups.append(group)
        days_of[id(group)] = meets
        places += [
            GroupPupil(school=school, group=group, pupil_id=pupil_id, joined_on=days[0])
            for pupil_id in rng.sample(sen, min(len(sen), rng.randint(4, 6)))
        ]
        count += len(meets)
        index += 1
    return groups, places, days_of


def _copy_sessions(school, runner, groups, days_of, rng) -> int:
    """The groups' sessions with COPY: 4% not run (staff absence), the rest logged on the day."""
    added = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            'COPY provision_session (school_id, group_id, "on", ran, not_run_reason, note, '
            "logged_by_id, logged_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        lines = []
        for group in groups:
            for day in days_of[id(group)]:
                ran = rng.random() >= 0.04
                logged = datetime.combine(day, time(15, 30), tzinfo=UTC).isoformat()
                reason = "" if ran else "staff_absence"
                lines.append(
                    f"{school.pk}\t{group.pk}\t{day.isoformat()}\t{'t' if ran else 'f'}\t"
                    f"{reason}\t\t{runner.pk}\t{logged}\t{logged}\n"
                )
                added += 1
        copy.write("".join(lines))
    return added


def _insert_attendance(school: School, group_ids: list[int]) -> None:
    """Every pupil of a group marked at each session it ran: nine in ten present (a hash of
    the session and pupil decides, so a rerun marks the same)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO provision_attendance
                (school_id, session_id, pupil_id, present, absence_reason, note)
            SELECT s.school_id, s.id, gp.pupil_id, m.present,
                   CASE WHEN m.present THEN '' ELSE 'absent' END, ''
            FROM provision_session s
            JOIN provision_grouppupil gp ON gp.group_id = s.group_id
            CROSS JOIN LATERAL (
                SELECT abs(hashtext(s.id::text || '-' || gp.pupil_id::text)) %% 10 <> 0 AS present
            ) m
            WHERE s.school_id = %s AND s.ran AND s.group_id = ANY(%s)
            """,
            [school.pk, group_ids],
        )


# --------------------------------------------------------------------------------------------------
# The audit trail
# --------------------------------------------------------------------------------------------------

# (action, share, about a pupil?, object type): reads dominate a real trail.
AUDIT_MIX = [
    ("register.pupil_viewed", 22, True, "register.Pupil"),
    ("pupil.viewed", 8, True, "register.Pupil"),
    ("register.passport_viewed", 6, True, "register.Pupil"),
    ("provision.session.logged", 12, False, "provision.Session"),
    ("provision.group_viewed", 6, False, "provision.Group"),
    ("provision.plan.viewed", 8, True, "plans.SupportPlan"),
    ("provision.plan.changed", 3, True, "plans.SupportPlan"),
    ("ehcp.plan_viewed", 3, True, "ehcp.EhcPlan"),
    ("ehcp.review_step", 1, True, "ehcp.AnnualReview"),
    ("school.home_viewed", 12, False, ""),
    ("register.list_viewed", 6, False, ""),
    ("provision.map.viewed", 3, False, ""),
    ("school.deadlines_viewed", 3, False, ""),
    ("ehcp.tracker_viewed", 2, False, ""),
    ("auth.login", 5, False, ""),
]


def copy_audit(school: School, people: dict[str, User], today: date, rng: random.Random) -> int:
    """AUDIT_PER_PUPIL events per pupil spread over three years, in time order (ids grow with
    time, as they do in a live trail); sign-ins belong to no school, as the app writes them."""
    pupils = list(Pupil.objects.filter(school=school).values_list("public_id", flat=True))
    total = len(pupils) * AUDIT_PER_PUPIL
    actors = [(u.pk, role) for role, u in people.items() if role != "governor"]
    now = datetime.combine(today, time(8), tzinfo=UTC)
    span = HISTORY_DAYS * 86400
    stamps = sorted(rng.randrange(span) for _ in range(total))
    actions, weights = AUDIT_MIX, [w for _, w, _, _ in AUDIT_MIX]
    picks = rng.choices(range(len(actions)), weights=weights, k=total)
    lines = []
    for stamp, pick in zip(stamps, picks, strict=True):
        action, _, about_pupil, object_type = actions[pick]
        actor, role = actors[rng.randrange(len(actors))]
        pupil = pupils[rng.randrange(len(pupils))] if about_pupil else None
        at = (now - timedelta(seconds=span - stamp)).isoformat()
        school_id = r"\N" if action == "auth.login" else school.pk
        lines.append(
            f"{at}\t{school_id}\t{actor}\t{role}\t{action}\t{object_type}\t"
            f"{pupil or ''}\t\t{pupil or chr(92) + 'N'}\t{{}}\t10.0.0.{actor % 250}\t"
            f"{uuid.UUID(int=rng.getrandbits(128)).hex}\n"
        )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY staff_auditevent (created_at, school_id, actor_id, role, action, object_type, "
            "object_id, object_repr, pupil_public_id, detail, ip, request_id) FROM STDIN"
        ) as copy,
    ):
        for start in range(0, len(lines), 50000):
            copy.write("".join(lines[start : start + 50000]))
    return total


# --------------------------------------------------------------------------------------------------
# The whole world
# --------------------------------------------------------------------------------------------------


def build(*, schools: int, today: date, measured_pupils: int = 2000, say=print) -> dict[str, int]:
    """Build the trust into the (fresh) database; `say` reports progress."""
    from sendco import reminders

    this_year = school_calendar.academic_year_start_for(today)
    trust = Trust.objects.create(slug=TRUST_SLUG, name="Bench Learning Trust")
    for index, shape in enumerate(shapes(schools, measured_pupils)):
        rng = random.Random(zlib.crc32(f"bench-{shape.slug}".encode()))  # noqa: S311 - test data
        with transaction.atomic():
            school = make_school(trust, shape, index, this_year)
            people = make_people(school, trust_lead=index == 0)
            fill_school(school, shape, people, today)
            add_history(school, people, today, rng)
            copy_audit(school, people, today, rng)
        if index % 10 == 0 or index == schools - 1:
            say(f"  school {index + 1}/{schools} ({shape.pupils} pupils) done")
            # The seeding reads what it wrote (the reports' costings): without fresh statistics
            # the planner takes the growing tables for empty ones, and on a cluster whose
            # autovacuum is off or behind each school took a minute by the 80th (8 s here).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    say("  the nightly scan, so notifications are there")
    reminders.scan_all(today=today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts()


def bring_up_to_date(*, today: date) -> int:
    """Add to a world built already what a newer generator seeds and a rebuild would only
    repeat: a draft termly report at each school (`seed_draft`), outside agencies, Early Help
    and exam access arrangements (issue 20) at each school without them, and a class for every
    pupil in none (a year group of more than ten classes left the rest out), a school at a time.
    Returns how many records the seeders say they added: none the second time."""
    from reports.models import TermReport

    added = 0
    drafted = set(
        TermReport.objects.filter(status=TermReport.Status.DRAFT).values_list("school", flat=True)
    )
    for school in School.objects.filter(trust__slug=TRUST_SLUG).order_by("pk"):
        people = {
            m.role: m.user
            for m in Membership.objects.filter(school=school).select_related("user").order_by("pk")
        }
        if "sendco" not in people:
            continue
        with transaction.atomic():
            year = AcademicYear.objects.get(
                school=school, starts_on__year=school_calendar.academic_year_start_for(today)
            )
            added += class_the_unclassed(school=school, year=year, class_size=CLASS_SIZE)
            if school.pk not in drafted:
                added += seed_draft(school=school, today=today, sendco=people["sendco"])
            if {"teacher", "ta", "head"} <= set(people):
                found = bench_agencies_exams.seed(school=school, people=people, today=today)
                added += sum(found.values())
    return added


def built_already(schools: int) -> bool:
    """Whether the database holds a finished benchmark trust of this many schools (the last
    step of a build writes the notifications), made by this generator: a world without the rows
    of the newest seeders (staff training, the termly and SEN information reports) was made by
    an older one and is built again."""
    from django.db.utils import OperationalError, ProgrammingError

    from inforeport.models import InfoReport
    from reports.models import TermReport
    from sendco.models import Notification

    try:
        return (
            School.objects.filter(trust__slug=TRUST_SLUG).count() == schools
            and Notification.objects.exists()
            and all(model.objects.exists() for model in (StaffMember, TermReport, InfoReport))
        )
    except (OperationalError, ProgrammingError):
        return False


COUNTED = {
    "schools": "staff_school",
    "pupils": "register_pupil",
    "sen_statuses": "register_senstatus",
    "ehc_plans": "ehcp_ehcplan",
    "support_plans": "provision_supportplan",
    "groups": "provision_group",
    "sessions": "provision_session",
    "attendance": "provision_attendance",
    "audit_events": "staff_auditevent",
    "notifications": "sendco_notification",
    "referrals": "agencies_referral",
    "early_help": "agencies_earlyhelp",
    "taf_reviews": "agencies_tafreview",
    "exam_arrangements": "exams_arrangement",
    "exam_evidence": "exams_normalwayevidence",
}


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for label, table in COUNTED.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own table names
            found[label] = cursor.fetchone()[0]
    return found
