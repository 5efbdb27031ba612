"""The register list's rules, called directly: which rows a filter keeps, their order, the
counts above the table and the pupil page's chronology (register.rules)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace as Row

import pytest

from register.rules import chronology, register_counts, register_filter, register_sort


def row(last, first="A", *, category="N", year="Y4", order=5, need=None, area="", **flags):
    return Row(
        legal_last_name=last,
        legal_first_name=first,
        name=f"{flags.pop('known_as', first)} {last}",
        upn=flags.pop("upn", f"UPN{last.upper()}"),
        category=category,
        year_group=year,
        year_order=order,
        primary_need=Row(code=need, broad_area=area) if need else None,
        groups_on=[Row(pk=pk) for pk in flags.pop("groups", [])],
        pupil_premium=flags.pop("pp", False),
        looked_after=flags.pop("lac", False),
        eal=flags.pop("eal", False),
    )


ROWS = [
    row("Adams", category="K", need="SLCN", area="CI", groups=[1], pp=True),
    row("Bell", category="E", year="Y6", order=7, need="ASD", area="CI", lac=True),
    row("Cole", category="N", groups=[1, 2], eal=True),
    row("Dunn", "Zed", category="K", year="Y6", order=7, need="SEMH", area="SEMH", known_as="Zee"),
]


def lasts(rows):
    return [r.legal_last_name for r in rows]


@pytest.mark.parametrize(
    ("filters", "search", "kept"),
    [
        ({}, "", ["Adams", "Bell", "Dunn"]),  # the default: on the register (K or E)
        ({"status": "sen"}, "", ["Adams", "Bell", "Dunn"]),
        ({"status": "K"}, "", ["Adams", "Dunn"]),
        ({"status": "E"}, "", ["Bell"]),
        ({"status": "all"}, "", ["Adams", "Bell", "Cole", "Dunn"]),
        ({"status": "all", "year": "Y6"}, "", ["Bell", "Dunn"]),
        ({"status": "all", "group": "1"}, "", ["Adams", "Cole"]),
        ({"status": "all", "group": "2"}, "", ["Cole"]),
        ({"need": "ASD"}, "", ["Bell"]),
        ({"area": "CI"}, "", ["Adams", "Bell"]),
        ({"status": "all", "pp": True}, "", ["Adams"]),
        ({"status": "all", "lac": True}, "", ["Bell"]),
        ({"status": "all", "eal": True}, "", ["Cole"]),
        ({"status": "all"}, "  zee ", ["Dunn"]),  # the name a pupil is known by, trimmed
        ({"status": "all"}, "upncole", ["Cole"]),  # the UPN, in any case
        ({"status": "K"}, "bell", []),  # the search works inside the filters
    ],
)
def test_register_filter(filters, search, kept):
    assert lasts(register_filter(ROWS, filters, search=search)) == kept


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["Adams", "Bell", "Cole", "Dunn"]),
        ("year", ["Adams", "Cole", "Bell", "Dunn"]),
        ("status", ["Bell", "Adams", "Dunn", "Cole"]),  # E, then K, then the rest
        ("need", ["Bell", "Dunn", "Adams", "Cole"]),  # no need last
        ("nonsense", ["Adams", "Bell", "Cole", "Dunn"]),  # an unknown column sorts by name
    ],
)
def test_register_sort(sort, order):
    assert lasts(register_sort(list(reversed(ROWS)), sort)) == order


def test_register_counts_are_of_every_row_before_the_filters():
    assert register_counts(ROWS) == {"all": 4, "K": 2, "E": 1}


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
