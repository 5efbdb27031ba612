"""The PEP date rules (DOMAIN.md 5.2), called directly with tables of cases: working days across
bank holidays, 10 or 20 days, each LA's termly timing, a move of school, a PEP held late."""

from __future__ import annotations

from datetime import date

import pytest

from lac.rules import (
    CarePeriod,
    PepKind,
    PepSettings,
    PepTiming,
    can_hold_together,
    care_episode_start,
    initial_pep_due,
    move_pep_due,
    next_pep,
    term_of,
    termly_due,
    terms_from_halves,
)
from staff.calendar import default_term_pattern

D = date


def _terms(*years: int):
    return terms_from_halves(
        (year, season, half, starts_on, ends_on)
        for year in years
        for season, half, starts_on, ends_on in default_term_pattern(academic_year_start=year)
    )


# Autumn 2025 .. Summer 2028 in the default English pattern, e.g. autumn 2026: 2 September to
# 18 December, first half to 23 October; spring 2027: 4 January to 19 March, first half to
# 12 February; spring 2028 (a leap year): 4 January to 7 April.
TERMS = _terms(2025, 2026, 2027)
BY_LABEL = {t.label: t for t in TERMS}

TERM = PepSettings(timing=PepTiming.TERM)
FIRST_HALF = PepSettings(timing=PepTiming.FIRST_HALF)
# One LA's 2025/26 dates from DOMAIN.md 5.2 (28 Nov 2025, 20 Mar 2026), and its autumn 2026 one.
FIXED = PepSettings(
    timing=PepTiming.FIXED, fixed_dates=(D(2025, 11, 28), D(2026, 3, 20), D(2026, 11, 27))
)
TWENTY = PepSettings(initial_working_days=20, move_working_days=20)


def test_terms_from_halves():
    assert [t.label for t in TERMS] == [
        "Autumn 2025",
        "Spring 2026",
        "Summer 2026",
        "Autumn 2026",
        "Spring 2027",
        "Summer 2027",
        "Autumn 2027",
        "Spring 2028",
        "Summer 2028",
    ]
    autumn = BY_LABEL["Autumn 2026"]
    assert (autumn.starts_on, autumn.first_half_ends_on, autumn.ends_on) == (
        D(2026, 9, 2),
        D(2026, 10, 23),
        D(2026, 12, 18),
    )


def test_a_term_with_one_half_entered_ends_its_first_half_on_its_last_day():
    [term] = terms_from_halves([(1, "spring", 2, D(2027, 2, 22), D(2027, 3, 19))])
    assert term.first_half_ends_on == term.ends_on == D(2027, 3, 19)


# --------------------------------------------------------------------------------------------------
# Working days: Monday to Friday less bank holidays, term time or not
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 11, 2), 10, D(2026, 11, 16)),  # two plain weeks
        (D(2026, 11, 2), 20, D(2026, 11, 30)),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April are not counted
        (D(2026, 3, 27), 10, D(2026, 4, 14)),
        (D(2026, 3, 27), 20, D(2026, 4, 28)),
        (D(2026, 3, 28), 10, D(2026, 4, 14)),  # entering care on a Saturday
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # the day before Good Friday: next is the Tuesday
        # Christmas 2026: 25 December (Friday), Boxing Day's substitute (Monday 28), New Year's Day
        (D(2026, 12, 14), 10, D(2026, 12, 30)),
        (D(2026, 12, 18), 10, D(2027, 1, 6)),
        (D(2026, 12, 18), 20, D(2027, 1, 20)),
        (D(2026, 4, 30), 10, D(2026, 5, 15)),  # the early May bank holiday, 4 May 2026
        # school holidays count: working days are not term time only
        (D(2026, 8, 3), 10, D(2026, 8, 17)),
        (D(2026, 8, 24), 10, D(2026, 9, 8)),  # the summer bank holiday, 31 August 2026
        # leap year: 29 February 2028 is a Tuesday and a working day
        (D(2028, 2, 25), 10, D(2028, 3, 10)),
        (D(2028, 2, 25), 20, D(2028, 3, 24)),
    ],
)
def test_first_pep_within_working_days(start, days, due):
    assert initial_pep_due(start, working_days=days) == due
    assert move_pep_due(start, working_days=days) == due


def test_defaults_are_ten_working_days():
    assert initial_pep_due(D(2026, 11, 2)) == move_pep_due(D(2026, 11, 2)) == D(2026, 11, 16)


# --------------------------------------------------------------------------------------------------
# Each term's PEP by the LA's timing
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "la", "due"),
    [
        ("Autumn 2026", TERM, D(2026, 12, 18)),  # the statutory minimum: the term's last day
        ("Autumn 2026", FIRST_HALF, D(2026, 10, 23)),  # the last day of the first half-term
        ("Autumn 2025", FIXED, D(2025, 11, 28)),  # DOMAIN.md 5.2's fixed dates
        ("Spring 2026", FIXED, D(2026, 3, 20)),
        ("Autumn 2026", FIXED, D(2026, 11, 27)),
        ("Summer 2026", FIXED, D(2026, 7, 22)),  # no fixed date for the term: its last day
        # a fixed date in the holiday after the term is that term's (Easter holiday 2026)
        ("Spring 2026", PepSettings(timing="fixed", fixed_dates=(D(2026, 4, 2),)), D(2026, 4, 2)),
        # the earliest of two dates in a term
        (
            "Spring 2027",
            PepSettings(timing="fixed", fixed_dates=(D(2027, 3, 5), D(2027, 2, 5))),
            D(2027, 2, 5),
        ),
        # leap year: an LA's date on 29 February 2028
        ("Spring 2028", PepSettings(timing="fixed", fixed_dates=(D(2028, 2, 29),)), D(2028, 2, 29)),
        ("Spring 2028", FIRST_HALF, D(2028, 2, 11)),
    ],
)
def test_termly_due(label, la, due):
    assert termly_due(BY_LABEL[label], settings=la, terms=TERMS) == due


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (D(2026, 9, 2), "Autumn 2026"),  # its first day
        (D(2026, 10, 28), "Autumn 2026"),  # half-term week
        (D(2026, 12, 18), "Autumn 2026"),  # its last day
        (D(2026, 12, 28), "Autumn 2026"),  # a holiday counts with the term just ended
        (D(2027, 1, 4), "Spring 2027"),
        (D(2025, 8, 20), None),  # before the first term given
    ],
)
def test_term_of(day, label):
    term = term_of(day, TERMS)
    assert (term.label if term else None) == label


# --------------------------------------------------------------------------------------------------
# Looked after on a day
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("periods", "today", "start"),
    [
        ([CarePeriod(D(2026, 11, 2))], D(2026, 11, 10), D(2026, 11, 2)),
        ([CarePeriod(D(2026, 11, 2))], D(2026, 11, 2), D(2026, 11, 2)),  # the day itself
        ([CarePeriod(D(2026, 11, 2))], D(2026, 11, 1), None),  # not yet
        ([CarePeriod(D(2024, 1, 1), D(2026, 6, 30))], D(2026, 11, 10), None),  # left care
        ([CarePeriod(D(2024, 1, 1), D(2026, 11, 10))], D(2026, 11, 10), D(2024, 1, 1)),
        # periods following on without a gap are one time in care
        (
            [CarePeriod(D(2026, 4, 1)), CarePeriod(D(2024, 1, 1), D(2026, 3, 31))],
            D(2026, 11, 10),
            D(2024, 1, 1),
        ),
        # a gap: entering care again
        (
            [CarePeriod(D(2024, 1, 1), D(2025, 3, 31)), CarePeriod(D(2026, 11, 2))],
            D(2026, 11, 10),
            D(2026, 11, 2),
        ),
        ([], D(2026, 11, 10), None),
    ],
)
def test_care_episode_start(periods, today, start):
    assert care_episode_start(periods, today=today) == start


# --------------------------------------------------------------------------------------------------
# The next PEP
# --------------------------------------------------------------------------------------------------

LONG_AGO = [CarePeriod(D(2020, 1, 6))]  # looked after for years, at this school since 2021
ON_ROLL = D(2021, 9, 1)
INITIAL, MOVE, TERMLY = PepKind.INITIAL, PepKind.MOVE, PepKind.TERMLY

CASES = {
    # Entering care while on roll: the initial PEP, 10 working days (20 in some LAs)
    "initial due": (
        [CarePeriod(D(2026, 11, 2))], ON_ROLL, [], TERM, D(2026, 11, 10),
        (INITIAL, D(2026, 11, 16), False, None),
    ),
    "initial due today": (
        [CarePeriod(D(2026, 11, 2))], ON_ROLL, [], TERM, D(2026, 11, 16),
        (INITIAL, D(2026, 11, 16), False, None),
    ),
    "initial overdue": (
        [CarePeriod(D(2026, 11, 2))], ON_ROLL, [], TERM, D(2026, 11, 17),
        (INITIAL, D(2026, 11, 16), True, None),
    ),
    "initial, an LA's 20 days": (
        [CarePeriod(D(2026, 11, 2))], ON_ROLL, [], TWENTY, D(2026, 11, 17),
        (INITIAL, D(2026, 11, 30), False, None),
    ),
    "initial across Easter 2026": (
        [CarePeriod(D(2026, 3, 27))], ON_ROLL, [], TERM, D(2026, 4, 1),
        (INITIAL, D(2026, 4, 14), False, None),
    ),
    "initial across Christmas 2026, in the holidays": (
        [CarePeriod(D(2026, 12, 18))], ON_ROLL, [], TERM, D(2027, 1, 5),
        (INITIAL, D(2027, 1, 6), False, None),
    ),
    "a PEP held before entering care does not count": (
        [CarePeriod(D(2026, 11, 2))], ON_ROLL, [D(2026, 10, 1)], TERM, D(2026, 11, 10),
        (INITIAL, D(2026, 11, 16), False, None),
    ),
    "admitted the day of entering care: initial": (
        [CarePeriod(D(2026, 11, 2))], D(2026, 11, 2), [], TERM, D(2026, 11, 10),
        (INITIAL, D(2026, 11, 16), False, None),
    ),
    "entering care again after a gap": (
        [CarePeriod(D(2024, 1, 1), D(2025, 3, 31)), CarePeriod(D(2026, 11, 2))], ON_ROLL,
        [D(2025, 2, 1)], TERM, D(2026, 11, 10),
        (INITIAL, D(2026, 11, 16), False, None),
    ),
    # Entered care during the second half of autumn 2026: the initial PEP counts for autumn,
    # then spring's is owed, by the LA's timing
    "second half entry, first_half LA": (
        [CarePeriod(D(2026, 11, 10))], ON_ROLL, [D(2026, 11, 20)], FIRST_HALF, D(2026, 11, 25),
        (TERMLY, D(2027, 2, 12), False, "Spring 2027"),
    ),
    "second half entry, term LA": (
        [CarePeriod(D(2026, 11, 10))], ON_ROLL, [D(2026, 11, 20)], TERM, D(2026, 11, 25),
        (TERMLY, D(2027, 3, 19), False, "Spring 2027"),
    ),
    "second half entry, fixed LA with no spring date: the term's last day": (
        [CarePeriod(D(2026, 11, 10))], ON_ROLL, [D(2026, 11, 20)], FIXED, D(2026, 11, 25),
        (TERMLY, D(2027, 3, 19), False, "Spring 2027"),
    ),
    # A change of school while looked after: within 10 (or 20) working days of admission
    "move": (
        [CarePeriod(D(2025, 5, 1))], D(2026, 11, 9), [], TERM, D(2026, 11, 10),
        (MOVE, D(2026, 11, 23), False, None),
    ),
    "move, an LA's 20 days": (
        [CarePeriod(D(2025, 5, 1))], D(2026, 11, 9), [], TWENTY, D(2026, 11, 10),
        (MOVE, D(2026, 12, 7), False, None),
    ),
    "move overdue; the old school's PEP does not count": (
        [CarePeriod(D(2025, 5, 1))], D(2026, 11, 9), [D(2026, 10, 1)], TERM, D(2026, 11, 24),
        (MOVE, D(2026, 11, 23), True, None),
    ),
    "move PEP held: termly after it": (
        [CarePeriod(D(2025, 5, 1))], D(2026, 11, 9), [D(2026, 11, 20)], FIRST_HALF,
        D(2026, 12, 1), (TERMLY, D(2027, 2, 12), False, "Spring 2027"),
    ),
    # A PEP held late counts for the term it was owed in
    "initial held late": (
        [CarePeriod(D(2026, 11, 2))], ON_ROLL, [D(2026, 12, 2)], TERM, D(2026, 12, 5),
        (TERMLY, D(2027, 3, 19), False, "Spring 2027"),
    ),
    "autumn's held late, in the Christmas holiday": (
        LONG_AGO, ON_ROLL, [D(2026, 5, 10), D(2026, 12, 21)], TERM, D(2027, 1, 4),
        (TERMLY, D(2027, 3, 19), False, "Spring 2027"),
    ),
    # Looked after for years: the term after the latest PEP's, by the LA's timing
    "termly, term LA": (
        LONG_AGO, ON_ROLL, [D(2026, 2, 1), D(2026, 5, 10)], TERM, D(2026, 12, 6),
        (TERMLY, D(2026, 12, 18), False, "Autumn 2026"),
    ),
    "termly, first_half LA: overdue": (
        LONG_AGO, ON_ROLL, [D(2026, 5, 10)], FIRST_HALF, D(2026, 12, 6),
        (TERMLY, D(2026, 10, 23), True, "Autumn 2026"),
    ),
    "termly, fixed LA: overdue": (
        LONG_AGO, ON_ROLL, [D(2026, 5, 10)], FIXED, D(2026, 12, 6),
        (TERMLY, D(2026, 11, 27), True, "Autumn 2026"),
    ),
    "termly, fixed LA, DOMAIN.md's spring 2026 date": (
        LONG_AGO, ON_ROLL, [D(2025, 10, 1)], FIXED, D(2026, 1, 10),
        (TERMLY, D(2026, 3, 20), False, "Spring 2026"),
    ),
    "termly, a missed term: the earliest owed, overdue": (
        LONG_AGO, ON_ROLL, [D(2026, 2, 1)], TERM, D(2026, 12, 6),
        (TERMLY, D(2026, 7, 22), True, "Summer 2026"),
    ),
    "latest PEP before the first term given: the first term's": (
        LONG_AGO, ON_ROLL, [D(2025, 6, 10)], FIXED, D(2025, 9, 10),
        (TERMLY, D(2025, 11, 28), False, "Autumn 2025"),
    ),
    # Leap year
    "initial across 29 February 2028": (
        [CarePeriod(D(2028, 2, 25))], ON_ROLL, [], TERM, D(2028, 3, 1),
        (INITIAL, D(2028, 3, 10), False, None),
    ),
    "initial held on 29 February 2028": (
        [CarePeriod(D(2028, 2, 25))], ON_ROLL, [D(2028, 2, 29)], FIRST_HALF, D(2028, 3, 1),
        (TERMLY, D(2028, 5, 26), False, "Summer 2028"),
    ),
    "termly, an LA's date on 29 February 2028": (
        LONG_AGO, ON_ROLL, [D(2027, 11, 1)],
        PepSettings(timing="fixed", fixed_dates=(D(2028, 2, 29),)), D(2028, 3, 1),
        (TERMLY, D(2028, 2, 29), True, "Spring 2028"),
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("periods", "admitted_on", "held", "la", "today", "expected"),
    list(CASES.values()),
    ids=list(CASES),
)
def test_next_pep(periods, admitted_on, held, la, today, expected):
    found = next_pep(
        periods=periods,
        admitted_on=admitted_on,
        held=held,
        terms=TERMS,
        settings=la,
        today=today,
    )
    assert found is not None
    assert (found.kind, found.due, found.overdue, found.term and found.term.label) == expected


@pytest.mark.parametrize(
    ("periods", "held", "terms", "today"),
    [
        ([CarePeriod(D(2024, 1, 1), D(2026, 6, 30))], [], TERMS, D(2026, 11, 10)),  # left care
        ([CarePeriod(D(2026, 12, 1))], [], TERMS, D(2026, 11, 10)),  # not yet in care
        ([], [], TERMS, D(2026, 11, 10)),  # never looked after
        (LONG_AGO, [D(2026, 5, 10)], _terms(2025), D(2026, 7, 1)),  # next year's terms not entered
        (LONG_AGO, [D(2026, 5, 10)], [], D(2026, 7, 1)),  # no terms at all
    ],
)
def test_no_next_pep(periods, held, terms, today):
    assert (
        next_pep(periods=periods, admitted_on=ON_ROLL, held=held, terms=terms, today=today) is None
    )


def test_defaults_are_the_statutory_minimum():
    found = next_pep(
        periods=LONG_AGO,
        admitted_on=ON_ROLL,
        held=[D(2026, 5, 10)],
        terms=TERMS,
        today=D(2026, 9, 1),
    )
    assert (found.kind, found.due) == (TERMLY, D(2026, 12, 18))


# --------------------------------------------------------------------------------------------------
# The annual review held with the PEP (DOMAIN.md 5.2 "SEN link")
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("review_due", "pep_due", "together"),
    [
        (D(2027, 3, 1), D(2027, 3, 19), True),  # same term, review first
        (D(2027, 3, 19), D(2027, 3, 19), True),  # same day
        (D(2027, 1, 4), D(2027, 2, 12), True),  # the term's first day
        (D(2027, 3, 25), D(2027, 3, 19), False),  # review after the PEP (Easter holiday)
        (D(2027, 3, 1), D(2027, 2, 12), False),  # review after the PEP, same term
        (D(2026, 12, 10), D(2027, 2, 12), False),  # review in the term before
        (D(2027, 1, 2), D(2027, 2, 12), False),  # Christmas holiday: autumn's, not spring's
        (D(2025, 6, 1), D(2025, 11, 28), False),  # review before the terms given
        (D(2028, 2, 29), D(2028, 4, 7), True),  # leap day, spring 2028
    ],
)
def test_can_hold_together(review_due, pep_due, together):
    assert can_hold_together(review_due=review_due, pep_due=pep_due, terms=TERMS) is together
