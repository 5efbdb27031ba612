"""The demo's staff training: the common catalogue, two members of staff without a login,
records for everyone (the head's Youth MHFA expired, the TA's Team Teach about to expire and
ELSA supervision due this half-term, a midday supervisor's epilepsy training running out next
month), a SENCO appointed two years ago whose NPQ is under way and due next year, and the
autumn INSET attended by everyone. The class teacher has no autism training, so the classes
they teach show the gap. Idempotent: a school with training records is left alone."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from staff.models import School, Term, User

from . import catalogue, rules
from .models import Completion, Course, Session, StaffMember, Supervision


def _person(school: School, user: User) -> StaffMember:
    found, _ = StaffMember.objects.get_or_create(
        school=school, user=user, defaults={"name": user.full_name}
    )
    return found


def seed_training(
    *, school: School, today: date, sendco: User, head: User, teacher: User, ta: User
) -> int:
    if Completion.objects.filter(school=school).exists():
        return 0
    catalogue.seed(course_model=Course, school_id=school.pk)
    course = {c.name: c for c in Course.objects.filter(school=school)}
    priya, daniel, emma, jordan = (_person(school, u) for u in (sendco, head, teacher, ta))
    for person, title in (
        (priya, "SENCO"),
        (daniel, "Headteacher"),
        (emma, "Class teacher"),
        (jordan, "Teaching assistant"),
    ):
        person.job_title = person.job_title or title
    priya.senco_appointed_on = rules.add_months(today, -26)
    for person in (priya, daniel, emma, jordan):
        person.save()
    alex = StaffMember.objects.create(
        school=school, name="Alex Morgan", job_title="Midday supervisor"
    )
    sam = StaffMember.objects.create(
        school=school, name="Sam Patel", job_title="Teaching assistant (no login)"
    )

    def done(person, name, completed_on, provider="", **fields):
        return Completion(
            school=school,
            person=person,
            course=course[name],
            completed_on=completed_on,
            provider=provider,
            hours=course[name].usual_hours,
            recorded_by=sendco,
            **fields,
        )

    records = [
        Completion(
            school=school,
            person=priya,
            course=course["NPQ for SENCOs"],
            started_on=rules.add_months(today, -14),
            provider="Northfield Teaching School Hub",
            recorded_by=sendco,
        ),
        done(
            priya,
            "Autism Education Trust: Good Autism Practice",
            rules.add_months(today, -20),
            "Autism Education Trust",
        ),
        done(priya, "Youth Mental Health First Aid", rules.add_months(today, -10), "MHFA England"),
        done(daniel, "Youth Mental Health First Aid", rules.add_months(today, -41), "MHFA England"),
        done(
            emma,
            "Dyslexia and specific learning difficulties",
            rules.add_months(today, -30),
            "Northshire Learning Support",
        ),
        done(
            jordan,
            "ELSA (Emotional Literacy Support Assistant)",
            rules.add_months(today, -20),
            "Northshire Educational Psychology",
        ),
        done(
            jordan,
            "Team Teach (positive handling)",
            rules.add_months(today, -12) + timedelta(days=12),
            "Team Teach",
        ),
        done(
            alex,
            "Epilepsy awareness and rescue medication",
            rules.add_months(today, -11),
            "School nursing team",
        ),
        done(sam, "Autism awareness", rules.add_months(today, -6), "Northshire Outreach"),
        done(sam, "Makaton", rules.add_months(today, -18), "Makaton Charity"),
    ]
    Completion.objects.bulk_create(records)
    # ELSA supervision in every half-term since the training but this one.
    halves = Term.objects.filter(
        school=school, starts_on__gt=rules.add_months(today, -20), ends_on__lt=today
    )
    supervisions = [
        Supervision(
            school=school,
            person=jordan,
            course=course["ELSA (Emotional Literacy Support Assistant)"],
            on=h.starts_on + timedelta(days=14),
            supervisor="Dr Helen Marsh, EP",
            recorded_by=sendco,
        )
        for h in halves
        if h.starts_on + timedelta(days=14) < today
    ]
    Supervision.objects.bulk_create(supervisions)
    inset = _inset(school=school, today=today, course=course["SEND awareness (INSET)"], by=sendco)
    return len(records) + len(supervisions) + 2 + inset


def _inset(*, school: School, today: date, course: Course, by: User) -> int:
    """This year's INSET on SEND, held on the first day of the school year, everyone present."""
    first = (
        Term.objects.filter(
            school=school, academic_year__starts_on__lte=today, academic_year__ends_on__gte=today
        )
        .order_by("starts_on")
        .first()
    )
    if first is None:
        return 0
    held_on = first.starts_on
    session = Session.objects.create(
        school=school,
        course=course,
        on=held_on,
        hours=Decimal("1.5"),
        provider="Priya Shah (SENCO)",
        whole_staff=True,
        created_by=by,
    )
    present = StaffMember.objects.filter(school=school, left_on__isnull=True)
    Completion.objects.bulk_create(
        Completion(
            school=school,
            person=person,
            course=course,
            completed_on=held_on,
            provider=session.provider,
            hours=session.hours,
            session=session,
            recorded_by=by,
        )
        for person in present
    )
    session.attendance_taken_at = session.created_at
    session.save(update_fields=["attendance_taken_at"])
    return 1 + present.count()


def seed_lead_training(*, school: School, today: date, lead: User) -> int:
    """The trust's SEND lead, on the staff of the school their membership is at: a SENCO for
    years, with the NASENCO and autism training. Idempotent."""
    person = _person(school, lead)
    if person.completions.exists():
        return 0
    person.job_title = "Trust SEND lead"
    person.save()
    course = {c.name: c for c in Course.objects.filter(school=school)}
    Completion.objects.bulk_create(
        Completion(
            school=school,
            person=person,
            course=course[name],
            started_on=started_on,
            completed_on=completed_on,
            provider=provider,
            hours=course[name].usual_hours,
        )
        for name, started_on, completed_on, provider in (
            (
                "National Award for SEN Coordination (NASENCO)",
                date(2014, 9, 1),
                date(2015, 7, 10),
                "Bath Spa University",
            ),
            (
                "Autism Education Trust: Good Autism Practice",
                None,
                rules.add_months(today, -8),
                "Autism Education Trust",
            ),
        )
    )
    return 2
