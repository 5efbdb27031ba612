"""The register list, asked of the database directly: which rows a filter keeps, their order,
the counts above the table; and the pupil page's chronology (register.rules)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace as Row

import pytest

from register.models import LookedAfterPeriod, PupilPremiumPeriod
from register.rules import chronology
from register.selectors import register_list
from staff import calendar as school_calendar
from staff.tenancy import Access
from tests.conftest import shared_acorn_fixtures
from tests.register.factories import class_of, make_pupil, put_on
from tests.register.test_rules import FSM_EVER_6_CASES

ON = date(2026, 11, 25)


def build_register(acorn: dict) -> dict:
    """Four pupils of Acorn on 25 November 2026: Adams (K, SLCN, class 1, free school meals),
    Bell (E, ASD, Y6, looked after), Cole (no SEN, classes 1 and 2, EAL) and Dunn (K, SEMH,
    Y6, known as Zee), and Ezra, who left in the summer."""
    school = acorn["school"]
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    adams = make_pupil(school, legal_last_name="Adams", legal_first_name="Ann", year_group="4")
    bell = make_pupil(school, legal_last_name="Bell", legal_first_name="Bo", year_group="6")
    cole = make_pupil(
        school, legal_last_name="cole", legal_first_name="Cy", year_group="4", eal=True
    )
    dunn = make_pupil(
        school,
        legal_last_name="Dunn",
        legal_first_name="Zed",
        preferred_first_name="Zee",
        year_group="6",
        upn="A123456789012",
    )
    gone = make_pupil(
        school, legal_last_name="Ezra", year_group="4", leaving_date=date(2026, 7, 20)
    )
    put_on(adams, "K", date(2025, 1, 6), "SLCN")
    put_on(bell, "E", date(2025, 1, 6), "ASD")
    put_on(dunn, "K", date(2025, 1, 6), "SEMH")
    put_on(gone, "K", date(2025, 1, 6), "MLD")
    PupilPremiumPeriod.objects.create(
        school=school, pupil=adams, kind="fsm", starts_on=date(2021, 9, 1), ends_on=date(2022, 7, 1)
    )
    LookedAfterPeriod.objects.create(
        school=school, pupil=bell, starts_on=date(2024, 4, 1), responsible_la="Kent"
    )
    one = class_of(school, "4A", pupils=[adams, cole], year=year)
    two = class_of(school, "4B", pupils=[cole], year=year)
    return {"groups": {"1": str(one.pk), "2": str(two.pk)}}


globals().update(shared_acorn_fixtures(build_register, "sendco"))


def _register(sendco, school, filters=None, search="", sort="name") -> list[str]:
    found = register_list(
        access=Access(user=sendco, school=school, role="sendco", membership=None),
        on=ON,
        filters=filters or {},
        search=search,
        sort=sort,
    )
    return [p.legal_last_name.title() for p in found.rows]


@pytest.mark.parametrize(
    ("filters", "search", "kept"),
    [
        ({}, "", ["Adams", "Bell", "Dunn"]),  # the default: on the register (K or E)
        ({"status": "sen"}, "", ["Adams", "Bell", "Dunn"]),
        ({"status": "K"}, "", ["Adams", "Dunn"]),
        ({"status": "E"}, "", ["Bell"]),
        ({"status": "all"}, "", ["Adams", "Bell", "Cole", "Dunn"]),  # Ezra has left
        ({"status": "all", "year": "6"}, "", ["Bell", "Dunn"]),
        ({"status": "all", "group": "1"}, "", ["Adams", "Cole"]),
        ({"status": "all", "group": "2"}, "", ["Cole"]),
        ({"need": "ASD"}, "", ["Bell"]),
        ({"area": "ci"}, "", ["Adams", "Bell"]),
        ({"status": "all", "pp": True}, "", ["Adams"]),  # FSM four years ago: Ever 6
        ({"status": "all", "lac": True}, "", ["Bell"]),
        ({"status": "all", "eal": True}, "", ["Cole"]),
        ({}, "  zee ", ["Dunn"]),  # the name a pupil is known by, trimmed, on the register or not
        ({}, "zee dunn", ["Dunn"]),  # first name and surname as known
        ({"status": "all"}, "a1234567", ["Dunn"]),  # the UPN, in any case
        ({}, "COLE", ["Cole"]),  # a search with no status looks through everyone
        ({"status": "K"}, "bell", []),  # the search works inside the filters
    ],
)
def test_register_filter(sendco, school, world, filters, search, kept):
    for name, pk in world["groups"].items():
        if filters.get("group") == name:
            filters = {**filters, "group": pk}
    assert _register(sendco, school, filters, search) == kept


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["Adams", "Bell", "Cole", "Dunn"]),  # in any case
        ("year", ["Adams", "Cole", "Bell", "Dunn"]),
        ("status", ["Bell", "Adams", "Dunn", "Cole"]),  # E, then K, then the rest
        ("need", ["Bell", "Dunn", "Adams", "Cole"]),  # no need last
        ("nonsense", ["Adams", "Bell", "Cole", "Dunn"]),  # an unknown column sorts by name
    ],
)
def test_register_sort(sendco, school, world, sort, order):
    assert _register(sendco, school, {"status": "all"}, sort=sort) == order


def test_register_counts_are_of_every_pupil_on_roll_before_the_filters(sendco, school, world):
    found = register_list(
        access=Access(user=sendco, school=school, role="sendco", membership=None),
        on=ON,
        filters={"status": "E"},
    )
    assert found.counts == {"all": 4, "K": 2, "E": 1}


@pytest.mark.parametrize(("periods", "on", "ever6"), FSM_EVER_6_CASES)
def test_the_pupil_premium_filter_follows_the_fsm_ever_6_rule(
    sendco, school, world, periods, on, ever6
):
    pupil = make_pupil(school, legal_last_name="Fenwick", admission_date=date(2018, 9, 1))
    for starts_on, ends_on in periods:
        PupilPremiumPeriod.objects.create(
            school=school, pupil=pupil, kind="fsm", starts_on=starts_on, ends_on=ends_on
        )
    found = register_list(
        access=Access(user=sendco, school=school, role="sendco", membership=None),
        on=on,
        filters={"status": "all", "pp": True},
        search="fenwick",
    )
    assert bool(found.rows) is ever6


def test_a_past_date_shows_the_register_as_it_was(sendco, school, world):
    found = register_list(
        access=Access(user=sendco, school=school, role="sendco", membership=None),
        on=date(2026, 6, 1),
        filters={},
    )
    assert [p.legal_last_name for p in found.rows] == ["Adams", "Bell", "Dunn", "Ezra"]


def test_chronology_is_latest_first_across_kinds():
    record = {
        "statuses": [Row(starts_on=date(2025, 1, 6))],
        "needs": [Row(starts_on=date(2025, 3, 1))],
        "concerns": [Row(raised_on=date(2024, 11, 2))],
        "passports": [Row(created_at=datetime(2025, 2, 1, 9, 30, tzinfo=UTC))],
    }
    assert [(on, kind) for on, kind, _ in chronology(record)] == [
        (date(2025, 3, 1), "need"),
        (date(2025, 2, 1), "passport"),
        (date(2025, 1, 6), "status"),
        (date(2024, 11, 2), "concern"),
    ]
