"""The reminder rules as tables: which threshold a deadline has crossed, when the head is told,
and who is told what (sendco/reminders.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sendco.reminders import ESCALATED, crossed, escalated, plan, thresholds_for
from staff.deadlines import Deadline, severity

DUE = date(2027, 3, 1)
DEFAULT = (56, 28, 14, 0, -1)
MONITORING = "register.monitoring_review"
APDR = "provision.apdr_review"


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        pytest.param(57, None, id="57 days before: nobody told yet"),
        pytest.param(56, 56, id="8 weeks before"),
        pytest.param(29, 56, id="29 days before: still the 8-week notice"),
        pytest.param(28, 28, id="4 weeks before"),
        pytest.param(15, 28, id="15 days before: still the 4-week notice"),
        pytest.param(14, 14, id="2 weeks before"),
        pytest.param(10, 14, id="first seen 10 days before: the 2-week notice only"),
        pytest.param(1, 14, id="the day before"),
        pytest.param(0, 0, id="on the day"),
        pytest.param(-1, -1, id="the day after: overdue"),
        pytest.param(-45, -1, id="long overdue"),
    ],
)
def test_crossed_with_the_default_thresholds(days_left, expected):
    today = DUE - timedelta(days=days_left)
    assert crossed(due=DUE, today=today, thresholds=DEFAULT) == expected


def test_the_default_thresholds_are_8_4_and_2_weeks_due_and_overdue(settings):
    settings.REMINDER_THRESHOLDS = {}
    assert thresholds_for(MONITORING) == DEFAULT


@pytest.mark.parametrize(
    ("table", "kind", "expected"),
    [
        pytest.param({MONITORING: [14, 0, -1]}, MONITORING, (14, 0, -1), id="own kind"),
        pytest.param({MONITORING: [14, 0, -1]}, APDR, DEFAULT, id="another kind keeps default"),
        pytest.param({"default": [7, 0, -1]}, APDR, (7, 0, -1), id="default override"),
        pytest.param(
            {"default": [7, 0, -1], MONITORING: [3, -1]}, MONITORING, (3, -1), id="kind wins"
        ),
        pytest.param(
            {"default": [7, 0, -1], MONITORING: [3, -1]}, APDR, (7, 0, -1), id="default for rest"
        ),
        pytest.param({MONITORING: [0, 14, 14, -1]}, MONITORING, (14, 0, -1), id="sorted, once"),
    ],
)
def test_thresholds_per_kind(settings, table, kind, expected):
    settings.REMINDER_THRESHOLDS = table
    assert thresholds_for(kind) == expected


@pytest.mark.parametrize(
    ("kind", "days_left", "expected"),
    [
        pytest.param(MONITORING, 20, None, id="configured kind: 20 days before, not yet"),
        pytest.param(APDR, 20, 28, id="default kind: 20 days before, the 4-week notice"),
        pytest.param(MONITORING, 14, 14, id="configured kind: 2 weeks before"),
        pytest.param(MONITORING, -1, -1, id="configured kind: overdue"),
    ],
)
def test_crossed_with_a_setting_per_kind(settings, kind, days_left, expected):
    settings.REMINDER_THRESHOLDS = {MONITORING: [14, 0, -1]}
    today = DUE - timedelta(days=days_left)
    assert crossed(due=DUE, today=today, thresholds=thresholds_for(kind)) == expected


@pytest.mark.parametrize(
    ("days_overdue", "after_days", "expected"),
    [
        (-3, 7, False),  # not due yet
        (0, 7, False),  # due today
        (6, 7, False),
        (7, 7, True),
        (30, 7, True),
        (2, 3, False),
        (3, 3, True),
        (0, 0, True),  # 0: the head is told as soon as it is due
    ],
)
def test_escalated(days_overdue, after_days, expected):
    today = DUE + timedelta(days=days_overdue)
    assert escalated(due=DUE, today=today, after_days=after_days) is expected


@pytest.mark.parametrize(("days_overdue", "expected"), [(2, False), (3, True)])
def test_escalated_reads_the_setting(settings, days_overdue, expected):
    settings.REMINDER_ESCALATE_AFTER_DAYS = 3
    assert escalated(due=DUE, today=DUE + timedelta(days=days_overdue)) is expected


# --------------------------------------------------------------------------------------------------
# plan: who is told what
# --------------------------------------------------------------------------------------------------

SENDCO, HEAD, TEACHER, OTHER_TEACHER, GOVERNOR, LEFT, LEAD = 1, 2, 3, 4, 5, 6, 7
PUPIL = "0b9d5c4e-3f7a-4c1e-9a55-1d2f3e4a5b6c"
ANOTHER_PUPIL = "7c1e0f2a-9d3b-4e8f-8a11-2b3c4d5e6f70"


def deadline(*, owner: int | None, days_left: int, kind: str = APDR) -> Deadline:
    due = DUE
    today = DUE - timedelta(days=days_left)
    return Deadline(
        kind=kind,
        title="Support plan review (cycle 1)",
        due=due,
        subject="Jozef Quill",
        subject_id=PUPIL,
        owner_id=owner,
        url="/s/acorn/plans/x/",
        severity=severity(due=due, today=today),
    )


MEMBERS = {
    SENDCO: "sendco",
    HEAD: "head",
    TEACHER: "teacher",
    OTHER_TEACHER: "teacher",
    GOVERNOR: "governor",
}
SEES = {TEACHER: {PUPIL}, OTHER_TEACHER: {ANOTHER_PUPIL}, GOVERNOR: set()}


@pytest.mark.parametrize(
    ("owner", "days_left", "sendcos", "expected"),
    [
        pytest.param(TEACHER, 60, [SENDCO], [], id="not near yet: nobody"),
        pytest.param(TEACHER, 10, [SENDCO], [(TEACHER, 14)], id="teacher who sees the pupil"),
        pytest.param(
            OTHER_TEACHER, 10, [SENDCO], [(SENDCO, 14)], id="owner who cannot see the pupil"
        ),
        pytest.param(GOVERNOR, 10, [SENDCO], [(SENDCO, 14)], id="governor owner sees no pupil"),
        pytest.param(LEFT, 10, [SENDCO], [(SENDCO, 14)], id="owner no longer a member"),
        pytest.param(None, 10, [SENDCO], [(SENDCO, 14)], id="no owner: the SENDCo"),
        pytest.param(HEAD, 10, [SENDCO], [(HEAD, 14)], id="whole-school owner"),
        pytest.param(None, 10, [LEAD], [(LEAD, 14)], id="no SENDCo: the list given (trust lead)"),
        pytest.param(None, 10, [], [], id="nobody to tell"),
        pytest.param(TEACHER, 0, [SENDCO], [(TEACHER, 0)], id="due today"),
        pytest.param(TEACHER, -6, [SENDCO], [(TEACHER, -1)], id="6 days overdue: owner only"),
        pytest.param(
            TEACHER,
            -7,
            [SENDCO],
            [(TEACHER, -1), (HEAD, ESCALATED), (SENDCO, ESCALATED)],
            id="7 days overdue: head and SENDCo too",
        ),
        pytest.param(
            SENDCO,
            -7,
            [SENDCO],
            [(SENDCO, -1), (HEAD, ESCALATED)],
            id="SENDCo owner: told once, not escalated to themself",
        ),
        pytest.param(
            OTHER_TEACHER,
            -7,
            [SENDCO],
            [(SENDCO, -1), (HEAD, ESCALATED)],
            id="fell to the SENDCo: head escalated once",
        ),
    ],
)
def test_plan(settings, owner, days_left, sendcos, expected):
    settings.REMINDER_THRESHOLDS = {}
    settings.REMINDER_ESCALATE_AFTER_DAYS = 7
    found = plan(
        deadlines=[deadline(owner=owner, days_left=days_left)],
        today=DUE - timedelta(days=days_left),
        members=MEMBERS,
        sendcos=sendcos,
        heads=[HEAD],
        sees=SEES,
    )
    assert sorted((p.user_id, p.threshold) for p in found) == sorted(expected)
    assert all(p.deadline.subject_id == PUPIL for p in found)


def test_escalation_does_not_depend_on_an_overdue_threshold(settings):
    """A kind configured without the overdue notice (say [14, 0]) still reaches the head when it
    is long overdue: the escalation is a safety net, not one of the owner's notices."""
    settings.REMINDER_THRESHOLDS = {APDR: [14, 0]}
    settings.REMINDER_ESCALATE_AFTER_DAYS = 7
    found = plan(
        deadlines=[deadline(owner=TEACHER, days_left=-10)],
        today=DUE + timedelta(days=10),
        members=MEMBERS,
        sendcos=[SENDCO],
        heads=[HEAD],
        sees=SEES,
    )
    assert (HEAD, ESCALATED) in [(p.user_id, p.threshold) for p in found]


def test_plan_tells_each_person_once_per_deadline(settings):
    settings.REMINDER_THRESHOLDS = {}
    deadlines = [
        deadline(owner=TEACHER, days_left=-8),
        deadline(owner=None, days_left=-8, kind=MONITORING),
    ]
    found = plan(
        deadlines=deadlines,
        today=DUE + timedelta(days=8),
        members=MEMBERS,
        sendcos=[SENDCO],
        heads=[HEAD, SENDCO],  # a head who is also the SENDCo
        sees=SEES,
    )
    keys = [(p.user_id, p.deadline.kind, p.threshold) for p in found]
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted(
        [
            (TEACHER, APDR, -1),
            (HEAD, APDR, ESCALATED),
            (SENDCO, APDR, ESCALATED),
            (SENDCO, MONITORING, -1),
            # not the head: a concern's page is the SENDCo's, and would answer the head 403
        ]
    )


def test_an_empty_list_for_a_kind_turns_its_reminders_off(settings):
    settings.REMINDER_THRESHOLDS = {"register.monitoring_review": []}
    assert thresholds_for("register.monitoring_review") == ()
    assert thresholds_for("provision.apdr_review") == (56, 28, 14, 0, -1)
    assert crossed(due=date(2026, 11, 25), today=date(2026, 11, 26), thresholds=()) is None
