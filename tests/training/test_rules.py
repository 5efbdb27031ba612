"""The rules of staff training (`training.rules`, DOMAIN.md 1.5 and 6.3) as tables of cases:
when a certificate expires and is current, when ELSA supervision is next due, and what the
SENCO's mandatory qualification asks of them."""

from __future__ import annotations

from datetime import date

import pytest

from training import rules
from training.rules import HalfTerm, QualificationKind, SencoStatus, Study

D = date

# --------------------------------------------------------------------------------------------------
# Expiry
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed_on", "months", "expires"),
    [
        (D(2024, 3, 3), 36, D(2027, 3, 3)),  # Youth MHFA: three years
        (D(2025, 8, 31), 6, D(2026, 2, 28)),  # 31 August + 6 months: the end of February
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # ... in a leap year, the 29th
        (D(2024, 2, 29), 36, D(2027, 2, 28)),  # a leap day, three years on
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # ... and four
        (D(2025, 11, 30), 3, D(2026, 2, 28)),  # across the year's end
        (D(2025, 1, 15), 12, D(2026, 1, 15)),  # Team Teach: a year
        (D(2025, 1, 15), None, None),  # never expires
    ],
)
def test_expires_on(completed_on, months, expires):
    assert rules.expires_on(completed_on=completed_on, expires_after_months=months) == expires


@pytest.mark.parametrize(
    ("completed_on", "expires", "on", "current"),
    [
        (D(2024, 3, 3), D(2027, 3, 3), D(2024, 3, 3), True),  # the day it is completed
        (D(2024, 3, 3), D(2027, 3, 3), D(2024, 3, 2), False),  # not yet completed
        (D(2024, 3, 3), D(2027, 3, 3), D(2027, 3, 2), True),  # its last day
        (D(2024, 3, 3), D(2027, 3, 3), D(2027, 3, 3), False),  # the expiry day: no longer
        (D(2024, 3, 3), None, D(2099, 1, 1), True),  # never expires
        (None, None, D(2026, 1, 1), False),  # under way, not completed
    ],
)
def test_is_current(completed_on, expires, on, current):
    assert rules.is_current(completed_on=completed_on, expires=expires, on=on) is current


# --------------------------------------------------------------------------------------------------
# Supervision (half-termly)
# --------------------------------------------------------------------------------------------------

AUTUMN_1 = HalfTerm(D(2026, 9, 2), D(2026, 10, 23))
AUTUMN_2 = HalfTerm(D(2026, 11, 2), D(2026, 12, 18))
SPRING_1 = HalfTerm(D(2027, 1, 4), D(2027, 2, 12))
SPRING_2 = HalfTerm(D(2027, 2, 22), D(2027, 3, 26))
YEAR = (SPRING_2, AUTUMN_2, AUTUMN_1, SPRING_1)  # in any order


@pytest.mark.parametrize(
    ("trained_on", "attended", "today", "due"),
    [
        # Trained in the first half of autumn: the course was that half's supervision, the next
        # is due by the end of the second half.
        (D(2026, 9, 20), [], D(2026, 9, 21), AUTUMN_2.ends_on),
        (D(2026, 9, 20), [], D(2026, 11, 10), AUTUMN_2.ends_on),
        # Attended in the second half: the next is due by the end of the half after.
        (D(2026, 9, 20), [D(2026, 11, 12)], D(2026, 11, 20), SPRING_1.ends_on),
        (D(2026, 9, 20), [D(2026, 11, 12), D(2027, 1, 20)], D(2027, 2, 1), SPRING_2.ends_on),
        # A past half missed: overdue from its end, even when a later half had one.
        (D(2026, 9, 20), [], D(2027, 1, 10), AUTUMN_2.ends_on),
        (D(2026, 9, 20), [D(2027, 1, 8)], D(2027, 1, 10), AUTUMN_2.ends_on),
        # Trained in the October holiday: the second half of autumn is the first to need one.
        (D(2026, 10, 27), [], D(2026, 10, 28), AUTUMN_2.ends_on),
        # In a holiday between halves, the one just ended was attended: the next half's end.
        (D(2026, 9, 20), [D(2026, 12, 1)], D(2026, 12, 28), SPRING_1.ends_on),
        # Beyond the calendar the school has entered: not known.
        (D(2026, 9, 20), [D(2026, 11, 12), D(2027, 1, 20), D(2027, 3, 1)], D(2027, 3, 10), None),
    ],
)
def test_supervision_due(trained_on, attended, today, due):
    assert (
        rules.supervision_due(
            trained_on=trained_on, attended=attended, half_terms=YEAR, today=today
        )
        == due
    )


def test_no_half_terms_no_supervision_date():
    assert (
        rules.supervision_due(
            trained_on=D(2026, 9, 20), attended=[], half_terms=[], today=D(2026, 11, 1)
        )
        is None
    )


# --------------------------------------------------------------------------------------------------
# The SENCO's qualification (DOMAIN.md 1.5)
# --------------------------------------------------------------------------------------------------

NPQ = QualificationKind.NPQ
NASENCO = QualificationKind.NASENCO


@pytest.mark.parametrize(
    ("appointed_on", "months_before", "studies", "status", "due", "owed"),
    [
        (None, 0, [], SencoStatus.NOT_SENCO, None, ""),
        # Appointed before 1 September 2009: nothing needed; on that day: by the third anniversary.
        (D(2009, 8, 31), 0, [], SencoStatus.EXEMPT_BEFORE_2009, None, ""),
        (D(2009, 9, 1), 0, [], SencoStatus.DUE, D(2012, 9, 1), "the NPQ for SENCOs"),
        # More than 12 months a SENCO before: exempt; exactly 12 is not more.
        (D(2026, 1, 10), 13, [], SencoStatus.EXEMPT_EARLIER_SERVICE, None, ""),
        (D(2026, 1, 10), 12, [], SencoStatus.DUE, D(2029, 1, 10), "the NPQ for SENCOs"),
        # Nothing studied: the NPQ by the third anniversary.
        (D(2026, 1, 10), 0, [], SencoStatus.DUE, D(2029, 1, 10), "the NPQ for SENCOs"),
        # A leap-day appointment: its third anniversary is the last day of February.
        (D(2028, 2, 29), 0, [], SencoStatus.DUE, D(2031, 2, 28), "the NPQ for SENCOs"),
        # The NPQ completed: held.
        (
            D(2026, 1, 10),
            0,
            [Study(NPQ, D(2026, 2, 1), D(2027, 11, 30))],
            SencoStatus.HELD,
            None,
            "",
        ),
        # A NASENCO started before 1 September 2024 and completed before 1 September 2027: held.
        (
            D(2023, 1, 10),
            0,
            [Study(NASENCO, D(2024, 6, 1), D(2027, 7, 1))],
            SencoStatus.HELD,
            None,
            "",
        ),
        # ... completed on 1 September 2027: too late, so the NPQ is owed.
        (
            D(2026, 1, 10),
            0,
            [Study(NASENCO, D(2024, 6, 1), D(2027, 9, 1))],
            SencoStatus.DUE,
            D(2029, 1, 10),
            "the NPQ for SENCOs",
        ),
        # A NASENCO started on 1 September 2024 does not count.
        (
            D(2026, 1, 10),
            0,
            [Study(NASENCO, D(2024, 9, 1), D(2025, 7, 1))],
            SencoStatus.DUE,
            D(2029, 1, 10),
            "the NPQ for SENCOs",
        ),
        # A NASENCO under way, started before 1 September 2024: finished by 31 August 2027,
        # earlier than the third anniversary.
        (
            D(2026, 1, 10),
            0,
            [Study(NASENCO, D(2024, 6, 1), None)],
            SencoStatus.DUE,
            D(2027, 8, 31),
            "the NASENCO, completed",
        ),
        # ... and by the third anniversary when that is earlier.
        (
            D(2024, 1, 10),
            0,
            [Study(NASENCO, D(2024, 6, 1), None)],
            SencoStatus.DUE,
            D(2027, 1, 10),
            "the NASENCO, completed",
        ),
        # An NPQ under way counts for nothing yet.
        (
            D(2026, 1, 10),
            0,
            [Study(NPQ, D(2026, 2, 1), None)],
            SencoStatus.DUE,
            D(2029, 1, 10),
            "the NPQ for SENCOs",
        ),
    ],
)
def test_senco_qualification(appointed_on, months_before, studies, status, due, owed):
    found = rules.senco_qualification(
        appointed_on=appointed_on, months_before=months_before, studies=studies
    )
    assert (found.status, found.due, found.owed) == (status, due, owed)


def test_what_the_senco_owes_in_words():
    due = rules.senco_qualification(appointed_on=D(2026, 1, 10), months_before=0, studies=[])
    assert due.summary == "Must hold the NPQ for SENCOs by 10 January 2029."
    held = rules.senco_qualification(
        appointed_on=D(2026, 1, 10),
        months_before=0,
        studies=[Study(NPQ, D(2026, 2, 1), D(2027, 11, 30))],
    )
    assert held.summary == "Holds the NPQ for SENCOs."


_DUE_1_SEPT_2027 = rules.SencoQualification(rules.SencoStatus.DUE, due=date(2027, 9, 1))


@pytest.mark.parametrize(
    ("owed", "today", "overdue"),
    [
        (
            rules.SencoQualification(rules.SencoStatus.DUE, due=date(2027, 9, 1)),
            date(2027, 9, 1),
            False,
        ),
        (
            rules.SencoQualification(rules.SencoStatus.DUE, due=date(2027, 9, 1)),
            date(2027, 9, 2),
            True,
        ),
        (rules.SencoQualification(rules.SencoStatus.HELD), date(2030, 1, 1), False),
        (rules.SencoQualification(rules.SencoStatus.NOT_SENCO), date(2030, 1, 1), False),
    ],
)
def test_the_qualification_is_overdue_only_after_its_day(owed, today, overdue):
    assert owed.overdue(today) is overdue
