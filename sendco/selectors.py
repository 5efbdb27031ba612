"""Reads of the top floor: a person's notifications (with the names of pupils they may still
see), and the schools of a trust for its dashboard."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Case, Count, F, Q, QuerySet, When

from register.selectors import pupils_visible_to
from staff.models import School, Trust, User
from staff.tenancy import access_for

from .models import Notification
from .reminders import threshold_label


def subject_names(*, user: User, notes: list[Notification], on: date) -> dict[tuple[int, str], str]:
    """Pupil names for the notifications' subjects, only where the reader may see the pupil:
    one query per school among the notifications (a person has one or a few)."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for note in notes:
        wanted[note.school_id].add(note.subject_id)
    schools = {s.pk: s for s in School.objects.filter(pk__in=list(wanted))}
    names = {}
    for school_id, ids in wanted.items():
        access = access_for(user, schools[school_id])
        if access is None:
            continue
        for pupil in pupils_visible_to(access=access, on=on).filter(
            public_id__in=[i for i in ids if len(i) == 36]
        ):
            names[(school_id, str(pupil.public_id))] = pupil.name
    return names


def notification_centre(*, user: User, on: date, limit: int) -> dict:
    """The person's latest `limit` notifications, unread first (overdue, then the soonest due),
    each with its pupil's name (if
    they may still see the pupil), when it was for, and whether it is overdue on `on`."""
    notes = list(
        Notification.objects.filter(user=user)
        .select_related("school")
        # Unread first on every database (PostgreSQL sorts NULLs last); among them the earliest
        # due first, so the overdue lead and "in 8 weeks" comes last; then the latest read.
        .order_by(
            F("read_at").desc(nulls_first=True),
            Case(When(read_at__isnull=True, then=F("due"))).asc(nulls_last=True),
            "-created_at",
        )[:limit]
    )
    names = subject_names(user=user, notes=notes, on=on)
    for note in notes:
        note.subject_name = names.get((note.school_id, note.subject_id))
        note.when = threshold_label(note.threshold)
        note.overdue = note.due < on
    return {
        "unread": [n for n in notes if n.read_at is None],
        "read": [n for n in notes if n.read_at is not None],
        "several_schools": len({n.school_id for n in notes}) > 1,
    }


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_of(*, user: User, pk: int) -> Notification | None:
    """One of the person's own notifications (anyone else's is None, like a missing one)."""
    return Notification.objects.filter(user=user, pk=pk).first()


def trust_schools(*, trust: Trust) -> QuerySet[School]:
    """The trust's schools with their number of active staff."""
    return (
        School.objects.filter(trust=trust)
        .annotate(
            staff=Count(
                "memberships",
                filter=Q(memberships__ended_at__isnull=True, memberships__user__is_active=True),
            )
        )
        .order_by("name")
    )
