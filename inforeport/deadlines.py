"""Deadlines of the SEN information report (DOMAIN.md 1.7, 1.8, 1.9): its review, due 12 months
after the latest version was published, and the review dates the school set for its SEND policy
and its accessibility plan. They are about the school, not a pupil."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Max, QuerySet
from django.urls import reverse

from register.models import Pupil
from staff.bounds import long_date
from staff.calendar import SchoolCalendar
from staff.deadlines import Deadline, severity
from staff.models import School

from .models import InfoReport, review_due

REVIEW = "inforeport.review"
SEND_POLICY = "inforeport.send_policy"
ACCESSIBILITY_PLAN = "inforeport.accessibility_plan"
KINDS = (REVIEW, SEND_POLICY, ACCESSIBILITY_PLAN)


def deadlines(
    *,
    school: School,
    pupils: QuerySet[Pupil],
    today: date,
    until: date,
    calendar: SchoolCalendar | None = None,
) -> Iterator[Deadline]:
    """The report's review, the SEND policy's and the accessibility plan's, due up to `until`
    or overdue (one query)."""
    found = (
        InfoReport.objects.filter(school=school)
        .annotate(published_on=Max("versions__published_on"))
        .values("published_on", "send_policy_review_on", "accessibility_plan_review_on")
        .first()
    )
    if found is None:
        return
    url = reverse("inforeport:checklist", args=[school.slug])
    due: list[tuple[str, str, date]] = []
    if found["published_on"] is not None:
        published_on = found["published_on"]
        due.append(
            (
                REVIEW,
                f"Review the SEN information report (published {long_date(published_on)})",
                review_due(published_on),
            )
        )
    if found["send_policy_review_on"] is not None:
        due.append((SEND_POLICY, "Review the SEND policy", found["send_policy_review_on"]))
    if found["accessibility_plan_review_on"] is not None:
        due.append(
            (
                ACCESSIBILITY_PLAN,
                "Review the accessibility plan",
                found["accessibility_plan_review_on"],
            )
        )
    for kind, title, on in due:
        if on > until:
            continue
        yield Deadline(
            kind=kind,
            title=title,
            due=on,
            subject="",
            subject_id=f"{kind}-{on.isoformat()}",
            owner_id=None,
            url=url,
            severity=severity(due=on, today=today),
        )
