"""School-scoped reads of the ground floor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from uuid import UUID

from django.db import connection, models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .audit_words import ACTION_WORDS
from .models import AcademicYear, AuditEvent, ClosureDay, Membership, Role, School, Term, User

T = TypeVar("T")


def unique_row(rows: QuerySet[T]) -> T | None:
    """The one row a unique condition finds (a public id, a slug, a one-to-one link), or None:
    `.first()` without its ORDER BY. Sorting one row is wasted work, for the database and more
    for the ORM, which checks the ordering against every selected column (about 0.2 ms of a
    lookup that otherwise takes 1). Only for a condition that cannot match two rows."""
    return next(iter(rows.order_by()[:1]), None)


def all_but(path: str, model: type[models.Model], keep: tuple[str, ...] = ()) -> list[str]:
    """For `defer`: the columns of a `model` joined at `path` (select_related) other than its
    id and `keep`. A page that shows only a few fields of a joined row then neither reads nor
    builds the rest (each column selected costs the ORM time to compile and to load)."""
    return [
        f"{path}__{field.name}"
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in keep
    ]


def only_name(path: str) -> list[str]:
    """For `defer`: a person joined at `path` read for their name alone (not their password
    hash, email or flags)."""
    return all_but(path, User, keep=("full_name",))


def staff_for_school(*, school: School, include_ended: bool = False) -> QuerySet[Membership]:
    memberships = Membership.objects.for_school(school).select_related("user", "invited_by")
    if not include_ended:
        memberships = memberships.filter(ended_at__isnull=True)
    return memberships.order_by("ended_at", "user__full_name")


def membership_in_school(*, school: School, public_id) -> Membership | None:
    return (
        Membership.objects.for_school(school)
        .select_related("user", "school")
        .filter(public_id=public_id)
        .first()
    )


def staff_counts(*, school: School) -> dict[str, int]:
    """Active staff of the school: the total and how many hold each role."""
    return (
        Membership.objects.for_school(school)
        .filter(ended_at__isnull=True, user__is_active=True)
        .aggregate(
            total=Count("pk"),
            **{role.value: Count("pk", filter=Q(role=role)) for role in Role},
        )
    )


def audit_for_school(
    *,
    school: School,
    person: User | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    pupil: UUID | None = None,
) -> QuerySet[AuditEvent]:
    """The school's whole audit log, newest first, narrowed by person, action, dates and pupil if
    given (for reading it all; the page reads one `audit_page` at a time). An event is about a
    pupil when it names them as its subject (`pupil_public_id`) or among the pupils a page showed
    (`detail["pupils"]`, noted by lists such as home or a group): who has looked at this child's
    record."""
    events = AuditEvent.objects.for_school(school).select_related("actor")
    return _narrowed(
        events, person=person, action=action, date_from=date_from, date_to=date_to, pupil=pupil
    )


AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Cursor:
    """Where a page of the audit log ends: the (created_at, id) of its edge row. The next page
    starts just beyond it, so no page counts or skips the rows before it."""

    created_at: datetime
    id: int

    def __str__(self) -> str:
        return f"{self.created_at.isoformat()}~{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """The cursor a link carried; ValueError if it is not one."""
        when, _, pk = text.partition("~")
        at = datetime.fromisoformat(when)
        if at.tzinfo is None:
            raise ValueError("a cursor's time carries its offset")
        return cls(created_at=at, id=int(pk))

    @classmethod
    def of(cls, event: AuditEvent) -> Cursor:
        return cls(created_at=event.created_at, id=event.pk)


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first, and the cursors of the links beside it (None: no
    such rows)."""

    events: list[AuditEvent]
    newer: Cursor | None
    older: Cursor | None

    def __iter__(self):
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)


def audit_page(
    *,
    school: School,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
    size: int = AUDIT_PAGE_SIZE,
    **filters,
) -> AuditPage:
    """The page of the school's log just older than `older_than` (or just newer than
    `newer_than`; the newest page if neither), narrowed by `filters` as in `audit_for_school`.

    Two reads of `size + 1` rows at most, whatever the history's length: the school's own events,
    walking the index that matches the filter; then its staff's events of no school (sign-ins),
    only as far back as the first read reached, so they too stay a short walk. No count."""
    older = newer_than is None
    edge = older_than if older else newer_than
    own = _narrowed(AuditEvent.objects.filter(school=school), **filters)
    first = _walk(own, edge=edge, older=older, limit=size + 1)
    reach = Cursor.of(first[-1]) if len(first) > size else None
    theirs = _narrowed(AuditEvent.objects.schoolless_of_staff(school), **filters)
    second = _walk(theirs, edge=edge, older=older, limit=size + 1, reach=reach)
    rows = sorted(first + second, key=lambda e: (e.created_at, e.pk), reverse=older)
    more, rows = len(rows) > size, rows[:size]
    if not older:
        rows.reverse()
    has_newer, has_older = (edge is not None, more) if older else (more, True)
    return AuditPage(
        events=rows,
        newer=Cursor.of(rows[0]) if rows and has_newer else None,
        older=Cursor.of(rows[-1]) if rows and has_older else None,
    )


def _walk(
    events: QuerySet[AuditEvent],
    *,
    edge: Cursor | None,
    older: bool,
    limit: int,
    reach: Cursor | None = None,
) -> list[AuditEvent]:
    """Up to `limit` events just beyond `edge` in the direction asked, not beyond `reach`. The
    redundant `created_at` bound lets the database start its index walk at the edge."""
    if edge is not None:
        at, pk = edge.created_at, edge.id
        if older:
            events = events.filter(
                Q(created_at__lt=at) | Q(created_at=at, id__lt=pk), created_at__lte=at
            )
        else:
            events = events.filter(
                Q(created_at__gt=at) | Q(created_at=at, id__gt=pk), created_at__gte=at
            )
    if reach is not None:
        bound = "created_at__gte" if older else "created_at__lte"
        events = events.filter(**{bound: reach.created_at})
    order = ("-created_at", "-id") if older else ("created_at", "id")
    return list(events.select_related("actor").order_by(*order)[:limit])


def _narrowed(
    events: QuerySet[AuditEvent],
    *,
    person: User | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    pupil: UUID | None = None,
) -> QuerySet[AuditEvent]:
    """The filters, each a condition an index leads with after the school. Dates are compared
    as times (midnight, Europe/London), not by casting every row's time to a date."""
    if pupil:
        events = events.filter(_about(pupil))
    if person:
        events = events.filter(actor=person)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(created_at__gte=_midnight(date_from))
    if date_to:
        events = events.filter(created_at__lt=_midnight(date_to + timedelta(days=1)))
    return events


def _about(pupil: UUID) -> Q:
    """Events about the pupil: their subject, or among the pupils a page showed. PostgreSQL
    answers the second by JSON containment, which its GIN index serves (migration 0006);
    SQLite (development) has no containment on JSON, so it searches the text."""
    shown = str(pupil)
    if connection.vendor == "postgresql":
        return Q(pupil_public_id=pupil) | Q(detail__pupils__contains=[shown])
    return Q(pupil_public_id=pupil) | Q(detail__pupils__icontains=shown)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_subject(*, events, pupil: UUID | None) -> str:
    """The pupil's name as the events on the page recorded it (no query: the register is a
    floor above), or empty."""
    if not pupil:
        return ""
    named = (e.object_repr for e in events if e.object_id == str(pupil) and e.object_repr)
    return next(named, "")


def audit_actions() -> list[str]:
    """The actions the log can hold: those with words (staff/audit_words.py, which a test keeps
    complete), so the filter needs no read of the log."""
    return sorted(ACTION_WORDS)


def years_from(*, school: School, on: date) -> list[AcademicYear]:
    """The academic years not yet over on `on` (this year and those to come), with their terms;
    past years stay in the database."""
    return list(
        AcademicYear.objects.filter(school=school, ends_on__gte=on)
        .prefetch_related("terms")
        .order_by("starts_on")
    )


def closures_from(*, school: School, on: date) -> list[ClosureDay]:
    """Closure days from 1 January of `on`'s year."""
    return list(ClosureDay.objects.filter(school=school, on__gte=on.replace(month=1, day=1)))


def term_for(*, school: School, pk: int) -> Term | None:
    return Term.objects.select_related("academic_year").filter(school=school, pk=pk).first()


def closure_for(*, school: School, pk: int) -> ClosureDay | None:
    return ClosureDay.objects.filter(school=school, pk=pk).first()
