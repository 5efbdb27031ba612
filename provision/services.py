"""Writes of the provision map. Each checks its invariants and audits."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from staff import deadline_cache
from staff.bounds import free_text
from staff.capabilities import Cap
from staff.services import audit
from staff.tenancy import Access

from .models import Attendance, Group, Session
from .rules import absent_without_reason, attendance_marks, edit_window_days, may_correct_session


@transaction.atomic
def session_log(
    *,
    access: Access,
    group: Group,
    on: date,
    today: date,
    ran: bool = True,
    not_run_reason: str = "",
    present: set[int] | None = None,
    absence_reasons: dict[int, str] | None = None,
    notes: dict[int, str] | None = None,
    note: str = "",
) -> Session:
    """Log (or correct) the session of `group` on `on`: who attended, or why it did not run.

    `present` holds the ids of the pupils who came; every other pupil in the group that day is
    recorded absent, with the reason given. A pupil given a reason is absent, ticked or not
    (`rules.attendance_marks`); a pupil absent without a reason refuses the whole log, naming
    them (never a silent "Other"). A log can be corrected by its author for 7 days,
    and by the SENDCo at any time.
    """
    if group.school_id != access.school.pk:
        raise ValidationError("This group is not in your school.")
    if on > today:
        raise ValidationError({"on": "A session cannot be logged before it happens."})
    if not (group.starts_on <= on <= group.ends_on):
        raise ValidationError(
            {"on": f"The group runs from {group.starts_on:%d/%m/%Y} to {group.ends_on:%d/%m/%Y}."}
        )
    if not ran and not not_run_reason:
        raise ValidationError({"not_run_reason": "Say why the session did not run."})
    is_sendco = access.can(Cap.SESSION_LOG_ANY)

    session = Session.objects.select_for_update().filter(group=group, on=on).first()
    if session is not None:
        if not may_correct_session(
            logged_by_id=session.logged_by_id,
            logged_on=session.on,
            user_id=access.user.pk,
            is_sendco=is_sendco,
            today=today,
        ):
            raise PermissionDenied(
                f"This session was logged by someone else or more than {edit_window_days()} "
                "days ago: only the SENDCo can correct it."
            )
        action = "provision.session.corrected"
    else:
        session = Session(school=group.school, group=group, on=on, logged_by=access.user)
        action = "provision.session.logged"
    session.ran = ran
    session.not_run_reason = "" if ran else not_run_reason
    session.note = free_text(note, field="note")
    session.full_clean()
    session.save()

    session.attendance.all().delete()
    came = 0
    if ran:
        places = list(
            group.places.filter(joined_on__lte=on)
            .exclude(left_on__lt=on)
            .select_related("pupil")
            .order_by("pupil__legal_last_name", "pupil__legal_first_name")
        )
        present = present or set()
        if present - {p.pupil_id for p in places}:
            raise ValidationError("Some pupils ticked are not in this group.")
        marks = attendance_marks(
            pupil_ids=[p.pupil_id for p in places], present=present, reasons=absence_reasons or {}
        )
        missing = set(absent_without_reason(marks))
        if missing:
            names = [p.pupil.name for p in places if p.pupil_id in missing]
            raise ValidationError(
                {
                    "absence_reason": f"Choose why {_listed(names)} did not come (or mark "
                    "them as here if they came)."
                }
            )
        notes = notes or {}
        Attendance.objects.bulk_create(
            Attendance(
                school=group.school,
                session=session,
                pupil_id=pid,
                present=came_,
                absence_reason=reason,
                note=free_text(notes.get(pid) or "", field="note", limit=500),
            )
            for pid, (came_, reason) in marks.items()
        )
        deadline_cache.changed(group.school_id)  # bulk_create sends no signal
        came = sum(1 for came_, _ in marks.values() if came_)
    audit(
        action=action,
        actor=access.user,
        school=group.school,
        role=access.role,
        obj=session,
        detail={
            "group": str(group.public_id),
            "on": on.isoformat(),
            "ran": ran,
            "present": came,
        },
    )
    return session


def _listed(names: list[str]) -> str:
    """ "Amara", "Amara and Bilal", "Amara, Bilal and Chloe"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
