"""The demo's parents' links, at Meadow Lane: one pupil on SEN support (in the demo teacher's
class, with a support plan in Do and a parent on file) has a link waiting whose code is fixed
(DEMO_CODE, printed by seed_demo and in the README, with the child's date of birth), so whoever
tries `make run` can open it as a parent; and an earlier link of the same pupil was answered, so
the plan shows a parent's views. Idempotent: a school with links is left alone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from plans.models import Cycle
from register.models import Contact, Pupil, ViewsGiven
from staff.models import School, User

from . import rules
from .models import ViewsLink

DEMO_SCHOOL = "meadow-lane"
DEMO_CODE = "HAVE-YSAY-MEAD"
# The demo link lasts longer than a real one (21 days), so the demo keeps working for months.
DEMO_DAYS = 365


def demo_pupil(school: School, teacher: User | None = None) -> Pupil | None:
    """The demo's pupil: on SEN support with a plan in Do and targets, a parent on file, and
    (where one is) in the demo teacher's class; the first such by surname."""
    cycles = Cycle.objects.filter(school=school, stage=Cycle.Stage.DO, targets__isnull=False)
    pupils = Pupil.objects.filter(
        school=school, support_plan__cycles__in=cycles, contacts__isnull=False
    ).distinct()
    in_class = pupils.filter(teaching_groups__teachers=teacher) if teacher else pupils.none()
    return (in_class.first() if in_class.exists() else None) or pupils.first()


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def seed_families(*, school: School, today: date, sendco: User, teacher: User) -> int:
    if school.slug != DEMO_SCHOOL or ViewsLink.objects.filter(school=school).exists():
        return 0
    pupil = demo_pupil(school, teacher)
    if pupil is None:
        return 0
    contact = Contact.objects.filter(pupil=pupil).order_by("priority").first()
    asked = today - timedelta(days=12)
    views = ViewsGiven.objects.create(
        school=school,
        pupil=pupil,
        whose=ViewsGiven.Whose.PARENT,
        how=ViewsGiven.How.LINK,
        purpose=ViewsGiven.Purpose.PLAN,
        given_on=today - timedelta(days=9),
        given_by=f"{contact.name} ({contact.relationship.lower()})" if contact else "A parent",
        answers=[
            {
                "question": "What is going well for your child?",
                "answer": "Reading at bedtime is much easier now. The word cards really help.",
            },
            {
                "question": "What worries you?",
                "answer": "Lunchtimes are noisy. Some days they do not want to go in.",
            },
            {
                "question": "What would you like to happen next?",
                "answer": "A quiet place to go at lunch, and a chat with the class teacher.",
            },
            {"question": "How would you like us to contact you?", "answer": "By phone"},
        ],
    )
    ViewsLink.objects.bulk_create(
        [
            ViewsLink(
                school=school,
                pupil=pupil,
                purpose=ViewsGiven.Purpose.PLAN,
                code_hash=rules.code_hash(rules.new_code()),
                expires_at=_at(asked + timedelta(days=21)),
                created_by=sendco,
                opened_at=_at(today - timedelta(days=9)),
                views=views,
                used_at=_at(today - timedelta(days=9)),
            ),
            ViewsLink(
                school=school,
                pupil=pupil,
                purpose=ViewsGiven.Purpose.PLAN_REVIEW,
                code_hash=rules.code_hash(DEMO_CODE),
                expires_at=_at(today + timedelta(days=DEMO_DAYS)),
                created_by=sendco,
            ),
        ]
    )
    ViewsLink.objects.filter(pupil=pupil).update(created_at=_at(asked))
    ViewsLink.objects.filter(code_hash=rules.code_hash(DEMO_CODE)).update(created_at=_at(today))
    return 3


def demo_note() -> str:
    """The line seed_demo prints: the demo code and the child's date of birth."""
    link = (
        ViewsLink.objects.select_related("pupil", "school")
        .filter(code_hash=rules.code_hash(DEMO_CODE))
        .first()
    )
    if link is None:
        return ""
    born = link.pupil.date_of_birth
    return (
        f"A parent's link at {link.school.name}: open /f/ and type the code {DEMO_CODE}; "
        f"the child's date of birth is {born.day} {born:%B %Y}."
    )
