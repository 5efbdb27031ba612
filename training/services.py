"""Writes for staff training: people without a login, a person's details and SENCO appointment,
a course completed (with its certificate), supervision attended, the catalogue, sessions planned
and their attendance. Each checks the school and audits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from staff.files import attached
from staff.services import audit_by
from staff.tenancy import Access

from . import catalogue
from .models import Completion, Course, Session, StaffMember, Supervision


def _here(access: Access, *records) -> None:
    for record in records:
        if record is not None and record.school_id != access.school.pk:
            raise ValidationError("This record is not in your school.")


def _not_future(day: date | None, today: date, field: str, what: str) -> None:
    if day is not None and day > today:
        raise ValidationError({field: f"{what} is still to come: record it once it has happened."})


@transaction.atomic
def person_add(*, access: Access, name: str, job_title: str = "", email: str = "") -> StaffMember:
    """A member of staff without a sendco login (a midday supervisor, a visiting specialist)."""
    email = email.strip()
    if email and StaffMember.objects.filter(school=access.school, email__iexact=email).exists():
        raise ValidationError({"email": "Someone on the staff list already has this email."})
    person = StaffMember(
        school=access.school, name=name.strip(), job_title=job_title.strip(), email=email
    )
    person.full_clean()
    person.save()
    audit_by(access, "training.person_added", person)
    return person


@transaction.atomic
def person_save(*, access: Access, person: StaffMember, today: date, **fields) -> StaffMember:
    """A person's name, job title, SENCO appointment and leaving date."""
    _here(access, person)
    _not_future(fields.get("senco_appointed_on"), today, "senco_appointed_on", "That day")
    for name, value in fields.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    person.full_clean()
    person.save()
    audit_by(access, "training.person_changed", person, fields=sorted(fields))
    return person


def _check_completion(*, course: Course, started_on, completed_on, today: date) -> None:
    _not_future(completed_on, today, "completed_on", "That day")
    _not_future(started_on, today, "started_on", "That day")
    if completed_on is None and not course.qualification:
        raise ValidationError(
            {
                "completed_on": "Give the day the course was completed (only a qualification "
                "can be recorded while it is under way)."
            }
        )
    if completed_on is None and started_on is None:
        raise ValidationError({"started_on": "Give the day the qualification was started."})
    if started_on and completed_on and started_on > completed_on:
        raise ValidationError({"completed_on": "A course cannot end before it started."})


@transaction.atomic
def completion_record(
    *,
    access: Access,
    person: StaffMember,
    course: Course,
    today: date,
    completed_on: date | None = None,
    started_on: date | None = None,
    provider: str = "",
    hours: Decimal | None = None,
    certificate=None,
    certificate_type: str = "",
    completion: Completion | None = None,
) -> Completion:
    """Record (or correct) a course a person completed, with its certificate (checked by the
    form: `staff.documents.check_upload`). A new certificate replaces the old once committed."""
    _here(access, person, course, completion)
    _check_completion(course=course, started_on=started_on, completed_on=completed_on, today=today)
    record = completion or Completion(school=access.school, recorded_by=access.user)
    record.person, record.course = person, course
    record.completed_on, record.started_on = completed_on, started_on
    record.provider = provider.strip()
    record.hours = hours if hours is not None else course.usual_hours
    with attached(record, certificate, certificate_type, field="certificate"):
        record.full_clean()
        record.save()
        audit_by(
            access,
            "training.completion_recorded" if completion is None else "training.completion_changed",
            record,
            person=str(person.public_id),
            course=course.pk,
            certificate=certificate is not None,
        )
    return record


@transaction.atomic
def supervision_record(
    *, access: Access, person: StaffMember, course: Course, on: date, today: date, supervisor=""
) -> Supervision:
    _here(access, person, course)
    _not_future(on, today, "on", "That day")
    if not course.supervision:
        raise ValidationError({"course": f"{course.name} does not need supervision."})
    record = Supervision(
        school=access.school,
        person=person,
        course=course,
        on=on,
        supervisor=supervisor.strip(),
        recorded_by=access.user,
    )
    record.full_clean()
    record.save()
    audit_by(access, "training.supervision_recorded", record, person=str(person.public_id))
    return record


@transaction.atomic
def course_save(*, access: Access, course: Course | None = None, **fields) -> Course:
    """Add a course to the catalogue or change one (archive it with `archived`)."""
    _here(access, course)
    archived = fields.pop("archived", None)
    course = course or Course(school=access.school)
    for name, value in fields.items():
        setattr(course, name, value.strip() if isinstance(value, str) else value)
    if archived is not None:
        course.archived_at = (course.archived_at or timezone.now()) if archived else None
    course.full_clean()
    course.save()
    audit_by(access, "training.course_saved", course)
    return course


@transaction.atomic
def common_courses_add(*, access: Access) -> int:
    """Add the common SEND courses the catalogue lacks (by name)."""
    added = catalogue.seed(course_model=Course, school_id=access.school.pk)
    audit_by(access, "training.courses_added", added=added)
    return added


@transaction.atomic
def session_plan(
    *,
    access: Access,
    course: Course,
    on: date,
    hours: Decimal,
    provider: str = "",
    whole_staff: bool = False,
    invited=(),
) -> Session:
    """Training planned: a whole-staff INSET session, or a course for the people invited."""
    invited = list(invited)
    _here(access, course, *invited)
    if not whole_staff and not invited:
        raise ValidationError(
            {"invited": "Choose who is to attend, or make it a whole-staff session."}
        )
    session = Session(
        school=access.school,
        course=course,
        on=on,
        hours=hours,
        provider=provider.strip(),
        whole_staff=whole_staff,
        created_by=access.user,
    )
    session.full_clean()
    session.save()
    session.invited.set(invited)
    audit_by(access, "training.session_planned", session, invited=len(invited))
    return session


@transaction.atomic
def attendance_take(*, access: Access, session: Session, present, today: date) -> tuple[int, int]:
    """Everyone present completed the session's course on its day: one record each, in one
    step. Taken again, it adds those newly ticked and removes those unticked. Returns (added,
    removed)."""
    present = list(present)
    _here(access, session, *present)
    _not_future(session.on, today, "present", "This session")
    session = Session.objects.select_for_update().get(pk=session.pk)
    had = dict(Completion.objects.filter(session=session).values_list("person_id", "pk"))
    ids = {p.pk for p in present}
    Completion.objects.bulk_create(
        Completion(
            school=access.school,
            person=person,
            course_id=session.course_id,
            completed_on=session.on,
            provider=session.provider,
            hours=session.hours,
            session=session,
            recorded_by=access.user,
        )
        for person in present
        if person.pk not in had
    )
    gone = [pk for person_id, pk in had.items() if person_id not in ids]
    Completion.objects.filter(pk__in=gone).delete()
    session.attendance_taken_at = timezone.now()
    session.save(update_fields=["attendance_taken_at"])
    added = len(ids - set(had))
    audit_by(access, "training.attendance_taken", session, present=len(ids), added=added)
    return added, len(gone)
