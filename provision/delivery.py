"""Delivery read from the session logs: the sessions a pupil should have had in some groups, how
many ran and how many the pupil attended, for any window of dates. Support plans read a
cycle's Do section from it, EHC plans the delivery of section F."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from register.models import Pupil
from staff import calendar as school_calendar
from staff.models import School

from .models import Attendance, Group, GroupPupil, Session
from .rules import planned_sessions, week_of


@dataclass
class Delivery:
    group: Group
    planned: int  # sessions the pupil should have had in the window (while in the group)
    run: int  # sessions run in the window while the pupil was in the group
    attended: int  # of those, the pupil was there
    marked: int  # of those, the pupil was on the register

    @property
    def attendance_rate(self) -> int | None:
        return round(100 * self.attended / self.marked) if self.marked else None


class DeliveryReader:
    """Sessions planned, run and attended by one pupil in some groups, for any window of dates
    inside `start`..`end`; five queries, however many windows are asked for."""

    def __init__(
        self, *, school: School, pupil: Pupil, groups: list[Group], start: date, end: date
    ):
        self.groups = {g.pk: g for g in groups}
        self.places = {
            p.group_id: p
            for p in GroupPupil.objects.filter(pupil=pupil, group_id__in=list(self.groups))
        }
        self.open_days = (
            school_calendar.school_days(school=school, start=start, end=end) if groups else []
        )
        self.sessions: dict[int, list[date]] = defaultdict(list)
        for group_id, on in Session.objects.filter(
            group_id__in=list(self.groups), ran=True, on__range=(start, end)
        ).values_list("group_id", "on"):
            self.sessions[group_id].append(on)
        self.marks: dict[int, list[tuple[date, bool]]] = defaultdict(list)
        for group_id, on, present in Attendance.objects.filter(
            pupil=pupil,
            session__group_id__in=list(self.groups),
            session__ran=True,
            session__on__range=(start, end),
        ).values_list("session__group_id", "session__on", "present"):
            self.marks[group_id].append((on, present))

    @classmethod
    def from_rows(
        cls,
        *,
        groups: list[Group],
        places: dict[int, GroupPupil],
        open_days: list[date],
        sessions: dict[int, list[date]],
        marks: dict[int, list[tuple[date, bool]]],
    ) -> DeliveryReader:
        """A reader over rows already loaded (`readers_for` loads them for many pupils at once):
        the same `window`, no query."""
        reader = cls.__new__(cls)
        reader.groups = {g.pk: g for g in groups}
        reader.places = places
        reader.open_days = open_days
        reader.sessions = sessions
        reader.marks = marks
        return reader

    def window(self, group: Group, start: date, end: date) -> Delivery:
        place = self.places.get(group.pk)
        lo, hi = max(start, group.starts_on), min(end, group.ends_on)
        if place is not None:
            lo = max(lo, place.joined_on)
            hi = min(hi, place.left_on or hi)
        if place is None or hi < lo:
            return Delivery(group=group, planned=0, run=0, attended=0, marked=0)
        days = [d for d in self.open_days if lo <= d <= hi]
        marks = [(on, present) for on, present in self.marks[group.pk] if lo <= on <= hi]
        return Delivery(
            group=group,
            planned=planned_sessions(
                open_days=days, weekdays=group.weekdays, sessions_per_week=group.sessions_per_week
            ),
            run=sum(1 for on in self.sessions[group.pk] if lo <= on <= hi),
            attended=sum(1 for _, present in marks if present),
            marked=len(marks),
        )


def readers_for(
    *,
    school: School,
    wanted: dict[int, list[Group]],
    open_days: list[date],
    start: date,
    end: date,
) -> dict[int, DeliveryReader]:
    """A `DeliveryReader` for each pupil id of `wanted` over their groups, for windows inside
    `start`..`end`, for every pupil at once: three queries however many pupils (their places, the
    sessions run and the registers), so a school-wide check reads what one pupil's page reads.
    `open_days` are the school's open days over `start`..`end` (`SchoolCalendar.open_days`).
    Each query carries the school's condition first, so a trust's other schools are not read."""
    pupil_ids = [pupil_id for pupil_id, groups in wanted.items() if groups]
    group_ids = sorted({g.pk for pupil_id in pupil_ids for g in wanted[pupil_id]})
    places: dict[int, dict[int, GroupPupil]] = defaultdict(dict)
    sessions: dict[int, list[date]] = defaultdict(list)
    marks: dict[int, dict[int, list[tuple[date, bool]]]] = defaultdict(lambda: defaultdict(list))
    if pupil_ids:
        for place in GroupPupil.objects.filter(
            school=school, pupil_id__in=pupil_ids, group_id__in=group_ids
        ):
            places[place.pupil_id][place.group_id] = place
        for group_id, on in (
            Session.objects.filter(
                school=school, group_id__in=group_ids, ran=True, on__range=(start, end)
            )
            .order_by()
            .values_list("group_id", "on")
        ):
            sessions[group_id].append(on)
        for pupil_id, group_id, on, present in Attendance.objects.filter(
            school=school,
            pupil_id__in=pupil_ids,
            session__group_id__in=group_ids,
            session__ran=True,
            session__on__range=(start, end),
        ).values_list("pupil_id", "session__group_id", "session__on", "present"):
            marks[pupil_id][group_id].append((on, present))
    return {
        pupil_id: DeliveryReader.from_rows(
            groups=groups,
            places={g.pk: places[pupil_id][g.pk] for g in groups if g.pk in places[pupil_id]},
            open_days=open_days if groups else [],
            sessions=defaultdict(list, {g.pk: sessions[g.pk] for g in groups}),
            marks=defaultdict(list, marks[pupil_id]),
        )
        for pupil_id, groups in wanted.items()
    }


def below_since(*, open_days: list[date], today: date, below: Callable[[date], bool]) -> date:
    """When delivery that is below plan today fell below it and stayed there: the first school
    day of the earliest school week, walking back from this one, at whose end (its last open
    day) `below` still held. Stable from day to day while delivery stays below (a reminder is
    sent once), and found in as many checks as the weeks it has been below. `today` when there is
    no school day up to today."""
    weeks: dict[tuple[int, int], list[date]] = {}
    for day in open_days:
        if day <= today:
            weeks.setdefault(week_of(day), []).append(day)
    ordered = list(weeks.values())
    if not ordered:
        return today
    since = ordered[-1][0]  # this week (or the last with school days): below, as the caller found
    for days in reversed(ordered[:-1]):
        if not below(days[-1]):
            break
        since = days[0]
    return since
