"""Pupils and their periods for tests. UPNs are valid (right check letter)."""

from __future__ import annotations

import itertools
from datetime import date

from register.models import Need, NeedType, Pupil, SenStatus, TeachingGroup
from register.upn import check_letter
from staff.models import AcademicYear

_serial = itertools.count(1)


def valid_upn(n: int | None = None) -> str:
    rest = f"{820200100000 + (n if n is not None else next(_serial)):012d}"
    return check_letter(rest) + rest


def make_pupil(school, **fields) -> Pupil:
    n = next(_serial)
    defaults = {
        "upn": valid_upn(n),
        "legal_first_name": f"Pupil{n}",
        "legal_last_name": f"Test{n}",
        "date_of_birth": date(2017, 5, 1),
        "sex": "F",
        "year_group": "3",
        "admission_date": date(2021, 9, 1),
    }
    return Pupil.objects.create(school=school, **{**defaults, **fields})


def put_on(pupil, category: str, starts_on: date, *needs: str, ends_on=None) -> SenStatus:
    status = SenStatus.objects.create(
        school=pupil.school,
        pupil=pupil,
        category=category,
        starts_on=starts_on,
        ends_on=ends_on,
        reason="test",
    )
    for rank, code in enumerate(needs, start=1):
        Need.objects.create(
            school=pupil.school,
            pupil=pupil,
            rank=rank,
            starts_on=starts_on,
            ends_on=ends_on,
            need_type=NeedType.objects.get(code=code),
        )
    return status


def class_of(school, name, *, teachers=(), assistants=(), pupils=(), year=None):
    year = year or AcademicYear.objects.filter(school=school).order_by("starts_on").last()
    group = TeachingGroup.objects.create(school=school, academic_year=year, name=name)
    group.teachers.add(*teachers)
    group.assistants.add(*assistants)
    group.pupils.add(*pupils)
    return group
