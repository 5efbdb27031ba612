"""The demo EHC plans: deterministic, idempotent, quick, at every stage of the review clock, and
keeping every invariant of the models and of `ehcp.rules`."""

from __future__ import annotations

import datetime as dt
import time
import zlib
from datetime import date, timedelta

import pytest
import time_machine
from django.db.models import Count
from django.urls import reverse

from ehcp import rules
from ehcp import services as ehcp_services
from ehcp.demo import seed_ehcp
from ehcp.models import (
    Advice,
    AnnualReview,
    AssessmentRequest,
    EhcPlan,
    LaContact,
    LocalAuthority,
    OutcomeProgress,
    PlanOutcome,
    PlanVersion,
    ProvisionItem,
)
from ehcp.selectors import review_line, school_shape, with_review_data
from provision.demo import seed_provision
from provision.models import GroupPupil
from register.demo import seed_pupils
from register.models import YEAR_ORDER, Pupil, SenStatus, YearGroup
from staff import calendar as school_calendar
from staff.models import School
from tests.factories import SchoolFactory, member

WEDNESDAY = date(2026, 11, 25)  # in term: autumn 2 of 2026/27
# Like seed_demo (sendco/management/commands/seed_demo.py): a primary of 280 and a secondary.
DEMO = {
    "meadow-lane": {
        "phase": School.Phase.PRIMARY,
        "local_authority": "Northshire",
        "year_groups": ["R", "1", "2", "3", "4", "5", "6"],
        "per_year": 40,
        "class_size": 20,
    },
    "riverside": {
        "phase": School.Phase.SECONDARY,
        "local_authority": "Westborough",
        "year_groups": ["7", "8", "9", "10", "11"],
        "per_year": 200,
        "class_size": 29,
    },
    "little-oaks": {
        "phase": School.Phase.PRIMARY,
        "local_authority": "Northshire",
        "year_groups": ["R", "1", "2"],
        "per_year": 40,
        "class_size": 20,
        "age_range": ("R", "2"),
        "seed": "little-oaks-1",
    },
    "northfield-college": {
        "phase": School.Phase.POST_16,
        "local_authority": "Westborough",
        "year_groups": ["12", "13"],
        "per_year": 60,
        "class_size": 20,
        "age_range": ("12", "13"),
    },
}
MODELS = (
    LocalAuthority,
    LaContact,
    AssessmentRequest,
    EhcPlan,
    PlanVersion,
    PlanOutcome,
    ProvisionItem,
    AnnualReview,
    Advice,
    OutcomeProgress,
)


def _school(trust, slug: str, *, per_year: int | None = None) -> School:
    spec = DEMO[slug]
    lowest, highest = spec.get("age_range", ("", ""))
    return SchoolFactory(
        trust=trust,
        slug=slug,
        name=slug.replace("-", " ").title(),
        phase=spec["phase"],
        local_authority=spec["local_authority"],
        lowest_year=lowest,
        highest_year=highest,
        age_range_source="settings" if lowest else "mis",
    )


def _build(school, people, today: date, *, per_year: int | None = None) -> tuple[int, float]:
    """The school's years, pupils and provision as seed_demo builds them, then its EHC plans.
    Returns (rows created, seconds seed_ehcp took)."""
    spec = DEMO[school.slug if school.slug in DEMO else "meadow-lane"]
    start = school_calendar.academic_year_start_for(today)
    for year_start in (start - 1, start + 1):
        school_calendar.create_default_year(school=school, academic_year_start=year_start)
    year = school_calendar.create_default_year(school=school, academic_year_start=start)
    seed_pupils(
        school=school,
        year=year,
        year_groups=spec["year_groups"],
        per_year=per_year or spec["per_year"],
        class_size=spec["class_size"],
        seed=zlib.crc32(spec.get("seed", school.slug).encode()),
        today=today,
        **people,
    )
    seed_provision(
        school=school,
        year=year,
        today=today,
        seed=zlib.crc32(f"provision-{school.slug}".encode()),
        **people,
    )
    began = time.perf_counter()
    created = seed_ehcp(
        school=school, today=today, sendco=people["sendco"], teacher=people["teacher"]
    )
    return created, time.perf_counter() - began


@pytest.fixture
def people(sendco, teacher, ta):
    return {"sendco": sendco, "teacher": teacher, "ta": ta}


def _counts() -> list[int]:
    return [m.objects.count() for m in MODELS]


# --------------------------------------------------------------------------------------------------
# Every invariant, checked on whatever was built
# --------------------------------------------------------------------------------------------------

STEP_ORDER = [
    rules.ADVICE_REQUESTED,
    rules.INVITED,
    rules.CIRCULATED,
    rules.HELD,
    rules.REPORTED,
    rules.DECIDED,
    rules.AMENDED,
]


def _replay(review: AnnualReview, advice: list[Advice], today: date) -> None:
    """Record the review's steps again, in date order, through `rules.step_problems`: each must
    be allowed when it happened, and the stage must be the one `rules.stage_of` gives."""
    requested = sorted(a.requested_on for a in advice if a.requested_on)
    done = {
        rules.ADVICE_REQUESTED: requested[0] if requested else None,
        rules.INVITED: review.invitations_sent_on,
        rules.CIRCULATED: review.advice_circulated_on,
        rules.HELD: review.held_on,
        rules.REPORTED: review.report_sent_on,
        rules.DECIDED: review.la_decision_on,
        rules.AMENDED: review.amended_issued_on,
    }
    steps = sorted(
        ((on, STEP_ORDER.index(step), step) for step, on in done.items() if on),
    )
    facts = rules.ReviewFacts(meeting_on=review.meeting_on)
    for on, _, step in steps:
        problems = rules.step_problems(
            facts=facts,
            step=step,
            on=on,
            today=today,
            recommendation=review.recommendation,
            decision=review.la_decision,
        )
        assert problems == [], (review.pk, step, on, problems)
        change = {
            rules.ADVICE_REQUESTED: {"advice_requested": len(requested)},
            rules.INVITED: {"invitations_sent_on": on},
            rules.CIRCULATED: {"advice_circulated_on": on},
            rules.HELD: {"held_on": on},
            rules.REPORTED: {"report_sent_on": on},
            rules.DECIDED: {"la_decision": review.la_decision, "la_decision_on": on},
            rules.AMENDED: {"amended_issued_on": on},
        }[step]
        facts = rules.ReviewFacts(**{**facts.__dict__, **change})
    assert review.stage == rules.stage_of(facts), review.pk
    assert review.stage == rules.stage_of(ehcp_services.facts(review))


def _year_group_on(pupil: Pupil, on: date, today: date) -> str:
    """The pupil's year group in the academic year holding `on`."""
    shift = school_calendar.academic_year_start_for(today) - (
        school_calendar.academic_year_start_for(on)
    )
    return YearGroup.values[YEAR_ORDER[pupil.year_group] - shift]


def check_invariants(school: School, today: date) -> dict:
    """Every rule a plan, a review, its advice and progress, and a request must keep. Returns
    what was found, for the tests to look at."""
    plans = list(
        EhcPlan.objects.filter(school=school).select_related("pupil", "authority").order_by("pk")
    )
    e_pupils = set(
        SenStatus.objects.filter(school=school, category="E", ends_on__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
    on_roll = set(Pupil.objects.filter(school=school).on_roll(today).values_list("pk", flat=True))
    assert {p.pupil_id for p in plans} == e_pupils & on_roll
    places = set(GroupPupil.objects.filter(school=school).values_list("pupil_id", "group_id"))
    found = {"open": [], "finished": [], "transfer": [], "under_five": [], "versions": []}
    for plan in plans:
        pupil, authority = plan.pupil, plan.authority
        lead = rules.LeadTimes.of(authority)
        assert plan.status == EhcPlan.Status.ACTIVE
        versions = list(plan.versions.order_by("number"))
        assert [v.number for v in versions] == list(range(1, len(versions) + 1))
        assert all(a.issued_on < b.issued_on for a, b in zip(versions, versions[1:], strict=False))
        assert versions[-1].issued_on <= today
        found["versions"].append(len(versions))
        status = SenStatus.objects.get(pupil=pupil, category="E", ends_on__isnull=True)
        assert status.starts_on == versions[0].issued_on
        assert rules.age_on(pupil.date_of_birth, versions[0].issued_on) >= 2
        for version in versions:
            outcomes = list(version.outcomes.all())
            items = list(version.provision.all())
            assert 3 <= len(outcomes) <= 4, version.pk
            assert 2 <= len(items) <= 3, version.pk
            for item in items:
                assert item.hours_per_week > 0
                assert item.outcome is None or item.outcome.version_id == version.pk
                if item.group_id:
                    assert version == versions[-1]
                    assert (pupil.pk, item.group_id) in places
        reviews = list(plan.reviews.order_by("meeting_on"))
        unfinished = [r for r in reviews if not rules.finished(ehcp_services.facts(r))]
        assert len(unfinished) <= 1
        assert unfinished == [] or unfinished[0] == reviews[-1]
        anchor = versions[0].issued_on
        for review in reviews:
            assert review.school_id == school.pk
            advice = list(review.advice.all())
            _replay(review, advice, today)
            meeting = review.held_on or review.meeting_on
            assert review.held_on is None or review.held_on == review.meeting_on
            due_by = rules.review_due_by(
                anchor=anchor,
                date_of_birth=pupil.date_of_birth,
                under_five_months=authority.under_five_months,
            )
            assert meeting <= due_by, (review.pk, anchor, meeting, due_by)
            if rules.age_on(pupil.date_of_birth, anchor) < 5:
                found["under_five"].append(review)
            assert review.version.issued_on <= review.meeting_on
            later = [v for v in versions if v.issued_on <= meeting and v.number > 1]
            assert review.version.number == max([1, *[v.number for v in later]])
            transfer = rules.phase_transfer(
                year_group=_year_group_on(pupil, meeting, today),
                academic_year_start=school_calendar.academic_year_start_for(meeting),
                shape=school_shape(school),
            )
            assert review.phase_transfer == (transfer is not None), review.pk
            if review.phase_transfer:
                found["transfer"].append(review)
            for on in (
                review.invitations_sent_on,
                review.advice_circulated_on,
                review.held_on,
                review.report_sent_on,
                review.la_decision_on,
                review.amended_issued_on,
            ):
                assert on is None or on <= today
            for a in advice:
                assert a.school_id == school.pk
                assert a.requested_on is not None
                assert a.requested_on <= review.meeting_on
                assert a.received_on is None or a.requested_on <= a.received_on <= today
                assert bool(a.summary) == bool(a.received_on)
            progress = list(review.progress.all())
            if review.held_on:
                assert {p.outcome_id for p in progress} == set(
                    review.version.outcomes.values_list("pk", flat=True)
                )
                assert review.recommendation in (rules.MAINTAIN, rules.AMEND)
            else:
                assert progress == []
            if rules.finished(ehcp_services.facts(review)):
                found["finished"].append(review)
                assert review.invitations_sent_on
                assert advice
                assert review.advice_circulated_on
                assert review.report_sent_on <= review.held_on + timedelta(days=lead.report_days)
                assert review.la_decision_on <= review.held_on + timedelta(
                    weeks=lead.decision_weeks
                )
                if review.la_decision == rules.AMEND:
                    [amended] = [v for v in versions if v.issued_on == review.amended_issued_on]
                    assert amended.kind == PlanVersion.Kind.AMENDED
            else:
                found["open"].append(review)
            if review.held_on:
                anchor = review.held_on
    for request in AssessmentRequest.objects.filter(school=school):
        assert ehcp_services._request_problems(request, today) == {}
        assert SenStatus.objects.filter(
            pupil=request.pupil, category="K", ends_on__isnull=True
        ).exists()
    return found


# --------------------------------------------------------------------------------------------------
# The demo schools
# --------------------------------------------------------------------------------------------------


def _lines(school: School, today: date):
    plans = with_review_data(EhcPlan.objects.filter(school=school, status="active"))
    return [review_line(plan, today=today) for plan in plans]


def test_the_primary_demo(trust, people):
    school = _school(trust, "meadow-lane")
    created, seconds = _build(school, people, WEDNESDAY)
    assert created > 0
    assert seconds < 1.5, seconds  # about 0.1 s on a quiet machine

    found = check_invariants(school, WEDNESDAY)
    plans = EhcPlan.objects.filter(school=school)
    assert plans.count() == 14  # 5% of 280
    # Plans from the three authorities, with their own lead times.
    by_la = dict(plans.values_list("authority__name").annotate(n=Count("pk")))
    assert set(by_la) == {
        "Northshire County Council",
        "Riverton City Council",
        "Eastvale Borough Council",
    }
    riverton = LocalAuthority.objects.get(school=school, name="Riverton City Council")
    assert (riverton.report_days, riverton.invitation_weeks) == (10, 6)
    # Reviews at every stage: open ones at each step, finished ones maintained and amended.
    open_stages = {r.stage for r in found["open"]}
    assert open_stages == {
        rules.SCHEDULED,
        rules.INVITED,
        rules.ADVICE_REQUESTED,
        rules.CIRCULATED,
        rules.HELD,
        rules.REPORTED,
        rules.DECIDED,
    }
    [waiting] = [r for r in found["open"] if r.stage == rules.DECIDED]
    assert waiting.la_decision == rules.AMEND
    assert {r.stage for r in found["finished"]} == {rules.DECIDED, rules.AMENDED}
    assert max(found["versions"]) >= 2
    # Overdue: a meeting date passed without the meeting, a report not sent in time; nothing
    # else in term time.
    overdue = [line for line in _lines(school, WEDNESDAY) if line.overdue(WEDNESDAY)]
    assert sorted(line.next_step.key for line in overdue) == [rules.HELD, rules.REPORTED]
    # A phase transfer (Year 6, this year) and a child under five reviewed every 6 months.
    transfer = [r for r in found["transfer"] if r.plan.pupil.year_group == "6"]
    assert any(school_calendar.academic_year_start_for(r.meeting_on) == 2026 for r in transfer), (
        transfer
    )
    # The review window of a child under five is the LA's (here 6 months), not 12.
    assert found["under_five"]
    assert "R" in {r.plan.pupil.year_group for r in found["under_five"]}
    # Section F is linked to a group the pupil is in, where there is one.
    assert ProvisionItem.objects.filter(version__plan__school=school, group__isnull=False).exists()
    # Needs-assessment requests at three points of the clock.
    requests = list(AssessmentRequest.objects.filter(school=school))
    assert len(requests) == 3
    clocks = [
        rules.assessment_clock(received_on=r.received_on, advice_requested_on=r.advice_requested_on)
        for r in requests
    ]
    pending = [
        c.decision_by >= WEDNESDAY
        for r, c in zip(requests, clocks, strict=True)
        if r.decision == AssessmentRequest.Decision.PENDING
    ]
    assert sorted(pending) == [False, True]  # one awaiting its decision, one overdue
    [assessing] = [r for r in requests if r.decision == AssessmentRequest.Decision.ASSESS]
    assert assessing.advice_requested_on
    assert assessing.advice_sent_on is None

    # A second run changes nothing.
    counts = _counts()
    statuses = list(SenStatus.objects.order_by("pk").values_list("starts_on", flat=True))
    assert (
        seed_ehcp(
            school=school, today=WEDNESDAY, sendco=people["sendco"], teacher=people["teacher"]
        )
        == 0
    )
    assert _counts() == counts
    assert list(SenStatus.objects.order_by("pk").values_list("starts_on", flat=True)) == statuses


def test_the_secondary_demo(trust, people):
    school = _school(trust, "riverside")
    _, seconds = _build(school, people, WEDNESDAY)
    assert seconds < 1.5, seconds
    found = check_invariants(school, WEDNESDAY)
    assert EhcPlan.objects.filter(school=school).count() == 50
    assert LocalAuthority.objects.filter(school=school, name="Westborough Council").exists()
    assert {r.stage for r in found["open"]} >= {rules.SCHEDULED, rules.HELD, rules.DECIDED}
    assert any(r.plan.pupil.year_group == "11" for r in found["transfer"])
    # From Year 9 the plan has an outcome for adulthood.
    assert PlanOutcome.objects.filter(
        version__plan__school=school, outcome__contains="college"
    ).exists()
    overdue = [line for line in _lines(school, WEDNESDAY) if line.overdue(WEDNESDAY)]
    assert {line.next_step.key for line in overdue} == {rules.HELD, rules.REPORTED}


def test_the_infant_schools_year_2_moves_to_junior_school(trust, people):
    school = _school(trust, "little-oaks")
    _build(school, people, WEDNESDAY)
    found = check_invariants(school, WEDNESDAY)
    moving = [r for r in found["transfer"] if r.plan.pupil.year_group == "2"]
    assert moving, "no Year 2 transfer review in the infant school"
    lines = [line for line in _lines(school, WEDNESDAY) if line.transfer]
    assert {(line.transfer.deadline, line.transfer.label) for line in lines} == {
        (date(2027, 2, 15), "from infant to junior school")
    }


def test_the_colleges_post_16_move(trust, people):
    school = _school(trust, "northfield-college")
    _build(school, people, WEDNESDAY)
    check_invariants(school, WEDNESDAY)
    moving = [line for line in _lines(school, WEDNESDAY) if line.transfer]
    assert [(line.transfer.deadline, line.plan.post_16_move_on) for line in moving] == [
        (date(2027, 3, 31), date(2027, 9, 1))  # 5 months before the move, less a day
    ]


@pytest.mark.parametrize(
    "today",
    [
        date(2026, 9, 3),  # the first days of the year
        date(2027, 2, 17),  # February half-term
        date(2027, 4, 1),  # the Easter holiday
        date(2027, 7, 15),  # the end of the summer term
        date(2027, 8, 12),  # the summer holiday
    ],
)
def test_invariants_hold_all_year(trust, people, today):
    school = _school(trust, "meadow-lane")
    _build(school, people, today, per_year=30)
    found = check_invariants(school, today)
    assert found["open"]
    assert found["finished"]


def test_the_same_seed_gives_the_same_plans(trust, people):
    one = _school(trust, "meadow-lane")
    _build(one, people, WEDNESDAY, per_year=20)
    two = SchoolFactory(trust=trust, slug="meadow-lane-2", phase="primary")
    start = school_calendar.academic_year_start_for(WEDNESDAY)
    for year_start in (start - 1, start + 1):
        school_calendar.create_default_year(school=two, academic_year_start=year_start)
    year = school_calendar.create_default_year(school=two, academic_year_start=start)
    spec = DEMO["meadow-lane"]
    seed_pupils(
        school=two,
        year=year,
        year_groups=spec["year_groups"],
        per_year=20,
        class_size=spec["class_size"],
        seed=zlib.crc32(b"meadow-lane"),
        today=WEDNESDAY,
        **people,
    )
    seed_provision(
        school=two,
        year=year,
        today=WEDNESDAY,
        seed=zlib.crc32(b"provision-meadow-lane"),
        **people,
    )
    seed_ehcp(
        school=two,
        today=WEDNESDAY,
        sendco=people["sendco"],
        teacher=people["teacher"],
        seed=zlib.crc32(b"ehcp-meadow-lane"),
    )

    def shape(school):
        return list(
            AnnualReview.objects.filter(school=school)
            .order_by("plan__pupil__legal_last_name", "plan__pupil__date_of_birth", "meeting_on")
            .values_list("plan__pupil__legal_last_name", "stage", "meeting_on", "held_on")
        )

    assert shape(one)
    assert shape(one) == shape(two)


def test_the_pack_prints_every_stage_of_the_demo(client, trust, people):
    school = _school(trust, "meadow-lane")
    _build(school, people, WEDNESDAY, per_year=30)
    member(school, "sendco", email=people["sendco"].email)
    client.force_login(people["sendco"])
    reviews = {}
    for review in AnnualReview.objects.filter(school=school).order_by("meeting_on"):
        reviews.setdefault(review.stage, review)
    assert len(reviews) >= 6
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC), tick=False):
        for review in reviews.values():
            response = client.get(reverse("ehcp:pack", args=[school.slug, review.public_id]))
            assert response.status_code == 200, review.stage
            assert review.plan.pupil.legal_last_name in response.content.decode()
