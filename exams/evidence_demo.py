"""Demo normal-way-of-working evidence (issue 20): for the candidates who already have
arrangements in the school's exam series (exams/demo.py seeds them), requests to the demo
teacher subject by subject, some answered and some still waiting (one long enough to chase).

Call `seed_evidence(school=..., today=..., sendco=..., teacher=...)` from seed_demo after the
arrangements are seeded; it does nothing where the school has no arrangements or evidence already.
"""

from __future__ import annotations

from datetime import date, timedelta

from staff.models import School, User

from .models import Arrangement, NormalWayEvidence

CANDIDATES = 4  # how many candidates get evidence requests

# (subject, answered?, days ago asked, how in the teacher's words)
REQUESTS = (
    (
        "English",
        True,
        20,
        "Uses a word processor for all extended writing; in timed essays needs about a "
        "quarter more time to finish and to check their work.",
    ),
    ("Mathematics", False, 14, ""),
    (
        "Science",
        True,
        18,
        "Questions are read aloud in end-of-topic tests; without it they misread key words.",
    ),
    ("History", False, 3, ""),
)


def seed_evidence(*, school: School, today: date, sendco: User, teacher: User) -> int:
    """Evidence requests for up to CANDIDATES candidates with arrangements; returns the number
    of rows created."""
    if NormalWayEvidence.objects.filter(school=school).exists():
        return 0
    arrangements = list(
        Arrangement.objects.filter(school=school)
        .select_related("series", "kind")
        .order_by("series__first_exam_on", "pupil__legal_last_name", "pupil_id", "kind__order")
    )
    by_candidate: dict[tuple[int, int], list[Arrangement]] = {}
    for arrangement in arrangements:
        key = (arrangement.series_id, arrangement.pupil_id)
        by_candidate.setdefault(key, []).append(arrangement)
    created = 0
    for index, rows in enumerate(list(by_candidate.values())[:CANDIDATES]):
        first = rows[0]
        kinds = [row.kind for row in rows]
        # Each candidate gets a different share of the subjects, so the trail shows a mix.
        for subject, answered, days_ago, how in REQUESTS[: 2 + index % 3]:
            evidence = NormalWayEvidence.objects.create(
                school=school,
                pupil_id=first.pupil_id,
                series=first.series,
                subject=subject,
                teacher=teacher,
                requested_by=sendco,
                requested_on=today - timedelta(days=days_ago),
                answer=how if answered else "",
                answered_on=today - timedelta(days=days_ago - 4) if answered else None,
            )
            if answered:
                evidence.arrangements.set(kinds[:2])
            created += 1
    return created
