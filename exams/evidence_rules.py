"""The rules of teachers' normal-way-of-working evidence and of Form 8 part 1 (DOMAIN.md 6.1),
as plain functions tested with tables (tests/exams/test_evidence_rules.py).

- An arrangement must be the candidate's normal way of working, subject by subject: a teacher's
  answer supports the arrangements they ticked, and only once answered (a request still waiting
  is no evidence).
- Form 8 part 1 (history of need, teacher evidence) is completed by the centre before the
  assessment: an assessment dated before part 1 was first printed is warned of.
- A request unanswered for `EXAMS_EVIDENCE_CHASE_DAYS` days is one to chase.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from staff.models import Role

# Who may be asked for evidence: those who teach (a head or a SENDCo may teach a subject too).
EVIDENCE_TEACHER_ROLES: tuple[Role, ...] = (Role.TEACHER, Role.SENDCO, Role.HEAD)


def chase_days() -> int:
    """Days after which an unanswered request is chased (EXAMS_EVIDENCE_CHASE_DAYS, default 10;
    not a JCQ rule, the school's own)."""
    return int(getattr(settings, "EXAMS_EVIDENCE_CHASE_DAYS", 10))


@dataclass(frozen=True)
class EvidenceFacts:
    """What the rules need of one request: when it was answered (None while waiting) and the
    arrangement kinds (ids) its answer says the candidate normally uses."""

    answered_on: date | None
    kind_ids: frozenset[int] = frozenset()
    subject: str = ""


def counts_as_evidence(facts: EvidenceFacts) -> bool:
    """A request is evidence only once the teacher has answered it."""
    return facts.answered_on is not None


def kinds_supported(facts: EvidenceFacts) -> frozenset[int]:
    """The arrangement kinds this request's answer supports: those ticked, once answered."""
    return facts.kind_ids if counts_as_evidence(facts) else frozenset()


def _facts(row) -> EvidenceFacts:
    """An `EvidenceFacts`, or a `NormalWayEvidence` with its `arrangements` (prefetched)."""
    if isinstance(row, EvidenceFacts):
        return row
    return EvidenceFacts(
        answered_on=row.answered_on,
        kind_ids=frozenset(kind.pk for kind in row.arrangements.all()),
        subject=row.subject,
    )


def normal_way_kinds(evidence_rows: Iterable) -> set[int]:
    """The arrangement kinds (ids) that at least one answered request shows to be the
    candidate's normal way of working. `exams.rules`' flag ("an arrangement with no
    normal-way-of-working evidence") reads it: an arrangement whose kind is not in this set
    has none. Rows are `EvidenceFacts` or `NormalWayEvidence` with `arrangements` prefetched."""
    found: set[int] = set()
    for row in evidence_rows:
        found |= kinds_supported(_facts(row))
    return found


def subjects_for_kind(evidence_rows: Iterable, kind_id: int) -> list[str]:
    """The subjects whose answered evidence supports this kind, in order."""
    return sorted({f.subject for f in map(_facts, evidence_rows) if kind_id in kinds_supported(f)})


def answer_problems(*, kind_ids: Iterable[int], how: str) -> list[str]:
    """Why an answer cannot be saved: a teacher must tick at least one arrangement or say in
    words what the candidate does (an answer "none of these" is said in words)."""
    if not list(kind_ids) and not how.strip():
        return [
            "Tick the arrangements the candidate normally uses, or say in words how they work "
            "(or that they use none)."
        ]
    return []


def ask_problems(*, subject: str, teacher_role: str | None) -> list[str]:
    """Why a request cannot be sent: a subject is needed, and the person asked must teach at
    the school (a role in EVIDENCE_TEACHER_ROLES, with access today)."""
    problems = []
    if not subject.strip():
        problems.append("Say which subject the evidence is for.")
    if teacher_role is None:
        problems.append("Choose a teacher of this school.")
    elif teacher_role not in EVIDENCE_TEACHER_ROLES:
        problems.append("Choose a teacher: this person does not teach at the school.")
    return problems


def chase_due(*, requested_on: date, answered_on: date | None, today: date, days: int) -> bool:
    """Whether an unanswered request has waited `days` days or more and should be chased."""
    return answered_on is None and (today - requested_on).days >= days


def waiting_days(*, requested_on: date, today: date) -> int:
    return max(0, (today - requested_on).days)


@dataclass(frozen=True)
class Part1Warning:
    """Why the order of Form 8 part 1 and the assessment needs a look."""

    assessed_on: date
    part1_on: date | None

    @property
    def message(self) -> str:
        if self.part1_on is None:
            return (
                f"An assessment is recorded on {self.assessed_on:%d/%m/%Y} but Form 8 part 1 "
                "has not been printed: JCQ requires part 1 to be completed before the "
                "assessment."
            )
        return (
            f"The assessment on {self.assessed_on:%d/%m/%Y} came before Form 8 part 1 was "
            f"first printed ({self.part1_on:%d/%m/%Y}): JCQ requires part 1 to be completed "
            "before the assessment."
        )


def part1_order(*, part1_on: date | None, assessed_on: Iterable[date]) -> Part1Warning | None:
    """A warning when an assessment is dated before part 1 was first printed (or part 1 was
    never printed); None when part 1 came first (the same day counts as before) or no
    assessment is recorded."""
    days = sorted(assessed_on)
    if not days:
        return None
    first = days[0]
    if part1_on is None or first < part1_on:
        return Part1Warning(assessed_on=first, part1_on=part1_on)
    return None
