"""Rules that moved out of views and into the ground floor, called directly: who answers for a
deadline and who hears it is long overdue (reminders), who may change a colleague's role, which
reaches are 'your classes', how pressing a deadline is, and which year the Term dates page offers
to add."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from staff.calendar import next_year_to_add
from staff.capabilities import (
    CLASS_REACHES,
    deadline_escalation,
    deadline_fallback,
    may_change_member,
    pupil_reach,
)
from staff.deadlines import Severity, severity
from staff.models import Role
from staff.tenancy import Access

S, T, H, TL, TE, TA, G = 1, 2, 3, 4, 5, 6, 7


@pytest.mark.parametrize(
    ("members", "fallback", "escalation"),
    [
        ({S: "sendco", TL: "trust_lead", H: "head", TE: "teacher"}, [S], [H]),
        ({S: "sendco", T: "sendco", H: "head"}, [S, T], [H]),
        ({TL: "trust_lead", H: "head", TE: "teacher"}, [TL], [H]),  # no SENDCo: the trust lead
        ({H: "head", TE: "teacher", TA: "ta", G: "governor"}, [], [H]),
        ({TE: "teacher", G: "governor"}, [], []),
    ],
)
def test_who_is_told_when_the_owner_cannot_act_and_when_long_overdue(members, fallback, escalation):
    assert deadline_fallback(members) == fallback
    assert deadline_escalation(members) == escalation


@pytest.mark.parametrize(
    ("role", "classes_only"),
    [
        (Role.SENDCO, False),
        (Role.TRUST_LEAD, False),
        (Role.HEAD, False),
        (Role.TEACHER, True),
        (Role.TA, True),
        (Role.GOVERNOR, False),
    ],
)
def test_which_roles_see_only_their_classes(role, classes_only):
    assert (pupil_reach(role) in CLASS_REACHES) is classes_only


def _access(role: str, user_id: int = 1) -> Access:
    return Access(
        user=SimpleNamespace(pk=user_id), school=SimpleNamespace(pk=1), role=role, membership=None
    )


@pytest.mark.parametrize(
    ("by", "member_role", "member_id", "may"),
    [
        ("sendco", "teacher", 2, True),
        ("sendco", "head", 2, True),
        ("sendco", "trust_lead", 2, False),  # a SENDCo cannot touch a trust lead
        ("sendco", "sendco", 1, False),  # nor themselves
        ("trust_lead", "trust_lead", 2, True),
        ("head", "teacher", 2, False),  # the head reads staff, changes nothing
        ("teacher", "ta", 2, False),
    ],
)
def test_who_may_change_a_colleagues_role(by, member_role, member_id, may):
    membership = SimpleNamespace(user_id=member_id, role=member_role)
    assert may_change_member(_access(by), membership) is may


@pytest.mark.parametrize(
    ("due", "expected", "urgent"),
    [
        (date(2026, 3, 4), Severity.OVERDUE, True),
        (date(2026, 3, 5), Severity.DUE, True),
        (date(2026, 3, 19), Severity.SOON, True),  # 14 days ahead
        (date(2026, 3, 20), Severity.LATER, False),  # 15 days ahead
    ],
)
def test_how_pressing_a_deadline_is(due, expected, urgent):
    found = severity(due=due, today=date(2026, 3, 5))
    assert found == expected
    assert found.is_urgent is urgent
    assert found.is_overdue is (expected == Severity.OVERDUE)


@pytest.mark.parametrize(
    ("starts", "today", "offered"),
    [
        ([], date(2026, 3, 5), 2025),  # none set: this academic year
        ([], date(2026, 9, 1), 2026),
        ([2025], date(2026, 3, 5), 2026),  # the one after the last
        ([2025, 2026], date(2026, 3, 5), 2027),
    ],
)
def test_the_year_the_term_dates_page_offers_to_add(starts, today, offered):
    assert next_year_to_add(year_starts=starts, today=today) == offered
