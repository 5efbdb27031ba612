"""Tables of cases for the register's rules (DOMAIN.md 3.2-3.3, 4.1)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from register.models import PupilPremiumPeriod, SenStatus
from register.rules import category_on, ever_6_fsm, need_problems
from register.upn import check_letter, validate_upn


@pytest.mark.parametrize(
    ("upn", "valid"),
    [
        ("B801200005001", True),  # python-stdnum's documented example
        ("A801200005001", False),  # same number, wrong check letter
        ("P207000016049", True),  # 2x2 + 4x7 + 9x1 + 10x6 + 12x4 + 13x9 = 266; 266 mod 23 = 13 = P
        ("Q207000016049", False),
        ("b801200005001", True),  # lower case is folded
        (" B801 2000 05001 ", True),  # spaces are folded
        ("B80120000500", False),  # 12 characters
        ("B8012000050011", False),  # 14 characters
        ("X80120000A001", False),  # a letter in the middle
        ("I801200005001", False),  # I is never a check letter
    ],
)
def test_upn_check_letter(upn, valid):
    if valid:
        validate_upn(upn)
    else:
        with pytest.raises(ValidationError):
            validate_upn(upn)


def test_temporary_upn_counts_its_final_letter():
    rest = "82020010000A"
    upn = check_letter(rest) + rest
    validate_upn(upn)
    # A temporary UPN's final letter may not be I, O or S.
    with pytest.raises(ValidationError):
        validate_upn(check_letter("820200100001") + "82020010000I")


def test_wrong_check_letter_message_says_which_letter():
    with pytest.raises(ValidationError, match="should start with B"):
        validate_upn("A801200005001")


@pytest.mark.parametrize(
    ("category", "codes", "problem"),
    [
        ("K", ["SLCN"], None),
        ("K", ["NSA"], None),
        ("E", ["ASD", "SLCN"], None),
        ("N", [], None),
        ("K", [], "needs a primary type of need"),
        ("E", [], "needs a primary type of need"),
        ("E", ["NSA"], "NSA (no specialist assessment) can only be recorded"),
        ("N", ["SLCN"], "has no type of need"),
        ("K", ["SLCN", "SLCN"], "recorded twice"),
    ],
)
def test_need_rules(category, codes, problem):
    problems = need_problems(category=category, need_codes=codes)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def _status(category, starts_on, ends_on=None):
    return SenStatus(category=category, starts_on=starts_on, ends_on=ends_on)


HISTORY = [
    _status("K", date(2024, 1, 8), date(2025, 3, 31)),
    _status("E", date(2025, 4, 1)),
]


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (date(2024, 1, 7), "N"),  # before the first status
        (date(2024, 1, 8), "K"),  # first day
        (date(2025, 3, 31), "K"),  # last day of K
        (date(2025, 4, 1), "E"),  # first day of E
        (date(2028, 2, 29), "E"),  # open period, leap day
    ],
)
def test_category_on_a_date(on, code):
    assert category_on(HISTORY, on) == code


# Free school meals periods (start, end), a date, and whether the pupil is FSM Ever 6 then. The
# register's SQL filter is held to the same table (tests/register/test_register_list_rules.py).
FSM_EVER_6_CASES = [
    ([], date(2026, 1, 15), False),
    ([(date(2019, 9, 1), date(2020, 1, 14))], date(2026, 1, 15), False),  # ended 6y+1d ago
    ([(date(2019, 9, 1), date(2020, 1, 15))], date(2026, 1, 15), True),  # exactly 6 years
    ([(date(2025, 9, 1), None)], date(2026, 1, 15), True),  # eligible now
    ([(date(2026, 2, 1), None)], date(2026, 1, 15), False),  # starts after the date
    ([(date(2021, 1, 1), date(2022, 2, 28))], date(2028, 2, 29), True),  # leap-day census
]


@pytest.mark.parametrize(("periods", "on", "ever6"), FSM_EVER_6_CASES)
def test_fsm_ever_6(periods, on, ever6):
    fsm = [PupilPremiumPeriod(kind="fsm", starts_on=s, ends_on=e) for s, e in periods]
    assert ever_6_fsm(fsm, on) is ever6
