"""The demo's Early Help (agencies/early_help_demo.py, from seed_demo): a plan reviewed on time,
one with its review overdue and one closed, the DSL duty given, and nothing twice."""

from __future__ import annotations

from django.utils import timezone

from agencies.early_help_demo import seed_early_help
from agencies.early_help_selectors import school_list
from staff.models import Membership
from tests.register.factories import make_pupil


def test_the_demo_has_one_on_time_one_overdue_one_closed(school, sendco, head):
    today = timezone.localdate()
    for n in range(30):
        make_pupil(school, legal_last_name=f"Demo{n:02d}")
    made = seed_early_help(school=school, today=today, sendco=sendco, dsl=head, weeks=6)
    assert made > 1
    rows = school_list(school=school, today=today, closed=False, page=None).object_list
    assert [row.due.overdue for row in rows] == [True, False]
    assert all(row.early_help.reviews.exists() for row in rows)
    closed = school_list(school=school, today=today, closed=True, page=None).object_list
    assert len(closed) == 1
    assert Membership.objects.get(user=head, school=school).duties == ["dsl"]
    assert seed_early_help(school=school, today=today, sendco=sendco, dsl=head, weeks=6) == 0
