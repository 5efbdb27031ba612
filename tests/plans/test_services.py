"""Writes of support plans (Assess, Plan, Do, Review; DOMAIN.md 1.3) and the reads of delivery
from the session logs: what the SENDCo can and cannot do to a plan, and what it records."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plans import selectors as plan_selectors
from plans import services as plan_services
from plans.models import Contribution, Cycle, ParentMeeting, SupportPlan, Target
from provision.delivery import DeliveryReader
from provision.models import Attendance, Group, GroupPupil, Intervention, Session
from register.models import Need, NeedType
from staff import calendar as school_calendar
from staff.models import AcademicYear, AuditEvent, ClosureDay
from staff.tenancy import access_for
from tests.factories import member
from tests.register.factories import class_of, make_pupil, put_on

START = date(2026, 9, 7)  # a Monday of autumn 2026
AGREED = date(2026, 9, 14)
REVIEW_DUE = date(2026, 12, 18)  # the end of autumn 2026 by the default pattern
REVIEWED = date(2026, 12, 17)


@pytest.fixture
def calendar(school):
    for start in (2026, 2027):
        school_calendar.create_default_year(school=school, academic_year_start=start)


@pytest.fixture
def access(school, sendco):
    return access_for(sendco, school)


@pytest.fixture
def pupil(school, calendar):
    pupil = make_pupil(school, legal_first_name="Mina", legal_last_name="Khan")
    put_on(pupil, "K", date(2025, 9, 1), "SPLD", "SLCN")
    return pupil


def spld():
    return NeedType.objects.get(code="SPLD")


def started(access, pupil, today=START, **kwargs) -> Cycle:
    plan = plan_services.plan_start(access=access, pupil=pupil, today=today, **kwargs)
    return plan.cycles.get()


def add_target(access, cycle, description="Read 20 high-frequency words", **fields) -> Target:
    complete = {
        "measure": "Word list",
        "baseline": "8 words",
        "expected": "20 words",
        "by_when": REVIEW_DUE,
        "need_type": spld(),
        "other_provision": "Word cards at home",
    }
    return plan_services.target_save(
        access=access, cycle=cycle, description=description, **{**complete, **fields}
    )


def under_way(access, cycle, targets=1, groups=()) -> Cycle:
    """Targets, agreed dates, then Assess -> Plan -> Do."""
    for n in range(targets):
        plan_services.target_save(
            access=access, cycle=cycle, description=f"Target {n + 1}", groups=groups
        )
    plan_services.cycle_update(access=access, cycle=cycle, agreed_on=AGREED, review_due=REVIEW_DUE)
    for _ in ("to plan", "to do"):
        cycle = plan_services.cycle_advance(access=access, cycle=cycle, today=AGREED)
    return cycle


def reviewed(access, cycle, outcomes, on=REVIEWED, **fields) -> Cycle:
    targets = list(cycle.targets.order_by("position"))
    return plan_services.review_complete(
        access=access,
        cycle=cycle,
        today=on,
        reviewed_on=on,
        outcomes={
            t.pk: {"outcome": o, "evidence": f"Evidence {o}"}
            for t, o in zip(targets, outcomes, strict=True)
        },
        **fields,
    )


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# --------------------------------------------------------------------------------------------------
# Starting a plan
# --------------------------------------------------------------------------------------------------


def test_plan_start_opens_cycle_one_at_assess_with_the_needs_from_the_register(
    school, access, pupil, teacher
):
    Need.objects.filter(pupil=pupil, rank=1).update(description="Reads slowly")
    ended = NeedType.objects.get(code="SEMH")
    Need.objects.create(
        school=school,
        pupil=pupil,
        rank=3,
        need_type=ended,
        starts_on=date(2024, 9, 1),
        ends_on=date(2025, 7, 1),
    )
    plan = plan_services.plan_start(access=access, pupil=pupil, today=START, lead=teacher)
    assert (plan.kind, plan.lead, plan.created_by, plan.school) == (
        SupportPlan.Kind.SEN_SUPPORT,
        teacher,
        access.user,
        school,
    )
    cycle = plan.cycles.get()
    assert (cycle.number, cycle.stage, cycle.starts_on) == (1, "assess", START)
    assert cycle.needs_summary == (
        "Primary need: Specific learning difficulty. Reads slowly\n"
        "Secondary need: Speech, language and communication needs"
    )
    event = AuditEvent.objects.get(action="provision.plan.started")
    assert (event.pupil_public_id, event.actor, event.school) == (
        pupil.public_id,
        access.user,
        school,
    )


def test_a_pupil_with_an_ehc_plan_gets_interim_targets(school, access, calendar):
    pupil = make_pupil(school)
    put_on(pupil, "E", date(2025, 9, 1), "ASD")
    plan = plan_services.plan_start(access=access, pupil=pupil, today=START)
    assert plan.kind == SupportPlan.Kind.EHCP_INTERIM


@pytest.mark.parametrize(
    "status",
    [
        pytest.param(None, id="no status"),
        pytest.param(("N", date(2025, 9, 1), None), id="no special educational need"),
        pytest.param(("K", date(2025, 9, 1), date(2026, 7, 20)), id="came off SEN support"),
        pytest.param(("K", date(2026, 9, 8), None), id="SEN support from tomorrow"),
    ],
)
def test_plan_start_is_refused_for_a_pupil_not_on_sen_support(school, access, calendar, status):
    pupil = make_pupil(school, legal_first_name="Otto", legal_last_name="Berg")
    if status:
        category, starts_on, ends_on = status
        put_on(pupil, category, starts_on, ends_on=ends_on)
    with pytest.raises(ValidationError) as error:
        plan_services.plan_start(access=access, pupil=pupil, today=START)
    assert messages(error.value) == [
        "Otto Berg is not on SEN support: record the SEN status on the register first."
    ]
    assert not SupportPlan.objects.exists()


def test_a_second_plan_is_refused(access, pupil):
    plan_services.plan_start(access=access, pupil=pupil, today=START)
    with pytest.raises(ValidationError) as error:
        plan_services.plan_start(access=access, pupil=pupil, today=AGREED)
    assert messages(error.value) == ["Mina Khan already has a support plan."]
    assert Cycle.objects.count() == 1


# --------------------------------------------------------------------------------------------------
# Assess and Plan
# --------------------------------------------------------------------------------------------------


def test_cycle_update_saves_the_sections_trimmed_and_audits_the_field_names(access, pupil):
    cycle = started(access, pupil)
    cycle = plan_services.cycle_update(
        access=access, cycle=cycle, parent_views="  Worried about reading  ", agreed_on=AGREED
    )
    cycle.refresh_from_db()
    assert (cycle.parent_views, cycle.agreed_on) == ("Worried about reading", AGREED)
    event = AuditEvent.objects.get(action="provision.plan.changed")
    assert event.detail == {"cycle": 1, "fields": ["agreed_on", "parent_views"]}
    assert "Worried" not in str(event.detail)


@pytest.mark.parametrize("review_due", [AGREED, date(2026, 9, 1)])
def test_the_review_date_must_follow_the_agreement(access, pupil, review_due):
    cycle = started(access, pupil)
    with pytest.raises(ValidationError) as error:
        plan_services.cycle_update(
            access=access, cycle=cycle, agreed_on=AGREED, review_due=review_due
        )
    assert error.value.message_dict == {
        "review_due": ["The review date must be after the date the plan was agreed."]
    }
    cycle.refresh_from_db()
    assert cycle.review_due is None


def test_cycle_update_refuses_fields_that_are_not_assess_or_plan(access, pupil):
    cycle = started(access, pupil)
    with pytest.raises(ValueError, match="stage"):
        plan_services.cycle_update(access=access, cycle=cycle, stage="reviewed")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("review_due", "The plan is under way: change its review date, do not remove it."),
        ("agreed_on", "The plan is under way: the date it was agreed cannot be removed."),
    ],
)
def test_a_plan_under_way_keeps_its_dates(access, pupil, field, message):
    cycle = under_way(access, started(access, pupil))
    with pytest.raises(ValidationError) as error:
        plan_services.cycle_update(access=access, cycle=cycle, **{field: None})
    assert error.value.message_dict == {field: [message]}
    moved = plan_services.cycle_update(access=access, cycle=cycle, review_due=date(2027, 1, 15))
    assert moved.review_due == date(2027, 1, 15)


def test_targets_are_numbered_and_renumbered_after_a_removal(access, pupil):
    cycle = started(access, pupil)
    first, second, third = (add_target(access, cycle, f"T{n}") for n in range(3))
    assert [first.position, second.position, third.position] == [1, 2, 3]
    plan_services.target_remove(access=access, target=first)
    assert list(cycle.targets.values_list("description", "position")) == [("T1", 1), ("T2", 2)]
    assert AuditEvent.objects.filter(action="provision.plan.target_removed").count() == 1


def test_a_target_of_another_cycle_cannot_be_saved_through_this_one(school, access, pupil):
    mine = started(access, pupil)
    other_pupil = make_pupil(school)
    put_on(other_pupil, "K", date(2025, 9, 1))
    theirs = add_target(access, started(access, other_pupil), "Theirs")
    with pytest.raises(ValidationError) as error:
        plan_services.target_save(access=access, cycle=mine, target=theirs, description="Mine")
    assert messages(error.value) == ["This target belongs to another cycle."]
    theirs.refresh_from_db()
    assert theirs.description == "Theirs"


@pytest.fixture
def talk_boost(school):
    talk = Intervention.objects.create(school=school, name="Talk Boost")

    def group(name, status="running", starts_on=date(2026, 9, 7), ends_on=date(2027, 3, 19)):
        return Group.objects.create(
            school=school,
            intervention=talk,
            name=name,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
            sessions_per_week=3,
            session_minutes=30,
            days="0,2,4",
        )

    return group


def test_changing_a_targets_words_keeps_its_provision(access, pupil, talk_boost):
    group = talk_boost("Talk Boost Y3")
    cycle = started(access, pupil)
    target = plan_services.target_save(
        access=access, cycle=cycle, description="Speak in class", groups=[group]
    )
    plan_services.target_save(
        access=access, cycle=cycle, target=target, description="Speak in assembly"
    )
    assert list(target.groups.all()) == [group]
    plan_services.target_save(access=access, cycle=cycle, target=target, groups=[])
    assert not target.groups.exists()


def test_a_group_of_another_school_cannot_deliver_a_target(access, pupil, other_school, talk_boost):
    cycle = started(access, pupil)
    theirs = Group.objects.create(
        school=other_school,
        intervention=Intervention.objects.create(school=other_school, name="Lego therapy"),
        name="Lego Y3",
        starts_on=START,
        ends_on=REVIEW_DUE,
        sessions_per_week=1,
        session_minutes=30,
    )
    ours = talk_boost("Talk Boost Y3")
    with pytest.raises(ValidationError) as error:
        plan_services.target_save(
            access=access, cycle=cycle, description="Speak in class", groups=[ours, theirs]
        )
    assert messages(error.value) == ["A group of another school cannot deliver this target."]
    assert not Target.objects.exists()
    target = plan_services.target_save(
        access=access, cycle=cycle, description="Speak in class", groups=[ours]
    )
    assert list(target.groups.all()) == [ours]


def test_contributions_are_trimmed_and_must_have_words(access, pupil, teacher, school):
    cycle = started(access, pupil)
    with pytest.raises(ValidationError) as error:
        plan_services.contribution_add(access=access, cycle=cycle, body="   ", stage="assess")
    assert error.value.message_dict == {"body": ["Write your contribution."]}
    contribution = plan_services.contribution_add(
        access=access_for(teacher, school), cycle=cycle, body=" Tires after lunch ", stage="assess"
    )
    assert (contribution.body, contribution.author) == ("Tires after lunch", teacher)


# --------------------------------------------------------------------------------------------------
# A reviewed cycle is frozen
# --------------------------------------------------------------------------------------------------


FROZEN = "Cycle 1 was reviewed on 17/12/2026 and can no longer be changed."


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda access, cycle, target: plan_services.cycle_update(
                access=access, cycle=cycle, strategies="Sit near the front"
            ),
            id="cycle_update",
        ),
        pytest.param(
            lambda access, cycle, target: plan_services.target_save(
                access=access, cycle=cycle, description="A new target"
            ),
            id="target_save new",
        ),
        pytest.param(
            lambda access, cycle, target: plan_services.target_save(
                access=access, cycle=cycle, target=target, description="Rewritten"
            ),
            id="target_save change",
        ),
        pytest.param(
            lambda access, cycle, target: plan_services.target_remove(access=access, target=target),
            id="target_remove",
        ),
        pytest.param(
            lambda access, cycle, target: plan_services.contribution_add(
                access=access, cycle=cycle, body="Late thought", stage="review"
            ),
            id="contribution_add",
        ),
    ],
)
def test_a_reviewed_cycle_cannot_be_changed(access, pupil, change):
    cycle = under_way(access, started(access, pupil))
    cycle = reviewed(access, cycle, ["achieved"])
    target = cycle.targets.get()
    before = (cycle.strategies, Target.objects.count(), Contribution.objects.count())
    with pytest.raises(ValidationError) as error:
        change(access, cycle, target)
    assert messages(error.value) == [FROZEN]
    cycle.refresh_from_db()
    target.refresh_from_db()
    assert (cycle.strategies, Target.objects.count(), Contribution.objects.count()) == before
    assert target.description == "Target 1"


# --------------------------------------------------------------------------------------------------
# Moving on: Assess -> Plan -> Do
# --------------------------------------------------------------------------------------------------


def test_assess_moves_to_plan_without_targets(access, pupil):
    cycle = plan_services.cycle_advance(access=access, cycle=started(access, pupil), today=START)
    assert cycle.stage == "plan"
    assert AuditEvent.objects.get(action="provision.plan.advanced").detail == {
        "cycle": 1,
        "stage_from": "assess",
        "stage_to": "plan",
    }


@pytest.mark.parametrize(
    ("targets", "dates", "problems"),
    [
        (
            0,
            {},
            [
                "Add at least one target before the plan starts.",
                "Record the date the plan was agreed with the parents.",
                "Set the review date agreed with the parents.",
            ],
        ),
        (1, {"review_due": REVIEW_DUE}, ["Record the date the plan was agreed with the parents."]),
        (
            1,
            {"agreed_on": date(2026, 9, 15), "review_due": REVIEW_DUE},
            ["The plan cannot be agreed on a date still to come."],
        ),
        (
            0,
            {"agreed_on": AGREED, "review_due": REVIEW_DUE},
            ["Add at least one target before the plan starts."],
        ),
    ],
)
def test_plan_cannot_start_until_it_is_complete(access, pupil, targets, dates, problems):
    cycle = plan_services.cycle_advance(access=access, cycle=started(access, pupil), today=START)
    for _ in range(targets):
        add_target(access, cycle)
    if dates:
        plan_services.cycle_update(access=access, cycle=cycle, **dates)
    with pytest.raises(ValidationError) as error:
        plan_services.cycle_advance(access=access, cycle=cycle, today=AGREED)
    assert messages(error.value) == problems
    cycle.refresh_from_db()
    assert cycle.stage == "plan"
    assert not ParentMeeting.objects.exists()


def test_starting_the_plan_records_the_planning_meeting_with_the_parents(access, pupil):
    cycle = under_way(access, started(access, pupil))
    assert cycle.stage == "do"
    meeting = ParentMeeting.objects.get()
    assert (meeting.kind, meeting.held_on, meeting.cycle, meeting.plan) == (
        "planning",
        AGREED,
        cycle,
        cycle.plan,
    )
    with pytest.raises(ValidationError) as error:
        plan_services.cycle_advance(access=access, cycle=cycle, today=AGREED)
    assert messages(error.value) == [
        "The plan is under way: complete the review to finish this cycle."
    ]


# --------------------------------------------------------------------------------------------------
# Review
# --------------------------------------------------------------------------------------------------


def test_review_needs_an_outcome_for_every_target(access, pupil):
    cycle = under_way(access, started(access, pupil), targets=3)
    first = cycle.targets.get(position=1)
    with pytest.raises(ValidationError) as error:
        plan_services.review_complete(
            access=access,
            cycle=cycle,
            today=REVIEWED,
            reviewed_on=REVIEWED,
            outcomes={first.pk: {"outcome": "achieved"}},
        )
    assert messages(error.value) == ["Say whether each target was achieved (2 without an outcome)."]
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.reviewed_on) == ("do", None)
    assert not cycle.targets.exclude(outcome="").exists()


def test_an_outcome_must_be_one_of_the_three(access, pupil):
    cycle = under_way(access, started(access, pupil))
    with pytest.raises(ValidationError) as error:
        reviewed(access, cycle, ["brilliant"])
    assert messages(error.value) == [
        "An outcome is not one of achieved, partly achieved or not achieved."
    ]


@pytest.mark.parametrize(
    ("reviewed_on", "problem"),
    [
        (None, "Give the date of the review meeting."),
        (date(2026, 12, 18), "A review cannot be recorded before it happens."),
        (date(2026, 9, 13), "The review cannot be before the plan was agreed (14/09/2026)."),
    ],
)
def test_review_date_rules(access, pupil, reviewed_on, problem):
    cycle = under_way(access, started(access, pupil))
    with pytest.raises(ValidationError) as error:
        plan_services.review_complete(
            access=access,
            cycle=cycle,
            today=REVIEWED,
            reviewed_on=reviewed_on,
            outcomes={cycle.targets.get().pk: {"outcome": "achieved"}},
        )
    assert messages(error.value) == [problem]


def test_only_a_plan_under_way_is_reviewed(access, pupil):
    cycle = started(access, pupil)
    with pytest.raises(ValidationError) as error:
        reviewed(access, cycle, [])
    assert messages(error.value) == [
        "Only a plan that is under way (Do) can be reviewed: agree the plan first."
    ]


def test_completing_the_review_freezes_the_cycle_and_records_the_meeting(access, pupil):
    cycle = under_way(access, started(access, pupil), targets=2)
    cycle = reviewed(
        access,
        cycle,
        ["achieved", "partly"],
        parents_attended=True,
        participants="  Mum, class teacher, SENDCo ",
        next_steps="Keep the word cards",
    )
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.reviewed_on, cycle.reviewed_by, cycle.frozen) == (
        "reviewed",
        REVIEWED,
        access.user,
        True,
    )
    assert (cycle.participants, cycle.next_steps) == (
        "Mum, class teacher, SENDCo",
        "Keep the word cards",
    )
    assert list(cycle.targets.values_list("outcome", "evidence")) == [
        ("achieved", "Evidence achieved"),
        ("partly", "Evidence partly"),
    ]
    review_meeting = ParentMeeting.objects.get(kind="review")
    assert (review_meeting.held_on, review_meeting.attended_by, review_meeting.cycle) == (
        REVIEWED,
        "Mum, class teacher, SENDCo",
        cycle,
    )
    event = AuditEvent.objects.get(action="provision.plan.reviewed")
    assert event.pupil_public_id == pupil.public_id
    assert event.detail == {"cycle": 1, "achieved": 1, "targets": 2}
    assert set(
        AuditEvent.objects.filter(action__startswith="provision.plan.").values_list(
            "pupil_public_id", flat=True
        )
    ) == {pupil.public_id}
    with pytest.raises(ValidationError) as error:
        reviewed(access, cycle, ["achieved", "achieved"])
    assert messages(error.value) == ["This cycle has already been reviewed."]


def test_a_review_without_the_parents_is_not_a_parent_meeting(access, pupil):
    cycle = under_way(access, started(access, pupil))
    reviewed(access, cycle, ["achieved"])
    assert list(ParentMeeting.objects.values_list("kind", flat=True)) == ["planning"]


# --------------------------------------------------------------------------------------------------
# The next cycle
# --------------------------------------------------------------------------------------------------


def test_the_next_cycle_waits_for_the_review(access, pupil):
    cycle = under_way(access, started(access, pupil))
    with pytest.raises(ValidationError) as error:
        plan_services.cycle_next(access=access, plan=cycle.plan, today=REVIEWED)
    assert messages(error.value) == ["Review the current cycle before starting the next one."]
    assert cycle.plan.cycles.count() == 1


def test_the_next_cycle_carries_the_unfinished_targets_over(access, pupil, talk_boost):
    running = talk_boost("Running")
    planned = talk_boost("Planned", status="planned")
    ended = talk_boost("Ended", status="ended", ends_on=date(2026, 12, 11))
    cycle = started(access, pupil)
    plan_services.cycle_update(access=access, cycle=cycle, strategies="Sit near the front")
    add_target(access, cycle, "Done")
    partly = add_target(access, cycle, "Half way", by_when=date(2026, 12, 1))
    plan_services.target_save(
        access=access, cycle=cycle, target=partly, groups=[running, planned, ended]
    )
    missed = add_target(access, cycle, "Not there", need_type=None, other_provision="")
    cycle = under_way(access, cycle, targets=0)
    reviewed(access, cycle, ["achieved", "partly", "not_achieved"], next_steps="More practice")

    second = plan_services.cycle_next(access=access, plan=cycle.plan, today=date(2027, 1, 6))
    assert (second.number, second.stage, second.starts_on) == (2, "assess", date(2027, 1, 6))
    assert second.strategies == "Sit near the front"
    assert second.assessment == "Next steps agreed at the review of cycle 1:\nMore practice"
    assert second.needs_summary.startswith("Primary need: Specific learning difficulty")
    carried = list(second.targets.order_by("position"))
    assert [(t.position, t.description, t.carried_from) for t in carried] == [
        (1, "Half way", partly),
        (2, "Not there", missed),
    ]
    assert [(t.by_when, t.outcome, t.measure) for t in carried] == [
        (None, "", "Word list"),
        (None, "", "Word list"),
    ]
    assert (carried[0].need_type, carried[1].need_type) == (spld(), None)
    assert set(carried[0].groups.all()) == {running, planned}
    # The reviewed cycle is untouched.
    partly.refresh_from_db()
    assert (partly.by_when, partly.outcome, set(partly.groups.all())) == (
        date(2026, 12, 1),
        "partly",
        {running, planned, ended},
    )
    assert AuditEvent.objects.get(action="provision.plan.cycle_started").detail == {
        "cycle": 2,
        "carried": 2,
    }


def test_cycles_are_numbered_in_order(access, pupil):
    cycle = under_way(access, started(access, pupil))
    reviewed(access, cycle, ["achieved"])
    second = plan_services.cycle_next(access=access, plan=cycle.plan, today=REVIEWED)
    assert second.targets.count() == 0
    with pytest.raises(ValidationError):
        plan_services.cycle_next(access=access, plan=cycle.plan, today=REVIEWED)
    second = under_way(access, second)
    Cycle.objects.filter(pk=second.pk).update(agreed_on=REVIEWED)
    reviewed(access, second, ["not_achieved"], on=REVIEWED)
    third = plan_services.cycle_next(access=access, plan=cycle.plan, today=REVIEWED)
    assert list(cycle.plan.cycles.values_list("number", "stage")) == [
        (1, "reviewed"),
        (2, "reviewed"),
        (3, "assess"),
    ]
    assert third.targets.get().carried_from.cycle == second


def test_the_database_holds_one_open_cycle_per_plan(access, pupil):
    cycle = started(access, pupil)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(school=cycle.school, plan=cycle.plan, number=2, starts_on=START)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(
            school=cycle.school,
            plan=cycle.plan,
            number=1,
            stage="reviewed",
            reviewed_on=START,
            starts_on=START,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportPlan.objects.create(
            school=cycle.school, pupil=pupil, created_by=cycle.plan.created_by
        )
    assert Cycle.objects.count() == 1


# --------------------------------------------------------------------------------------------------
# Parent meetings and the review date from the calendar
# --------------------------------------------------------------------------------------------------


def test_a_meeting_cannot_be_recorded_before_it_happens(access, pupil):
    cycle = started(access, pupil)
    with pytest.raises(ValidationError) as error:
        plan_services.meeting_record(
            access=access, plan=cycle.plan, held_on=date(2026, 10, 2), today=date(2026, 10, 1)
        )
    assert error.value.message_dict == {
        "held_on": ["A meeting cannot be recorded before it happens."]
    }
    meeting = plan_services.meeting_record(
        access=access, plan=cycle.plan, held_on=date(2026, 10, 1), today=date(2026, 10, 1)
    )
    assert (meeting.cycle, meeting.kind) == (cycle, "other")


@pytest.mark.parametrize(
    ("agreed_on", "expected"),
    [
        (date(2026, 9, 14), date(2026, 12, 18)),
        (date(2026, 11, 20), date(2027, 3, 19)),
        (date(2027, 8, 2), date(2027, 12, 17)),
        (date(2028, 2, 29), date(2028, 7, 21)),
        (date(2028, 8, 1), date(2028, 10, 24)),  # no 2028/29 terms yet: 12 weeks
    ],
)
def test_the_default_review_date_comes_from_the_school_calendar(
    school, calendar, agreed_on, expected
):
    assert plan_services.review_due_for(school=school, agreed_on=agreed_on) == expected


def test_season_terms_gives_whole_terms_even_when_half_of_one_overlaps(
    school, calendar, django_assert_num_queries
):
    with django_assert_num_queries(1):
        terms = school_calendar.season_terms(
            school=school, start=date(2026, 12, 1), end=date(2027, 1, 10)
        )
    assert [(t.label, t.starts_on, t.ends_on) for t in terms] == [
        ("Autumn", date(2026, 9, 2), date(2026, 12, 18)),
        ("Spring", date(2027, 1, 4), date(2027, 3, 19)),
    ]


# --------------------------------------------------------------------------------------------------
# Do: delivery read from the session logs
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def autumn_group(school, ta, calendar, pupil, talk_boost):
    """Talk Boost on Monday, Wednesday and Friday of autumn 2 2026; Mina in it 16 Nov - 4 Dec."""
    group = talk_boost("Talk Boost Y3", starts_on=date(2026, 11, 2), ends_on=date(2026, 12, 18))
    GroupPupil.objects.create(
        school=school,
        group=group,
        pupil=pupil,
        joined_on=date(2026, 11, 16),
        left_on=date(2026, 12, 4),
    )
    ClosureDay.objects.create(school=school, on=date(2026, 11, 25))  # a Wednesday INSET day
    log = {
        date(2026, 11, 2): None,  # before she joined: run, she is not on the register
        date(2026, 11, 16): True,
        date(2026, 11, 18): False,
        date(2026, 11, 23): True,
        date(2026, 12, 2): True,
        date(2026, 12, 7): None,  # after she left
    }
    for on, present in log.items():
        session = Session.objects.create(school=school, group=group, on=on, logged_by=ta)
        if present is not None:
            Attendance.objects.create(school=school, session=session, pupil=pupil, present=present)
    Session.objects.create(
        school=school,
        group=group,
        on=date(2026, 11, 20),
        ran=False,
        not_run_reason="trip",
        logged_by=ta,
    )
    return group


def test_delivery_counts_only_while_the_pupil_was_in_the_group(
    school, pupil, autumn_group, talk_boost, django_assert_num_queries
):
    elsewhere = talk_boost("Not hers")
    with django_assert_num_queries(5):
        reader = DeliveryReader(
            school=school,
            pupil=pupil,
            groups=[autumn_group, elsewhere],
            start=date(2026, 9, 7),
            end=date(2026, 12, 18),
        )
    whole = reader.window(autumn_group, date(2026, 9, 7), date(2026, 12, 18))
    # 16 Nov - 4 Dec: 9 Mondays, Wednesdays and Fridays less the INSET Wednesday.
    assert (whole.planned, whole.run, whole.attended, whole.marked) == (8, 4, 3, 4)
    assert whole.attendance_rate == 75
    nothing = reader.window(elsewhere, date(2026, 9, 7), date(2026, 12, 18))
    assert (nothing.planned, nothing.run, nothing.attended, nothing.attendance_rate) == (
        0,
        0,
        0,
        None,
    )


@pytest.mark.parametrize(
    ("start", "end", "counts"),
    [
        pytest.param(
            date(2026, 11, 2), date(2026, 11, 20), (3, 2, 1, 2), id="cycle 1: to the trip"
        ),
        pytest.param(date(2026, 11, 21), date(2026, 12, 18), (5, 2, 2, 2), id="cycle 2: after"),
        pytest.param(date(2026, 12, 5), date(2026, 12, 18), (0, 0, 0, 0), id="after she left"),
        pytest.param(date(2026, 9, 7), date(2026, 11, 13), (0, 0, 0, 0), id="before she joined"),
    ],
)
def test_delivery_windows_of_each_cycle(school, pupil, autumn_group, start, end, counts):
    reader = DeliveryReader(
        school=school,
        pupil=pupil,
        groups=[autumn_group],
        start=date(2026, 9, 7),
        end=date(2026, 12, 18),
    )
    found = reader.window(autumn_group, start, end)
    assert (found.planned, found.run, found.attended, found.marked) == counts


def test_the_plan_page_shows_each_cycles_own_delivery(access, pupil, autumn_group):
    cycle = started(access, pupil)
    plan_services.target_save(
        access=access, cycle=cycle, description="Talk in class", groups=[autumn_group]
    )
    plan_services.cycle_update(
        access=access, cycle=cycle, agreed_on=date(2026, 11, 2), review_due=REVIEW_DUE
    )
    for _ in range(2):
        cycle = plan_services.cycle_advance(access=access, cycle=cycle, today=date(2026, 11, 2))
    plan_services.review_complete(
        access=access,
        cycle=cycle,
        today=date(2026, 11, 20),
        reviewed_on=date(2026, 11, 20),
        outcomes={cycle.targets.get().pk: {"outcome": "partly"}},
    )
    second = plan_services.cycle_next(access=access, plan=cycle.plan, today=date(2026, 11, 23))
    plan_services.cycle_update(
        access=access, cycle=second, agreed_on=date(2026, 11, 23), review_due=date(2027, 3, 19)
    )
    page = plan_selectors.plan_page(plan=cycle.plan, today=date(2026, 12, 18))
    delivered = [
        [(d.group.name, d.planned, d.run, d.attended) for ds in view.delivery.values() for d in ds]
        for view in page.cycles
    ]
    assert delivered == [
        [("Talk Boost Y3", 3, 2, 1)],  # 16-20 Nov
        [("Talk Boost Y3", 5, 2, 2)],  # 23 Nov - 4 Dec, less the INSET day
    ]
    assert page.current.cycle == second
    assert [v.stage_label for v in page.cycles] == ["Reviewed", "Assess"]


def test_a_plan_is_found_only_by_people_who_see_the_pupil(
    school, access, pupil, teacher, other_school
):
    cycle = started(access, pupil)
    today = date(2026, 10, 1)
    teacher_access = access_for(teacher, school)
    assert plan_selectors.cycle_for(access=access, public_id=cycle.public_id, today=today) == cycle
    assert (
        plan_selectors.cycle_for(access=teacher_access, public_id=cycle.public_id, today=today)
        is None
    )
    this_year = AcademicYear.objects.get(school=school, starts_on=date(2026, 9, 1))
    class_of(school, "3K", teachers=[teacher], pupils=[pupil], year=this_year)
    assert (
        plan_selectors.cycle_for(access=teacher_access, public_id=cycle.public_id, today=today)
        == cycle
    )
    outsider = member(other_school, "sendco", email="sendco@beech.test")
    assert (
        plan_selectors.cycle_for(
            access=access_for(outsider, other_school), public_id=cycle.public_id, today=today
        )
        is None
    )


def test_plan_rows_list_the_pupils_on_the_sen_register_the_person_sees(
    school, access, pupil, teacher
):
    cycle = under_way(access, started(access, pupil))
    no_plan = make_pupil(school, legal_first_name="Otto", legal_last_name="Berg")
    put_on(no_plan, "K", date(2025, 9, 1))
    put_on(make_pupil(school, legal_last_name="Zed"), "N", date(2025, 9, 1))
    listed = plan_selectors.plan_rows(access=access, today=date(2026, 12, 21))
    rows = listed.rows
    # Overdue reviews first, then by name.
    assert [(r.pupil.name, r.cycle, r.stage_label) for r in rows] == [
        ("Mina Khan", cycle, "Review overdue"),
        ("Otto Berg", None, "No plan yet"),
    ]
    assert listed.counts == {"all": 2, "no_plan": 1, "overdue": 1, "warnings": 1}
    # Her target has no measure, baseline, date or provision, and no target addresses her needs;
    # her one meeting (the planning meeting) leaves the autumn share met, the spring one owed.
    mina = rows[0]
    assert mina.warnings == 6
    assert (mina.schedule.held, mina.schedule.due) == (1, date(2027, 3, 19))
    this_year = AcademicYear.objects.get(school=school, starts_on=date(2026, 9, 1))
    class_of(school, "3K", teachers=[teacher], pupils=[pupil], year=this_year)
    rows = plan_selectors.plan_rows(
        access=access_for(teacher, school), today=date(2026, 12, 21)
    ).rows
    assert [r.pupil.name for r in rows] == ["Mina Khan"]


def test_plan_start_refuses_a_pupil_or_lead_of_another_school(school, other_school, access, pupil):
    stranger = make_pupil(other_school)
    with pytest.raises(ValidationError, match="not in your school"):
        plan_services.plan_start(access=access, pupil=stranger, today=START)
    elsewhere = member(other_school, "teacher", email="t@beech.test")
    with pytest.raises(ValidationError, match="not in your school"):
        plan_services.plan_start(access=access, pupil=pupil, today=START, lead=elsewhere)
    assert not SupportPlan.objects.exists()
