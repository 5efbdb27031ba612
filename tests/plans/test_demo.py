"""The demo support plans: every stage of the graduated approach, consistent dates on any day
the demo is loaded, deterministic and idempotent."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from plans.demo import seed_plans
from plans.models import Contribution, Cycle, ParentMeeting, SupportPlan, Target
from plans.selectors import plan_page, plan_rows
from provision.models import GroupPupil
from register.models import Pupil, SenStatus, TeachingGroup
from staff.models import School, User
from staff.tenancy import access_for
from tests.provision.test_demo import _build

WEDNESDAY = date(2026, 11, 25)
DAYS = [
    WEDNESDAY,  # autumn term
    date(2026, 12, 29),  # Christmas holidays
    date(2027, 2, 10),  # spring term, after a term has ended this year
    date(2027, 8, 10),  # summer holidays
    date(2027, 9, 1),  # the first day of an academic year
]


def _seed(school, ta, teacher, sendco, today=WEDNESDAY, seed=7) -> int:
    _build(school, ta, teacher, sendco, today=today, seed=seed)
    return seed_plans(school=school, today=today, sendco=sendco, seed=seed)


@pytest.fixture
def seeded(school, ta, teacher, sendco):
    _seed(school, ta, teacher, sendco)
    return school


def _on_support(school, today) -> set[int]:
    return set(
        SenStatus.objects.filter(school=school, category="K", starts_on__lte=today).values_list(
            "pupil_id", flat=True
        )
    )


def test_plans_at_every_stage(seeded, sendco):
    rows = plan_rows(access=access_for(sendco, seeded), today=WEDNESDAY, per_page=10_000).rows
    stages = Counter(r.stage_label for r in rows if r.category == "K")
    on_support = sum(stages.values())
    assert on_support >= 25
    assert {"Assess", "Plan", "Do", "Review overdue", "No plan yet"} <= set(stages), stages
    assert stages["Do"] > on_support / 3
    assert 0.03 <= stages["Review overdue"] / on_support <= 0.25, stages
    assert 0.02 <= stages["No plan yet"] / on_support <= 0.25, stages
    # Only pupils on SEN support (K) have demo plans.
    assert {p.pupil_id for p in SupportPlan.objects.filter(school=seeded)} <= _on_support(
        seeded, WEDNESDAY
    )
    # Up to three reviewed cycles before the open one; most plans have some history.
    lengths = Counter(len(p.cycles.all()) for p in SupportPlan.objects.prefetch_related("cycles"))
    assert set(lengths) <= {1, 2, 3, 4}
    assert lengths[1] < sum(lengths.values()) / 2
    assert lengths[3] + lengths[4] > 0
    # Quality warnings show for some plans, not all of them.
    warned = [r for r in rows if r.plan and r.warnings]
    assert 0 < len(warned) < len([r for r in rows if r.plan])
    assert Target.objects.filter(cycle__stage="do", baseline="").exists()
    # Some pupils are behind with the year's parent meetings.
    assert any(r.schedule and r.schedule.held < r.schedule.expected_by_now for r in rows)


def test_targets_outcomes_and_carried_over(seeded):
    reviewed = Target.objects.filter(school=seeded, cycle__stage="reviewed")
    outcomes = Counter(reviewed.values_list("outcome", flat=True))
    assert set(outcomes) == {"achieved", "partly", "not_achieved"}
    assert outcomes["achieved"] > outcomes["not_achieved"]
    carried = Target.objects.filter(school=seeded, carried_from__isnull=False).select_related(
        "carried_from__cycle", "cycle"
    )
    assert carried.exists()
    for target in carried:
        old = target.carried_from
        assert old.outcome in ("partly", "not_achieved")
        assert old.cycle.plan_id == target.cycle.plan_id
        assert old.cycle.number == target.cycle.number - 1
        assert old.description == target.description
    # Realistic texts per need, and delivered by the pupil's own groups where they have one.
    assert Target.objects.filter(description__contains="high-frequency words").exists()
    places = set(GroupPupil.objects.filter(school=seeded).values_list("group_id", "pupil_id"))
    links = Target.groups.through.objects.filter(target__school=seeded).values_list(
        "group_id", "target__cycle__plan__pupil_id"
    )
    assert links
    assert set(links) <= places
    assert not Target.objects.filter(
        school=seeded, groups__isnull=True, other_provision="", cycle__stage__in=["do", "reviewed"]
    ).exists()


def test_delivery_from_the_session_logs(seeded):
    """A plan under way with a linked group shows sessions planned, run and attended."""
    cycle = (
        Cycle.objects.filter(school=seeded, stage="do", targets__groups__isnull=False)
        .select_related("plan__pupil", "plan__school")
        .first()
    )
    page = plan_page(plan=cycle.plan, today=WEDNESDAY)
    delivery = [d for t in page.current.targets for d in page.current.delivery[t.pk]]
    assert any(d.planned > 0 and 0 < d.run <= d.planned and d.attended <= d.run for d in delivery)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_invariants_on_any_day(school, ta, teacher, sendco, today):
    assert _seed(school, ta, teacher, sendco, today=today) > 0
    plans = SupportPlan.objects.filter(school=school).prefetch_related(
        "cycles__targets__groups", "cycles__contributions", "meetings"
    )
    lead_of = {
        pupil_id: teacher
        for pupil_id in TeachingGroup.pupils.through.objects.filter(
            teachinggroup__teachers=teacher,
            teachinggroup__academic_year__starts_on__lte=today,
            teachinggroup__academic_year__ends_on__gte=today,
        ).values_list("pupil_id", flat=True)
    }
    assert plans
    for plan in plans:
        assert plan.lead == lead_of.get(plan.pupil_id)  # the class teacher, where there is one
        cycles = list(plan.cycles.all())
        assert [c.number for c in cycles] == list(range(1, len(cycles) + 1))
        assert [c.stage != "reviewed" for c in cycles].count(True) == 1  # one open cycle ...
        assert cycles[-1].stage != "reviewed"  # ... the last
        for before, after in zip(cycles, cycles[1:], strict=False):
            assert before.reviewed_on <= after.starts_on
        for cycle in cycles:
            assert cycle.starts_on <= today
            if cycle.agreed_on:
                assert cycle.starts_on <= cycle.agreed_on <= today, cycle
            if cycle.agreed_on and cycle.review_due:
                assert cycle.review_due > cycle.agreed_on
            targets = list(cycle.targets.all())
            if cycle.stage in ("do", "reviewed"):
                assert cycle.agreed_on
                assert cycle.review_due
                assert targets
                assert all(t.by_when == cycle.review_due for t in targets)
            if cycle.stage == "reviewed":
                assert cycle.starts_on <= cycle.reviewed_on <= today
                assert cycle.reviewed_by_id == plan.created_by_id
                assert all(t.outcome for t in targets)
            else:
                assert cycle.reviewed_on is None
                assert not any(t.outcome for t in targets)
            assert [t.position for t in targets] == list(range(1, len(targets) + 1))
            for note in cycle.contributions.all():
                assert cycle.starts_on <= timezone.localdate(note.created_at) <= today
        for meeting in plan.meetings.all():
            assert meeting.held_on <= today
    # Overdue reviews and reviews still to come, whatever the day.
    open_do = Cycle.objects.filter(school=school, stage="do")
    assert open_do.filter(review_due__lt=today).exists()
    assert open_do.filter(review_due__gte=today).exists()


def test_a_second_run_changes_nothing(school, ta, teacher, sendco):
    assert _seed(school, ta, teacher, sendco) > 0
    models = (SupportPlan, Cycle, Target, Target.groups.through, Contribution, ParentMeeting)
    counts = [m.objects.count() for m in models]
    assert seed_plans(school=school, today=WEDNESDAY, sendco=sendco, seed=7) == 0
    assert [m.objects.count() for m in models] == counts


def test_the_same_seed_gives_the_same_plans(school, other_school, ta, teacher, sendco):
    other_school.phase = school.phase
    other_school.save()
    _seed(school, ta, teacher, sendco)
    _seed(other_school, ta, teacher, sendco)

    def shape(s):
        return list(
            Cycle.objects.filter(school=s)
            .order_by("plan__pupil_id", "number")
            .values_list(
                "plan__pupil__legal_first_name", "number", "stage", "starts_on", "review_due"
            )
        ), list(
            Target.objects.filter(school=s)
            .order_by("cycle__plan__pupil_id", "cycle__number", "position")
            .values_list("description", "baseline", "outcome")
        )

    assert shape(school) == shape(other_school)


@pytest.mark.django_db
def test_seed_demo_prints_the_demo_plans(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    for school in School.objects.all():
        # The primary and secondary have 20 or more; the infant school and college, of 120, 10.
        wanted = 20 if Pupil.objects.filter(school=school).count() >= 280 else 10
        assert SupportPlan.objects.filter(school=school).count() >= wanted
        sendco = User.objects.get(email=f"sendco@{school.slug}.example.org")
        longest = max(
            SupportPlan.objects.filter(school=school).prefetch_related("cycles"),
            key=lambda p: len(p.cycles.all()),
        )
        client.force_login(sendco)
        for name in ("print", "evidence"):
            url = reverse(f"plans:{name}", args=[school.slug, longest.pupil.public_id])
            response = client.get(url)
            assert response.status_code == 200, (school, name)
        assert f"Cycle {len(longest.cycles.all())}" in response.content.decode()
    # The demo teacher leads the plans of the pupils on SEN support in their class.
    teacher = User.objects.get(email="teacher@meadow-lane.example.org")
    assert SupportPlan.objects.filter(lead=teacher).exists()
