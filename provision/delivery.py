"""Delivery read from the session logs: the sessions a pupil should have had in some groups, how
many ran and how many the pupil attended, for any window of dates. Support plans read a
cycle's Do section from it, EHC plans the delivery of section F."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from register.models import Pupil
from staff import calendar as school_calendar
from staff.models import School

from .models import Attendance, Group, GroupPupil, Session
from .rules import planned_sessions


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
