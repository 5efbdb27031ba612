"""Build the fictional demo trust with pupils. Idempotent: a second run changes nothing.

It lives on the top floor because it fills every app (staff, register, provision, and later
EHC plans).
"""

from __future__ import annotations

import zlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from agencies.demo import seed_agencies
from agencies.early_help_demo import seed_early_help
from ehcp.demo import seed_ehcp
from exams.demo import seed_exams
from exams.evidence_demo import seed_evidence
from families.demo import demo_note, seed_families
from families.demo_transfer import seed_transfer
from families.demo_voice import seed_voice
from inforeport.demo import seed_report
from lac.demo import seed_lac
from plans.demo import seed_plans
from premium.demo import seed_statement
from provision.demo import seed_provision
from register.demo import seed_layers, seed_pupils
from reports.demo import seed_reports
from staff import calendar as school_calendar
from staff import deadline_cache
from staff.models import AcademicYear, Membership, Role, School, Trust, User
from training.demo import seed_lead_training, seed_training

from ... import reminders
from ...tasks import daily_reminders

TRUST = {"slug": "northfield", "name": "Northfield Learning Trust"}
SCHOOLS = [
    {
        "slug": "meadow-lane",
        "name": "Meadow Lane Primary School",
        "urn": "990001",
        "phase": School.Phase.PRIMARY,
        "local_authority": "Northshire",
    },
    {
        "slug": "riverside",
        "name": "Riverside Academy",
        "urn": "990002",
        "phase": School.Phase.SECONDARY,
        "local_authority": "Westborough",
    },
    # An infant school (Reception to Year 2): its Year 2 move to junior school, a phase transfer.
    {
        "slug": "little-oaks",
        "name": "Little Oaks Infant School",
        "urn": "990003",
        "phase": School.Phase.PRIMARY,
        "local_authority": "Northshire",
        "lowest_year": "R",
        "highest_year": "2",
        "age_range_source": "settings",
    },
    # A sixth-form college: a young person moving to another post-16 setting (reg. 18(2)).
    {
        "slug": "northfield-college",
        "name": "Northfield Sixth Form College",
        "urn": "990004",
        "phase": School.Phase.POST_16,
        "local_authority": "Westborough",
        "lowest_year": "12",
        "highest_year": "13",
        "age_range_source": "settings",
    },
]
# Pupils per school: 280 in the primary (R to Year 6), 1,000 in the secondary (7 to 11), 120 in the
# infant school (R to 2) and 120 in the sixth-form college (12 and 13).
ROLLS = {
    "meadow-lane": {
        "year_groups": ["R", "1", "2", "3", "4", "5", "6"],
        "per_year": 40,
        "class_size": 20,
    },
    "riverside": {"year_groups": ["7", "8", "9", "10", "11"], "per_year": 200, "class_size": 29},
    "little-oaks": {"year_groups": ["R", "1", "2"], "per_year": 40, "class_size": 20},
    "northfield-college": {"year_groups": ["12", "13"], "per_year": 60, "class_size": 20},
}
# The text each school's pupils are drawn from (its slug unless said): the infant school's draw has
# children with EHC plans in Year 2, so its phase transfer to junior school is in the demo.
PUPIL_SEEDS = {"little-oaks": "little-oaks-1"}
PEOPLE = {  # role -> (first name, surname)
    Role.SENDCO: ("Priya", "Shah"),
    Role.HEAD: ("Daniel", "Okafor"),
    Role.TEACHER: ("Emma", "Clarke"),
    Role.TA: ("Jordan", "Reid"),
    Role.GOVERNOR: ("Margaret", "Hughes"),
}
TRUST_LEAD = ("Aisha", "Rahman")


# Who is the designated safeguarding lead, and the LA's Early Help review interval in weeks.
EARLY_HELP = {"meadow-lane": (Role.HEAD, 6), "riverside": (Role.SENDCO, 12)}


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, school, email) of every demo login, in the order the README lists them."""
    rows = [("Trust SEND lead", TRUST["name"], f"lead@{TRUST['slug']}.example.org")]
    for school in SCHOOLS:
        rows += [
            (role.label, school["name"], f"{role.value}@{school['slug']}.example.org")
            for role in PEOPLE
        ]
    return rows


class Command(BaseCommand):
    help = "Load the fictional Northfield Learning Trust with one demo login per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a real school's server).",
        )

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password. It refuses to run with "
                "DEBUG off; pass --force only on a demo server."
            )
        created = 0
        trust, new = Trust.objects.get_or_create(
            slug=TRUST["slug"], defaults={"name": TRUST["name"]}
        )
        created += new
        today = timezone.localdate()
        this_year = school_calendar.academic_year_start_for(today)
        schools = []
        for data in SCHOOLS:
            school, new = School.objects.get_or_create(
                slug=data["slug"], defaults={**data, "trust": trust}
            )
            created += new
            schools.append(school)
            # Last year too: the provision map has groups that ended last summer.
            for start in (this_year - 1, this_year, this_year + 1):
                school_calendar.create_default_year(school=school, academic_year_start=start)
            for role, (first, last) in PEOPLE.items():
                email = f"{role.value}@{school.slug}.example.org"
                created += self._person(email, f"{first} {last}", school, role)
            people = {
                role: User.objects.get(email=f"{role.value}@{school.slug}.example.org")
                for role in (Role.TEACHER, Role.TA, Role.SENDCO, Role.HEAD)
            }
            year = AcademicYear.objects.get(school=school, starts_on__year=this_year)
            created += seed_pupils(
                school=school,
                year=year,
                teacher=people[Role.TEACHER],
                ta=people[Role.TA],
                sendco=people[Role.SENDCO],
                # the same on every database
                seed=zlib.crc32(PUPIL_SEEDS.get(school.slug, school.slug).encode()),
                today=today,
                **ROLLS[school.slug],
            )
            created += seed_provision(
                school=school,
                year=year,
                today=today,
                ta=people[Role.TA],
                teacher=people[Role.TEACHER],
                sendco=people[Role.SENDCO],
                seed=zlib.crc32(f"provision-{school.slug}".encode()),
            )
            created += seed_plans(
                school=school,
                today=today,
                sendco=people[Role.SENDCO],
                seed=zlib.crc32(f"plans-{school.slug}".encode()),
            )
            created += seed_ehcp(
                school=school,
                today=today,
                sendco=people[Role.SENDCO],
                teacher=people[Role.TEACHER],
            )
            created += seed_layers(school=school, today=today, sendco=people[Role.SENDCO])
            # The pupil's voice (issue 19): a few pupils' views, one accepted into the plan.
            created += seed_voice(
                school=school,
                today=today,
                sendco=people[Role.SENDCO],
                teacher=people[Role.TEACHER],
            )
            created += seed_statement(school=school, today=today, sendco=people[Role.SENDCO])
            created += seed_lac(school=school, today=today, sendco=people[Role.SENDCO])
            # Outside agencies (issue 20): services, referrals at every status, a report.
            created += seed_agencies(
                school=school,
                today=today,
                sendco=people[Role.SENDCO],
                teacher=people[Role.TEACHER],
            )
            # Early Help (issue 20): the head is the DSL at the primary, the SENDCo at the
            # secondary; their local authorities review every 6 and 12 weeks.
            if school.slug in EARLY_HELP:
                dsl_role, weeks = EARLY_HELP[school.slug]
                created += seed_early_help(
                    school=school,
                    today=today,
                    sendco=people[Role.SENDCO],
                    dsl=people[dsl_role],
                    weeks=weeks,
                )
            created += seed_training(
                school=school,
                today=today,
                sendco=people[Role.SENDCO],
                head=people[Role.HEAD],
                teacher=people[Role.TEACHER],
                ta=people[Role.TA],
            )
            created += seed_reports(
                school=school, today=today, sendco=people[Role.SENDCO], head=people[Role.HEAD]
            )
            # After training: the report counts the courses staff hold.
            created += seed_report(school=school, today=today, sendco=people[Role.SENDCO])
            # Exam access arrangements (issue 20), in the secondary school: series, assessors,
            # Year 10 and 11 candidates at every stage; the TA is the exams officer.
            created += seed_exams(
                school=school,
                today=today,
                sendco=people[Role.SENDCO],
                teacher=people[Role.TEACHER],
                ta=people[Role.TA],
            )
            # Parents' views by secure link (issue 19): a link waiting, one answered.
            created += seed_families(
                school=school,
                today=today,
                sendco=people[Role.SENDCO],
                teacher=people[Role.TEACHER],
            )
            # Teachers' normal-way-of-working evidence for the exam candidates (after their
            # arrangements).
            created += seed_evidence(
                school=school,
                today=today,
                sendco=people[Role.SENDCO],
                teacher=people[Role.TEACHER],
            )
        # A Year 6 leaver at the primary bound for the secondary, ready for a transfer pack.
        created += seed_transfer(
            school=schools[0],
            today=today,
            sendco=User.objects.get(email=f"sendco@{schools[0].slug}.example.org"),
        )
        created += self._person(
            f"lead@{trust.slug}.example.org", " ".join(TRUST_LEAD), schools[0], Role.TRUST_LEAD
        )
        created += seed_lead_training(
            school=schools[0],
            today=today,
            lead=User.objects.get(email=f"lead@{trust.slug}.example.org"),
        )
        # Today's reminders, so the demo's notification centre is not empty; the embedded worker
        # then sends the day's digests (printed in the terminal by `make run`).
        notified = sum(reminders.scan_all(today=today).values())
        transaction.on_commit(daily_reminders.delay)
        deadline_cache.changed(None)  # bulk inserts send no signals: no school's answer stands
        verb = "Created" if created else "Already there, nothing changed:"
        self.stdout.write(f"{verb} the demo trust {trust.name} ({created} new rows).")
        if notified:
            self.stdout.write(f"{notified} new notifications of today's deadlines.")
        self.stdout.write(f"\nDemo logins (password for all: {settings.DEMO_PASSWORD})")
        for role, where, email in demo_logins():
            self.stdout.write(f"  {role:<20} {where:<30} {email}")
        if note := demo_note():
            self.stdout.write(f"\n{note}")

    def _person(self, email: str, name: str, school: School, role: str) -> int:
        user = User.objects.filter(email=email).first()
        new = 0
        if user is None:
            user = User.objects.create_user(
                email=email, password=settings.DEMO_PASSWORD, full_name=name
            )
            new += 1
        _, made = Membership.objects.get_or_create(
            user=user, school=school, defaults={"role": role}
        )
        return new + made
