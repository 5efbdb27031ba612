"""The shape every deadline takes, on the ground floor so that every app can yield it.

Each app computes its own dates in its `deadlines.py` (pure functions over rows it loads in a
fixed number of queries); `sendco/deadlines.py` lists those providers and is the one place that
collects them. No reader computes a date on its own (DESIGN.md, "Deadlines").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

from .capabilities import Cap, duties_can, role_can


class Severity(IntEnum):
    """How pressing a deadline is; lower sorts first."""

    OVERDUE = 0
    DUE = 1
    SOON = 2
    LATER = 3

    @property
    def is_overdue(self) -> bool:
        return self == Severity.OVERDUE

    @property
    def is_urgent(self) -> bool:
        """Overdue, due today or due within SOON_DAYS: shown open and marked for attention;
        the rest of the timeline is folded away."""
        return self <= Severity.SOON

    @property
    def label(self) -> str:
        return {0: "Overdue", 1: "Due today", 2: "Due soon", 3: "Coming up"}[self.value]


# "Due soon", the one definition: the engine's severity, the EHC review tracker and every other
# reader that flags what is coming up use it.
SOON_DAYS = 14
DUE_SOON = timedelta(days=SOON_DAYS)


def is_due_soon(*, due: date, today: date) -> bool:
    """Due today or within the next SOON_DAYS days (overdue is not "soon")."""
    return today <= due <= today + DUE_SOON


def severity(*, due: date, today: date) -> Severity:
    if due < today:
        return Severity.OVERDUE
    if due == today:
        return Severity.DUE
    if is_due_soon(due=due, today=today):
        return Severity.SOON
    return Severity.LATER


@dataclass(frozen=True)
class Deadline:
    kind: str  # e.g. "register.monitoring_review"
    title: str  # what is due, in words
    due: date
    subject: str  # the pupil's or person's name, for screens (never for emails)
    subject_id: str  # the pupil's public id, or a person's id
    owner_id: int | None  # who must act
    url: str
    severity: Severity
    # For the home page's grouping and filters: the local authority the step answers to (its
    # name, empty when none) and the pupil's year group code ("R", "7", ...; empty when none).
    authority: str = ""
    year_group: str = ""
    # A statutory date keeps its legal date; when it falls outside the school's term time the row
    # says so and suggests this day, the last school day before it (set by the provider).
    last_school_day: date | None = None


@cache
def _url_halves(name: str, school_slug: str, prefix: str) -> tuple[str, str]:
    sentinel = str(uuid.UUID(int=0))
    head, _, tail = reverse(name, args=[school_slug, sentinel]).rpartition(sentinel)
    return head, tail


def link_to(name: str, school_slug: str) -> Callable[[object], str]:
    """`reverse(name, args=[school_slug, public_id])` for the many records of one school's
    deadlines, the URL reversed once: a school's 400 deadlines spent a fifth of their time in
    `reverse`."""
    head, tail = _url_halves(name, school_slug, get_script_prefix())
    return lambda public_id: f"{head}{public_id}{tail}"


# What opens each kind of deadline's link (a kind, or a family of kinds such as "ehcp.review"):
# the capability of the page it links to. A person is shown, told of, or sent in their calendar a
# deadline only if they hold it, so no one is reminded of a step that answers them 403.
OPENED_WITH: dict[str, Cap] = {
    "register.monitoring_review": Cap.REGISTER_MANAGE,  # the concern's decision page
    "register.concern_decision": Cap.REGISTER_MANAGE,
    "provision.apdr_review": Cap.PLAN_VIEW,  # the pupil's support plan
    "provision.apdr_agree": Cap.PLAN_VIEW,
    "provision.parent_meetings": Cap.PLAN_VIEW,
    "ehcp.review": Cap.EHCP_VIEW,  # the EHC plan or its review under way
    "ehcp.assessment": Cap.EHCP_TRACKER,  # the needs-assessment request
    "ehcp.consultation": Cap.EHCP_TRACKER,  # the LA's consultation about naming the school
    # Delivery below plan: alerts for those who arrange provision (the SENDCo, the trust lead),
    # linking to the plan's page, where the same numbers are shown.
    "ehcp.section_f_delivery": Cap.EHCP_MANAGE,
    "provision.plan_delivery": Cap.PLAN_MANAGE,
    "premium.statement": Cap.PREMIUM_VIEW,  # the strategy statement
    "lac.pep": Cap.LAC_VIEW,  # the looked-after child's page
    # A pupil's Early Help review (Team Around the Family), a sub-kind of the PEPs' family so
    # the home page keeps its rows; its own page and capability (agencies.early_help_deadlines).
    "lac.pep.early_help": Cap.EARLY_HELP_VIEW,
    "training": Cap.TRAINING_OWN,  # the person's training page (their own, or anyone's)
    "inforeport": Cap.INFO_REPORT_VIEW,  # the SEN information report's checklist
    "exams": Cap.EXAMS_VIEW,  # the candidate's page in the series
    "exams.evidence_chase": Cap.EXAM_EVIDENCE_ANSWER,  # the teacher's answer page
    # Referrals to chase: for those who record them (the referral's page), not its readers.
    "agencies": Cap.AGENCY_MANAGE,
}

# Kinds whose subject is not a pupil of the school (the LA's consultations name a child who is
# often not on roll): they reach whoever may open their page, whichever pupils that person sees.
NOT_ABOUT_A_PUPIL = frozenset(
    {
        "ehcp.consultation",
        "premium.statement",
        "inforeport.review",
        "inforeport.send_policy",
        "inforeport.accessibility_plan",
    }
)

# Families of kinds whose subject is a member of staff, not a pupil: shown and told only to the
# person it is about (its owner) and to whoever holds the capability to see everyone's records
# (EVERYONES_WITH), never to a teacher or a TA about a colleague, whichever pupils they see.
ABOUT_A_PERSON = frozenset({"training"})
EVERYONES_WITH: dict[str, Cap] = {"training": Cap.TRAINING_VIEW}

# Alerts: kinds due on the school day a problem began rather than on a date coming up. Their
# owner is told once per alert, on the day it is first seen (sendco/reminders.py).
ALERTS = frozenset({"ehcp.section_f_delivery", "provision.plan_delivery"})


# --------------------------------------------------------------------------------------------------
# Delivery below plan (UNDER_DELIVERY_PERCENT, UNDER_DELIVERY_MIN_SESSIONS in sendco/settings.py)
# --------------------------------------------------------------------------------------------------


def under_delivery_percent() -> int:
    """Delivery under this share of what was planned is below plan (default 80)."""
    return int(getattr(settings, "UNDER_DELIVERY_PERCENT", 80))


def under_delivery_min_sessions() -> int:
    """No alert until this many sessions have been planned, so a first week does not alarm."""
    return int(getattr(settings, "UNDER_DELIVERY_MIN_SESSIONS", 6))


def percent_of(part: float, whole: float) -> int | None:
    return round(100 * part / whole) if whole else None


def under_delivered(*, percent: int | None, planned_sessions: float) -> bool:
    """Whether delivery at `percent` of plan, after `planned_sessions` planned so far, is an
    alert: below UNDER_DELIVERY_PERCENT once at least UNDER_DELIVERY_MIN_SESSIONS were planned."""
    return (
        percent is not None
        and planned_sessions >= under_delivery_min_sessions()
        and percent < under_delivery_percent()
    )


@cache  # asked for each of a school's deadlines: a few dozen kinds
def capability_for(kind: str) -> Cap | None:
    """The capability that opens a deadline of this kind; None for a kind nobody named here,
    which then reaches nobody (a test lists every kind)."""
    family = kind
    while family:
        if family in OPENED_WITH:
            return OPENED_WITH[family]
        family = family.rpartition(".")[0]
    return None


def opened_by_duty(kind: str, duties) -> bool:
    """Whether one of these duties opens this kind's page: a designated teacher opens every
    looked-after child's PEP, whichever classes they teach."""
    capability = capability_for(kind)
    return capability is not None and duties_can(duties, capability)


def may_open(role: str, kind: str, duties=()) -> bool:
    """Whether a person in this role (holding these duties) can open this kind of deadline's
    link."""
    capability = capability_for(kind)
    return capability is not None and (role_can(role, capability) or duties_can(duties, capability))


@cache
def person_family(kind: str) -> str | None:
    """The family of `ABOUT_A_PERSON` this kind belongs to ("training.renewal" -> "training");
    None for a kind about a pupil (or about nobody)."""
    family = kind
    while family:
        if family in ABOUT_A_PERSON:
            return family
        family = family.rpartition(".")[0]
    return None


def is_about_a_person(kind: str) -> bool:
    return person_family(kind) is not None


def may_see(*, role: str, kind: str, duties=(), user_id: int | None, owner_id: int | None) -> bool:
    """Whether this person (`user_id`, in `role`, holding `duties`) is shown or told of a deadline
    of this kind owned by `owner_id`: they can open its link and, for a deadline about a member of
    staff, it is their own or they may see everyone's. Which pupils they see is checked apart."""
    if not may_open(role, kind, duties):
        return False
    family = person_family(kind)
    if family is None:
        return True
    if user_id is not None and owner_id == user_id:
        return True
    everyones = EVERYONES_WITH[family]
    return role_can(role, everyones) or duties_can(duties, everyones)


# What each kind of work is called where deadlines are grouped or filtered (the home page, the
# deadlines page): a kind, or a family of kinds. A test checks every kind that opens a page has one.
KIND_LABELS: dict[str, str] = {
    "register.concern_decision": "Concerns to decide",
    "register.monitoring_review": "Monitoring reviews",
    "provision.apdr_agree": "Support plans to agree",
    "provision.apdr_review": "Support plan reviews",
    "provision.parent_meetings": "Parent meetings",
    "ehcp.review": "EHC annual reviews",
    "ehcp.assessment": "Needs assessments",
    "ehcp.consultation": "The LA's consultations",
    "ehcp.section_f_delivery": "Section F delivery",
    "provision.plan_delivery": "Support plan sessions",
    "premium.statement": "Pupil Premium statement",
    "lac.pep": "PEPs, Early Help",
    "training.renewal": "Training renewals",
    "training.supervision": "ELSA supervision",
    "training.senco_qualification": "SENCO qualification",
    "training": "Staff training",
    "inforeport.review": "SEN information report",
    "inforeport": "SEN information report",
    "inforeport.send_policy": "SEND policy review",
    "inforeport.accessibility_plan": "Accessibility plan review",
    # Evidence to gather before the application deadline, arrangements to review before a
    # series: one family, one row on the home page.
    "exams": "Exam arrangements",
    # No existing family fits a referral to an outside agency: one family, one home-page row.
    "agencies": "Referrals to chase",
}


def family_of(kind: str) -> str:
    """The kind, or the family of kinds, that `KIND_LABELS` names ("ehcp.review.held" ->
    "ehcp.review")."""
    family = kind
    while family:
        if family in KIND_LABELS:
            return family
        family = family.rpartition(".")[0]
    return kind


def family_label(kind: str) -> str:
    return KIND_LABELS.get(family_of(kind), kind)
