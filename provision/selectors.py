"""School-scoped reads of the provision map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from register.models import Pupil
from register.selectors import pupils_visible_to
from staff import calendar as school_calendar
from staff.capabilities import Cap, Reach, group_reach
from staff.models import School
from staff.selectors import unique_row
from staff.tenancy import Access

from .models import Attendance, Group, GroupPupil, Session
from .rules import (
    absent_without_reason,
    attendance_marks,
    planned_sessions,
    rate,
    sessions_delivered,
)


def _active_places(on: date) -> QuerySet[GroupPupil]:
    return (
        GroupPupil.objects.filter(joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name")
    )


def groups_visible_to(*, access: Access, on: date) -> QuerySet[Group]:
    """The SENDCo, trust lead and head see every group; a teacher the groups they run or that
    hold a pupil of their classes; a TA the groups they run."""
    groups = Group.objects.filter(school=access.school)
    reach = group_reach(access.role)
    if reach == Reach.SCHOOL:
        return groups
    # Conditions on each group (EXISTS), not joins: a join to the group's staff gave a row per
    # member, and the DISTINCT that removed them compared every column of every group.
    runs = Exists(Group.staff.through.objects.filter(group=OuterRef("pk"), user=access.user))
    if reach == Reach.RUN_OR_PUPILS:
        mine = pupils_visible_to(access=access, on=on).filter(group_places__group=OuterRef("pk"))
        return groups.filter(Q(runs) | Q(Exists(mine)))
    if reach == Reach.RUN:
        return groups.filter(runs)
    return groups.none()


def group_for(*, access: Access, public_id, on: date) -> Group | None:
    group = unique_row(
        groups_visible_to(access=access, on=on)
        .filter(public_id=public_id)
        .select_related("intervention", "intervention__measure", "rate")
        .prefetch_related("staff")
    )
    if group is not None:
        group.school = access.school  # found among the school's groups: not read again
    return group


def runs_group(*, access: Access, group: Group) -> bool:
    """Whether this person may log the group's sessions."""
    if access.can(Cap.SESSION_LOG_ANY):
        return True
    return any(member.pk == access.user.pk for member in group.staff.all())


def my_groups_today(*, access: Access, today: date) -> list[Group]:
    """The running groups this person runs that meet today, with today's pupils and any
    session already logged today (a constant number of queries)."""
    groups = (
        Group.objects.filter(
            school=access.school,
            staff=access.user,
            status=Group.Status.RUNNING,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .select_related("intervention")
        .prefetch_related(
            Prefetch("places", _active_places(today), to_attr="places_today"),
            Prefetch(
                "sessions",
                Session.objects.filter(on=today).prefetch_related("attendance"),
                to_attr="sessions_today",
            ),
        )
        .order_by("time", "name")
    )  # one row a group: a person is on a group's staff once (the link's unique pair)
    return [g for g in groups if not g.weekdays or today.weekday() in g.weekdays]


@dataclass
class CardRow:
    """One pupil on a session card: whether they came, why not, the note, and whether the last
    attempt to save left them absent without a reason."""

    place: GroupPupil
    came: bool = True
    reason: str = ""
    note: str = ""
    needs_reason: bool = False

    @property
    def pupil(self) -> Pupil:
        return self.place.pupil


@dataclass
class SessionCard:
    """A group's card for logging today's session ("My groups today" and a TA's or teacher's
    home): everything `provision/_session_card.html` reads, as `card`."""

    group: Group
    rows: list[CardRow]
    logged: Session | None  # today's session, when already logged
    ran: bool = True
    not_run_reason: str = ""
    message: str = ""  # after a save: what happened
    error: str = ""  # after a refused save: why
    absence_reasons: ClassVar = Attendance.Absence.choices
    not_run_reasons: ClassVar = Session.NotRun.choices


def session_card(group: Group, *, posted: dict | None = None) -> SessionCard:
    """The card of a group from `my_groups_today`: as logged today (or everyone here when not
    logged yet), or as `posted` (the form's values after a refused save, so nothing typed is
    lost, with the pupils still needing a reason marked)."""
    logged = group.sessions_today[0] if group.sessions_today else None
    marks = {a.pupil_id: a for a in logged.attendance.all()} if logged else {}
    rows = []
    for place in group.places_today:
        mark = marks.get(place.pupil_id)
        rows.append(
            CardRow(
                place=place,
                came=mark.present if mark else True,
                reason=mark.absence_reason if mark else "",
                note=mark.note if mark else "",
            )
        )
    card = SessionCard(
        group=group,
        rows=rows,
        logged=logged,
        ran=logged.ran if logged else True,
        not_run_reason=logged.not_run_reason if logged else "",
    )
    if posted is not None:
        found = attendance_marks(
            pupil_ids=[r.place.pupil_id for r in rows],
            present=posted.get("present") or set(),
            reasons=posted.get("absence_reasons") or {},
        )
        missing = set(absent_without_reason(found)) if posted.get("ran", True) else set()
        for row in rows:
            row.came, row.reason = found[row.place.pupil_id]
            row.note = (posted.get("notes") or {}).get(row.place.pupil_id, "")
            row.needs_reason = row.place.pupil_id in missing
        card.ran = posted.get("ran", True)
        card.not_run_reason = posted.get("not_run_reason", "")
    return card


def session_cards_today(*, access: Access, today: date) -> list[SessionCard]:
    """The cards of the groups this person runs that meet today, by time then name: what
    "My groups today" shows, and a TA's or teacher's home first of all (a constant number of
    queries, whatever the number of groups and pupils)."""
    return [session_card(g) for g in my_groups_today(access=access, today=today)]


def card_pupils(cards: list[SessionCard]) -> list[str]:
    """The public ids of the pupils the cards show, for the audit event of the page."""
    return sorted({str(row.place.pupil.public_id) for card in cards for row in card.rows})


def sees_every_pupil_of(*, access: Access, group: Group) -> bool:
    """Whether this person sees every pupil of a group: the whole school's groups are theirs,
    or they run it. A teacher who may open a group because it holds a pupil of their class sees
    only the pupils they may see."""
    return group_reach(access.role) == Reach.SCHOOL or any(
        member.pk == access.user.pk for member in group.staff.all()
    )


def group_page(*, access: Access, group: Group, on: date) -> dict:
    """A group's pupils, its sessions with attendance, in a constant number of queries. For a
    person who does not see every pupil of the group, only the pupils they may see: their rows,
    and sessions' attendance counted over them alone; the others are only a number."""
    places = GroupPupil.objects.filter(group=group)
    attendance = Attendance.objects.all()
    if not sees_every_pupil_of(access=access, group=group):
        theirs = pupils_visible_to(access=access, on=on)
        hidden = places.exclude(pupil__in=theirs).values("pupil").distinct().count()
        places = places.filter(pupil__in=theirs)
        attendance = attendance.filter(pupil__in=theirs)
    else:
        hidden = 0
    places = list(
        places.select_related("pupil").order_by("pupil__legal_last_name", "pupil__legal_first_name")
    )
    sessions = list(
        Session.objects.filter(group=group)
        .select_related("logged_by")
        .prefetch_related(Prefetch("attendance", attendance))
        .order_by("-on")
    )
    attended: dict[int, int] = {}
    expected: dict[int, int] = {}
    for session in sessions:
        marks = list(session.attendance.all())
        session.present_count = sum(1 for a in marks if a.present)
        session.expected_count = len(marks)
        for mark in marks:
            expected[mark.pupil_id] = expected.get(mark.pupil_id, 0) + 1
            attended[mark.pupil_id] = attended.get(mark.pupil_id, 0) + mark.present
    for place in places:
        place.sessions_expected = expected.get(place.pupil_id, 0)
        place.sessions_attended = attended.get(place.pupil_id, 0)
    run = [s for s in sessions if s.ran]
    end = min(on, group.ends_on)
    open_days = (
        school_calendar.school_days(school=group.school, start=group.starts_on, end=end)
        if end >= group.starts_on
        else []
    )
    plan = {"weekdays": group.weekdays, "sessions_per_week": group.sessions_per_week}
    delivered = sessions_delivered(run_on=[s.on for s in run], open_days=open_days, **plan)
    delivery = {
        "planned": planned_sessions(open_days=open_days, **plan),
        "run": delivered,
        "extra": len(run) - delivered,
        "not_run": len(sessions) - len(run),
        "attendance_rate": rate(
            sum(s.present_count for s in run), sum(s.expected_count for s in run)
        ),
    }
    return {
        "places": places,
        "other_pupils": hidden,
        "sessions": sessions,
        "delivery": delivery,
        "places_today": [
            p for p in places if p.joined_on <= on and (p.left_on is None or p.left_on >= on)
        ],
    }


def target_group_choices(*, school: School, pupil: Pupil, keep: list[int]) -> QuerySet[Group]:
    """The groups a support plan target or an EHC plan's section F item can be linked to: the
    school's planned and running groups, the pupil's own first, plus the ones it is linked to
    already (`keep`) even when they have ended, so saving never unlinks them silently."""
    return (
        Group.objects.filter(school=school)
        .filter(~Q(status=Group.Status.ENDED) | Q(pk__in=keep))
        .select_related("intervention")
        .annotate(has_pupil=Count("places", filter=Q(places__pupil=pupil)))
        .order_by("-has_pupil", "name")
    )
