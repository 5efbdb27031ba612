"""Writes of EHC plans, needs-assessment requests and annual reviews (`ehcp/services.py`,
DOMAIN.md section 2): what the SENDCo can and cannot record, what each write keeps as history,
and that every refusal reaches the caller as a ValidationError with its message and changes
nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict

from ehcp import rules, services
from ehcp.models import (
    Advice,
    AnnualReview,
    AssessmentRequest,
    EhcPlan,
    OutcomeProgress,
    PlanOutcome,
    PlanVersion,
    ProvisionItem,
)
from ehcp.selectors import review_line, with_review_data
from provision.models import Group, Intervention
from staff.models import AuditEvent
from staff.tenancy import access_for
from tests.ehcp.factories import make_authority
from tests.factories import member
from tests.register.factories import make_pupil

TODAY = date(2026, 11, 25)
ISSUED = date(2026, 1, 12)
MEETING = date(2026, 12, 9)

# The dates on which a review's steps are recorded in these tests (meeting on 9 December 2026).
WALK = {
    "requested": date(2026, 10, 28),
    rules.INVITED: date(2026, 11, 18),
    rules.CIRCULATED: date(2026, 11, 25),
    rules.HELD: date(2026, 12, 9),
    rules.REPORTED: date(2026, 12, 16),
    rules.DECIDED: date(2027, 1, 6),
    rules.AMENDED: date(2027, 2, 24),
}
LATER = date(2027, 3, 1)  # "today" while walking a review: every step date has passed
FULL = tuple(WALK)
UP_TO_DECISION = (rules.INVITED, rules.HELD, rules.REPORTED, rules.DECIDED)


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


@pytest.fixture
def access(school, sendco):
    return access_for(sendco, school)


@pytest.fixture
def authority(school):
    return make_authority(school)


@pytest.fixture
def pupil(school):
    return make_pupil(school, legal_first_name="Mina", legal_last_name="Khan", year_group="3")


@pytest.fixture
def plan(access, pupil, authority):
    return services.plan_create(
        access=access,
        pupil=pupil,
        authority=authority,
        issued_on=ISSUED,
        today=TODAY,
        section_b="Speech, language and communication needs.",
        section_i="Acorn Primary",
        top_up_per_year=Decimal("6500.00"),
    )


@pytest.fixture
def review(access, plan):
    return services.review_schedule(
        access=access, plan=plan, meeting_on=MEETING, today=TODAY, place=" Room 4 "
    )


@pytest.fixture
def foreign(other_school):
    """What another school of the trust holds: its SENDCo, LA, a pupil and a group."""
    theirs = member(other_school, "sendco", email="sendco@beech.test")
    return {
        "access": access_for(theirs, other_school),
        "authority": make_authority(other_school, name="Otherborough"),
        "pupil": make_pupil(other_school, legal_first_name="Olly"),
        "group": Group.objects.create(
            school=other_school,
            intervention=Intervention.objects.create(school=other_school, name="Lego therapy"),
            name="Lego Y3",
            starts_on=date(2026, 9, 7),
            ends_on=date(2027, 3, 19),
            sessions_per_week=1,
            session_minutes=30,
        ),
    }


def do(access, review, *steps, decision=rules.AMEND) -> AnnualReview:
    """Record `steps` of the review on their WALK dates ("requested": ask the EP for advice)."""
    for step in steps:
        if step == "requested":
            services.advice_request(
                access=access,
                review=review,
                contributor=Advice.Contributor.EP,
                requested_on=WALK[step],
                today=LATER,
            )
            continue
        extra = {}
        if step == rules.HELD:
            extra["recommendation"] = decision
        if step == rules.DECIDED:
            extra["decision"] = decision
        services.review_step(
            access=access, review=review, step=step, on=WALK[step], today=LATER, **extra
        )
    review.refresh_from_db()
    return review


def snapshot(row) -> dict:
    fresh = type(row).objects.get(pk=row.pk)
    return {k: v for k, v in model_to_dict(fresh).items() if k != "updated_at"}


# --------------------------------------------------------------------------------------------------
# Recording a plan
# --------------------------------------------------------------------------------------------------


def test_a_plan_is_recorded_with_its_first_version(plan, pupil, authority, sendco):
    version = plan.versions.get()
    assert (plan.pupil, plan.authority, plan.status) == (pupil, authority, EhcPlan.Status.ACTIVE)
    assert (version.number, version.kind, version.issued_on) == (1, "original", ISSUED)
    assert version.section_b == "Speech, language and communication needs."
    assert version.top_up_per_year == Decimal("6500.00")
    assert version.created_by == sendco


def test_a_pupil_has_one_active_plan_at_a_time(access, plan, pupil, authority):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            access=access, pupil=pupil, authority=authority, issued_on=TODAY, today=TODAY
        )
    assert messages(error.value) == [
        "Mina Khan already has an active EHC plan: record an amended version instead."
    ]
    assert EhcPlan.objects.filter(pupil=pupil).count() == 1
    # Once the plan has ended, a new one can be recorded.
    services.plan_end(access=access, plan=plan, status=EhcPlan.Status.CEASED, on=TODAY, today=TODAY)
    again = services.plan_create(
        access=access, pupil=pupil, authority=authority, issued_on=TODAY, today=TODAY
    )
    assert again.status == EhcPlan.Status.ACTIVE


@pytest.mark.parametrize(
    ("issued_on", "refused"),
    [(TODAY, False), (date(2026, 11, 26), True), (date(2027, 1, 1), True)],
)
def test_a_plan_cannot_be_recorded_before_it_is_issued(
    access, pupil, authority, issued_on, refused
):
    if not refused:
        services.plan_create(
            access=access, pupil=pupil, authority=authority, issued_on=issued_on, today=TODAY
        )
        assert EhcPlan.objects.filter(pupil=pupil).exists()
        return
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            access=access, pupil=pupil, authority=authority, issued_on=issued_on, today=TODAY
        )
    assert error.value.message_dict == {
        "issued_on": ["A plan cannot be recorded before it is issued."]
    }
    assert not EhcPlan.objects.exists()


@pytest.mark.parametrize("whose", ["authority", "pupil"])
def test_a_plan_cannot_use_another_schools_authority_or_pupil(
    access, pupil, authority, foreign, whose
):
    chosen = {"pupil": pupil, "authority": authority, whose: foreign[whose]}
    with pytest.raises(ValidationError) as error:
        services.plan_create(access=access, issued_on=ISSUED, today=TODAY, **chosen)
    assert messages(error.value) == ["That record belongs to another school."]
    assert not EhcPlan.objects.exists()


# --------------------------------------------------------------------------------------------------
# Versions: correct the current one, amend into a new one, earlier ones kept as they were
# --------------------------------------------------------------------------------------------------


def test_the_current_version_can_be_corrected(access, plan):
    version = services.version_update(
        access=access, version=plan.versions.get(), section_a="  Loves trains.  "
    )
    assert PlanVersion.objects.get(pk=version.pk).section_a == "Loves trains."


def test_an_earlier_version_cannot_be_changed(access, plan):
    first = plan.versions.get()
    services.version_amend(access=access, plan=plan, issued_on=TODAY)
    before = snapshot(first)
    with pytest.raises(ValidationError) as error:
        services.version_update(access=access, version=first, section_b="Rewritten")
    assert messages(error.value) == [
        "Version 1 has been replaced by version 2: earlier versions are kept as they were."
    ]
    assert snapshot(first) == before


def test_the_version_of_an_ended_plan_cannot_be_changed(access, plan):
    services.plan_end(
        access=access, plan=plan, status=EhcPlan.Status.TRANSFERRED, on=TODAY, today=TODAY
    )
    with pytest.raises(ValidationError) as error:
        services.version_update(access=access, version=plan.versions.get(), section_b="x")
    assert messages(error.value) == ["This plan has ended and can no longer be changed."]


@pytest.fixture
def speech_group(school):
    return Group.objects.create(
        school=school,
        intervention=Intervention.objects.create(school=school, name="Talk Boost"),
        name="Talk Boost Y3",
        starts_on=date(2026, 9, 7),
        ends_on=date(2027, 3, 19),
        sessions_per_week=2,
        session_minutes=45,
    )


def test_amending_copies_sections_outcomes_and_provision_and_keeps_the_old_version(
    access, plan, speech_group
):
    first = plan.versions.get()
    talk = services.outcome_save(
        access=access, version=first, outcome="Speak in sentences of 5 words", area="ci"
    )
    read = services.outcome_save(access=access, version=first, outcome="Read 40 common words")
    services.provision_save(
        access=access,
        version=first,
        description="Talk Boost with a TA",
        hours_per_week=Decimal("1.5"),
        outcome=talk,
        group=speech_group,
    )
    services.provision_save(
        access=access,
        version=first,
        description="Daily reading with an adult",
        hours_per_week=Decimal("1.25"),
        outcome=read,
    )
    services.provision_save(
        access=access, version=first, description="Visual timetable", hours_per_week=Decimal("0")
    )
    old = {
        "version": snapshot(first),
        "outcomes": [snapshot(o) for o in first.outcomes.all()],
        "provision": [snapshot(i) for i in first.provision.all()],
    }

    second = services.version_amend(access=access, plan=plan, issued_on=TODAY)

    assert (second.number, second.kind, second.issued_on) == (2, "amended", TODAY)
    assert second.section_b == first.section_b
    assert second.section_i == "Acorn Primary"
    assert second.top_up_per_year == Decimal("6500.00")
    assert [(o.position, o.area, o.outcome) for o in second.outcomes.all()] == [
        (1, "ci", "Speak in sentences of 5 words"),
        (2, "", "Read 40 common words"),
    ]
    assert not set(second.outcomes.values_list("pk", flat=True)) & {talk.pk, read.pk}
    copied = [
        (i.description, i.hours_per_week, i.outcome and i.outcome.outcome, i.group)
        for i in second.provision.select_related("outcome", "group")
    ]
    assert copied == [
        ("Talk Boost with a TA", Decimal("1.50"), "Speak in sentences of 5 words", speech_group),
        ("Daily reading with an adult", Decimal("1.25"), "Read 40 common words", None),
        ("Visual timetable", Decimal("0.00"), None, None),
    ]
    # Each copied item points at the new version's outcome, never the old one.
    assert {i.outcome.version_id for i in second.provision.exclude(outcome=None)} == {second.pk}
    assert {
        "version": snapshot(first),
        "outcomes": [snapshot(o) for o in first.outcomes.all()],
        "provision": [snapshot(i) for i in first.provision.all()],
    } == old


def test_editing_the_amended_version_leaves_the_old_one(access, plan):
    first = plan.versions.get()
    services.outcome_save(access=access, version=first, outcome="Speak in sentences of 5 words")
    second = services.version_amend(access=access, plan=plan, issued_on=TODAY)
    copy = second.outcomes.get()
    services.outcome_save(
        access=access, version=second, row=copy, interim_targets="By Easter: 3 words"
    )
    assert first.outcomes.get().interim_targets == ""
    assert PlanOutcome.objects.get(pk=copy.pk).interim_targets == "By Easter: 3 words"
    with pytest.raises(ValidationError) as error:
        services.outcome_save(access=access, version=first, outcome="A new outcome")
    assert messages(error.value) == [
        "Version 1 has been replaced by version 2: earlier versions are kept as they were."
    ]
    assert first.outcomes.count() == 1


def test_an_amended_plan_cannot_predate_the_current_version(access, plan):
    with pytest.raises(ValidationError) as error:
        services.version_amend(access=access, plan=plan, issued_on=date(2026, 1, 11))
    assert error.value.message_dict == {
        "issued_on": ["The amended plan cannot predate version 1 (12/01/2026)."]
    }
    assert plan.versions.count() == 1


def test_an_ended_plan_cannot_be_amended(access, plan):
    services.plan_end(
        access=access, plan=plan, status=EhcPlan.Status.TRANSFERRED, on=TODAY, today=TODAY
    )
    with pytest.raises(ValidationError) as error:
        services.version_amend(access=access, plan=plan, issued_on=TODAY)
    assert messages(error.value) == ["This plan has ended and can no longer be changed."]
    assert plan.versions.count() == 1


# --------------------------------------------------------------------------------------------------
# Sections E and F
# --------------------------------------------------------------------------------------------------


def test_outcomes_and_provision_are_numbered_in_order(access, plan):
    version = plan.versions.get()
    first = services.outcome_save(access=access, version=version, outcome=" Speak up ")
    second = services.outcome_save(access=access, version=version, outcome="Read more")
    item = services.provision_save(
        access=access,
        version=version,
        description="Speech therapy",
        hours_per_week=Decimal("0.5"),
        provider=" NHS SALT ",
        outcome=first,
    )
    assert [(first.position, first.outcome), second.position] == [(1, "Speak up"), 2]
    assert (item.position, item.provider, item.outcome) == (1, "NHS SALT", first)


def test_provision_cannot_be_delivered_by_another_schools_group(access, plan, foreign):
    with pytest.raises(ValidationError) as error:
        services.provision_save(
            access=access,
            version=plan.versions.get(),
            description="Lego therapy",
            hours_per_week=Decimal("1"),
            group=foreign["group"],
        )
    assert messages(error.value) == ["A group of another school cannot deliver this provision."]
    assert not ProvisionItem.objects.exists()


def test_provision_links_only_to_an_outcome_of_its_version(access, plan):
    first = plan.versions.get()
    old_outcome = services.outcome_save(access=access, version=first, outcome="Speak up")
    second = services.version_amend(access=access, plan=plan, issued_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.provision_save(
            access=access,
            version=second,
            description="Speech therapy",
            hours_per_week=Decimal("0.5"),
            outcome=old_outcome,
        )
    assert messages(error.value) == ["Link the provision to an outcome of the same version."]
    assert not second.provision.exists()


def test_provision_must_be_quantified(access, plan):
    with pytest.raises(ValidationError) as error:
        services.provision_save(
            access=access,
            version=plan.versions.get(),
            description="Support",
            hours_per_week=Decimal("-1"),
        )
    assert set(error.value.message_dict) == {"hours_per_week"}


def test_another_schools_sendco_cannot_write_to_our_plan(plan, foreign):
    version = plan.versions.get()
    theirs = foreign["access"]
    for write in (
        lambda: services.outcome_save(access=theirs, version=version, outcome="x"),
        lambda: services.version_update(access=theirs, version=version, section_a="x"),
        lambda: services.version_amend(access=theirs, plan=plan, issued_on=TODAY),
        lambda: services.review_schedule(access=theirs, plan=plan, meeting_on=MEETING, today=TODAY),
        lambda: services.plan_end(
            access=theirs, plan=plan, status=EhcPlan.Status.CEASED, on=TODAY, today=TODAY
        ),
    ):
        with pytest.raises(ValidationError) as error:
            write()
        assert messages(error.value) == ["That record belongs to another school."]
    plan.refresh_from_db()
    assert (plan.status, plan.versions.count(), plan.reviews.count()) == ("active", 1, 0)
    assert version.section_a == PlanVersion.objects.get(pk=version.pk).section_a == ""


# --------------------------------------------------------------------------------------------------
# Ending a plan
# --------------------------------------------------------------------------------------------------


def test_a_plan_ends_by_ceasing_or_transfer(access, plan):
    services.plan_end(
        access=access, plan=plan, status=EhcPlan.Status.CEASED, on=date(2026, 11, 2), today=TODAY
    )
    plan.refresh_from_db()
    assert (plan.status, plan.ended_on) == ("ceased", date(2026, 11, 2))


@pytest.mark.parametrize(
    ("status", "on", "ended_first", "message"),
    [
        ("active", TODAY, False, "A plan ends by ceasing or by transfer."),
        ("ceased", date(2026, 11, 26), False, "This date is still to come."),
        ("transferred", TODAY, True, "This plan has already ended."),
    ],
)
def test_ending_a_plan_is_refused(access, plan, status, on, ended_first, message):
    if ended_first:
        services.plan_end(access=access, plan=plan, status="ceased", on=TODAY, today=TODAY)
    before = snapshot(plan)
    with pytest.raises(ValidationError) as error:
        services.plan_end(access=access, plan=plan, status=status, on=on, today=TODAY)
    assert messages(error.value) == [message]
    assert snapshot(plan) == before


# --------------------------------------------------------------------------------------------------
# Needs-assessment requests: the dates must tell a possible story
# --------------------------------------------------------------------------------------------------

RECEIVED = date(2026, 9, 14)
ASSESSING = {"decision": "assess", "decision_on": date(2026, 10, 20)}


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        pytest.param(
            {"received_on": date(2026, 11, 26)},
            {"received_on": ["This date is still to come."]},
            id="received-in-the-future",
        ),
        pytest.param(
            {"advice_requested_on": date(2026, 9, 13)},
            {"advice_requested_on": ["This cannot be before the LA received the request."]},
            id="advice-asked-before-the-request",
        ),
        pytest.param(
            {"advice_requested_on": date(2026, 11, 26)},
            {"advice_requested_on": ["This date is still to come."]},
            id="advice-asked-in-the-future",
        ),
        pytest.param(
            {"advice_sent_on": date(2026, 10, 1)},
            {"advice_requested_on": ["Say when the LA asked for the school's advice."]},
            id="advice-sent-but-never-asked",
        ),
        pytest.param(
            {"advice_requested_on": date(2026, 10, 1), "advice_sent_on": date(2026, 9, 30)},
            {"advice_sent_on": ["The advice cannot be sent before the LA asked for it."]},
            id="advice-sent-before-asked",
        ),
        pytest.param(
            {"advice_requested_on": date(2026, 10, 1), "advice_sent_on": date(2026, 11, 26)},
            {"advice_sent_on": ["This date is still to come."]},
            id="advice-sent-in-the-future",
        ),
        pytest.param(
            {"decision": "assess"},
            {"decision_on": ["Give the decision and the date of the LA's letter together."]},
            id="decision-without-its-date",
        ),
        pytest.param(
            {"decision_on": date(2026, 10, 20)},
            {"decision_on": ["Give the decision and the date of the LA's letter together."]},
            id="date-without-a-decision",
        ),
        pytest.param(
            {"decision": "refused", "decision_on": date(2026, 9, 1)},
            {"decision_on": ["This cannot be before the LA received the request."]},
            id="decided-before-the-request",
        ),
        pytest.param(
            {**ASSESSING, "outcome": "plan"},
            {"outcome_on": ["Give the date of the outcome."]},
            id="outcome-without-its-date",
        ),
        pytest.param(
            {**ASSESSING, "outcome": "plan", "outcome_on": date(2026, 9, 1)},
            {"outcome_on": ["This cannot be before the LA received the request."]},
            id="outcome-before-the-request",
        ),
        pytest.param(
            {"decision": "refused", "decision_on": date(2026, 10, 20), "outcome": "plan"}
            | {"outcome_on": date(2026, 11, 2)},
            {"outcome": ["A plan or a no-plan notice follows only a decision to assess."]},
            id="plan-after-a-refusal",
        ),
        pytest.param(
            {"outcome": "no_plan", "outcome_on": date(2026, 11, 2)},
            {"outcome": ["A plan or a no-plan notice follows only a decision to assess."]},
            id="no-plan-notice-before-any-decision",
        ),
    ],
)
def test_a_request_with_impossible_dates_is_refused(access, pupil, authority, fields, problems):
    with pytest.raises(ValidationError) as error:
        services.request_save(
            access=access,
            today=TODAY,
            pupil=pupil,
            **{
                "authority": authority,
                "requested_by": "school",
                "received_on": RECEIVED,
                **fields,
            },
        )
    assert error.value.message_dict == problems
    assert not AssessmentRequest.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="just-received"),
        pytest.param(
            {"advice_requested_on": date(2026, 10, 1), "advice_sent_on": date(2026, 10, 30)},
            id="advice-asked-and-sent",
        ),
        pytest.param({"decision": "refused", "decision_on": date(2026, 10, 20)}, id="refused"),
        pytest.param(
            {**ASSESSING, "outcome": "plan", "outcome_on": date(2026, 11, 25)}, id="plan-issued"
        ),
        pytest.param({"outcome": "withdrawn", "outcome_on": date(2026, 9, 20)}, id="withdrawn"),
        pytest.param({"received_on": TODAY}, id="received-today"),
    ],
)
def test_a_request_whose_dates_hold_together_is_saved(access, pupil, authority, fields):
    saved = services.request_save(
        access=access,
        today=TODAY,
        pupil=pupil,
        **{"authority": authority, "requested_by": "parent", "received_on": RECEIVED, **fields},
    )
    stored = AssessmentRequest.objects.get(pk=saved.pk)
    assert (stored.pupil, stored.school, stored.created_by) == (pupil, pupil.school, access.user)
    for name, value in fields.items():
        assert getattr(stored, name) == value


def test_a_request_is_updated_as_the_la_answers(access, pupil, authority):
    request = services.request_save(
        access=access,
        today=date(2026, 9, 20),
        pupil=pupil,
        authority=authority,
        requested_by="school",
        received_on=RECEIVED,
    )
    services.request_save(access=access, today=TODAY, request=request, **ASSESSING)
    stored = AssessmentRequest.objects.get()
    assert (stored.decision, stored.decision_on, stored.received_on) == (
        "assess",
        date(2026, 10, 20),
        RECEIVED,
    )
    with pytest.raises(ValidationError) as error:
        services.request_save(access=access, today=TODAY, request=request, outcome="plan")
    assert error.value.message_dict == {"outcome_on": ["Give the date of the outcome."]}
    assert AssessmentRequest.objects.get().outcome == "pending"


@pytest.mark.parametrize("whose", ["authority", "pupil"])
def test_a_request_cannot_use_another_schools_authority_or_pupil(
    access, pupil, authority, foreign, whose
):
    chosen = {"pupil": pupil, "authority": authority, whose: foreign[whose]}
    with pytest.raises(ValidationError) as error:
        services.request_save(
            access=access, today=TODAY, requested_by="school", received_on=RECEIVED, **chosen
        )
    assert messages(error.value) == ["That record belongs to another school."]
    assert not AssessmentRequest.objects.exists()


# --------------------------------------------------------------------------------------------------
# Scheduling and moving a review
# --------------------------------------------------------------------------------------------------


def test_a_review_is_scheduled_on_the_current_version(access, plan, review, sendco):
    second = services.version_amend(access=access, plan=plan, issued_on=TODAY)
    assert (review.meeting_on, review.meeting_place, review.stage) == (
        MEETING,
        "Room 4",
        "scheduled",
    )
    assert review.version == plan.versions.get(number=1)
    do(access, review, *FULL[:-1], decision=rules.MAINTAIN)
    later = services.review_schedule(
        access=access, plan=plan, meeting_on=date(2027, 11, 10), today=LATER
    )
    assert later.version == second


@pytest.mark.parametrize(
    ("year_group", "transfer"),
    [("N2", True), ("R", False), ("3", False), ("6", True), ("7", False), ("10", False)]
    + [("11", True), ("12", False)],
)
def test_the_review_before_a_phase_transfer_is_flagged(access, plan, pupil, year_group, transfer):
    pupil.year_group = year_group
    pupil.save()
    review = services.review_schedule(access=access, plan=plan, meeting_on=MEETING, today=TODAY)
    assert AnnualReview.objects.get(pk=review.pk).phase_transfer is transfer


def test_one_review_at_a_time(access, plan, review):
    with pytest.raises(ValidationError) as error:
        services.review_schedule(
            access=access, plan=plan, meeting_on=date(2027, 1, 13), today=TODAY
        )
    assert messages(error.value) == ["This plan already has a review under way: finish it first."]
    assert plan.reviews.count() == 1
    # Held but not yet decided is still under way.
    do(access, review, rules.INVITED, rules.HELD)
    with pytest.raises(ValidationError):
        services.review_schedule(
            access=access, plan=plan, meeting_on=date(2027, 11, 10), today=LATER
        )
    do(access, review, rules.REPORTED, rules.DECIDED, decision=rules.MAINTAIN)
    services.review_schedule(access=access, plan=plan, meeting_on=date(2027, 11, 10), today=LATER)
    assert plan.reviews.count() == 2


def test_an_ended_plan_has_no_more_reviews(access, plan):
    services.plan_end(access=access, plan=plan, status="ceased", on=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as error:
        services.review_schedule(access=access, plan=plan, meeting_on=MEETING, today=TODAY)
    assert messages(error.value) == ["This plan has ended: it has no more reviews."]
    assert not plan.reviews.exists()


@pytest.mark.parametrize(
    ("moved_to", "warnings"),
    [
        (date(2027, 1, 13), []),  # later: more notice
        (date(2026, 12, 2), []),  # exactly 2 weeks after the invitations
        (
            date(2026, 12, 1),
            [
                "Invitations went out on 18/11/2026, less than 2 weeks before the meeting on "
                "01/12/2026: the law asks for at least 2 weeks' notice."
            ],
        ),
        (
            date(2026, 11, 18),
            [
                "Invitations went out on 18/11/2026, less than 2 weeks before the meeting on "
                "18/11/2026: the law asks for at least 2 weeks' notice."
            ],
        ),
    ],
)
def test_moving_the_meeting_after_the_invitations_warns_of_short_notice(
    access, review, moved_to, warnings
):
    do(access, review, rules.INVITED)
    found = services.review_reschedule(
        access=access, review=review, meeting_on=moved_to, place="Library"
    )
    assert found == warnings
    review.refresh_from_db()
    assert (review.meeting_on, review.meeting_place) == (moved_to, "Library")


def test_the_meeting_cannot_move_before_the_invitations(access, review):
    do(access, review, rules.INVITED)
    with pytest.raises(ValidationError) as error:
        services.review_reschedule(access=access, review=review, meeting_on=date(2026, 11, 17))
    assert error.value.message_dict == {
        "meeting_on": ["The meeting cannot be before the invitations were sent."]
    }
    review.refresh_from_db()
    assert review.meeting_on == MEETING


def test_a_meeting_held_cannot_move(access, review):
    do(access, review, rules.INVITED, rules.HELD)
    with pytest.raises(ValidationError) as error:
        services.review_reschedule(access=access, review=review, meeting_on=date(2026, 12, 16))
    assert messages(error.value) == ["The meeting has been held: its date can no longer move."]
    review.refresh_from_db()
    assert review.meeting_on == MEETING


def test_a_meeting_moves_freely_before_the_invitations(access, review):
    assert services.review_reschedule(access=access, review=review, meeting_on=TODAY) == []
    review.refresh_from_db()
    assert (review.meeting_on, review.meeting_place) == (TODAY, "Room 4")


# --------------------------------------------------------------------------------------------------
# The review's steps
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "step", "field"),
    [
        ((), rules.INVITED, "invitations_sent_on"),
        (("requested",), rules.CIRCULATED, "advice_circulated_on"),
        (("requested", rules.INVITED, rules.CIRCULATED), rules.HELD, "held_on"),
        (("requested", rules.INVITED, rules.HELD), rules.REPORTED, "report_sent_on"),
        ((rules.INVITED, rules.HELD, rules.REPORTED), rules.DECIDED, "la_decision_on"),
        (
            (rules.INVITED, rules.HELD, rules.REPORTED, rules.DECIDED),
            rules.AMENDED,
            "amended_issued_on",
        ),
    ],
)
def test_each_step_stores_its_date_and_moves_the_stage(access, review, before, step, field):
    review = do(access, review, *before)
    do(access, review, step)
    stored = AnnualReview.objects.get(pk=review.pk)
    assert getattr(stored, field) == WALK[step]
    assert stored.stage == step == rules.stage_of(services.facts(stored))


def test_requesting_advice_moves_the_stage(access, review):
    review = do(access, review, "requested")
    assert review.stage == rules.ADVICE_REQUESTED
    # Invitations after the advice request: the stage is the furthest step reached.
    review = do(access, review, rules.INVITED)
    assert review.stage == rules.ADVICE_REQUESTED


def test_the_meeting_records_progress_towards_each_outcome(access, plan, review):
    version = plan.versions.get()
    talk = services.outcome_save(access=access, version=version, outcome="Speak up")
    read = services.outcome_save(access=access, version=version, outcome="Read 40 words")
    do(access, review, rules.INVITED)
    services.review_step(
        access=access,
        review=review,
        step=rules.HELD,
        on=WALK[rules.HELD],
        today=LATER,
        recommendation=rules.AMEND,
        attendees=" Mum, SENDCo, EP ",
        amendments="Add SALT",
        progress={talk.pk: ("on_track", " Speaks in 4-word sentences "), read.pk: ("not_yet", "")},
    )
    stored = AnnualReview.objects.get(pk=review.pk)
    assert (stored.held_on, stored.recommendation, stored.attendees, stored.amendments) == (
        WALK[rules.HELD],
        "amend",
        "Mum, SENDCo, EP",
        "Add SALT",
    )
    assert {
        p.outcome.outcome: (p.rating, p.evidence) for p in stored.progress.select_related("outcome")
    } == {"Speak up": ("on_track", "Speaks in 4-word sentences"), "Read 40 words": ("not_yet", "")}


@pytest.mark.parametrize(
    ("which", "rating", "message"),
    [
        ("other", "on_track", "Progress was given for an outcome not in this plan."),
        ("ours", "brilliant", "Choose the progress towards each outcome from the list."),
    ],
)
def test_progress_for_a_stranger_outcome_or_rating_is_refused(
    access, plan, review, school, sendco, which, rating, message
):
    ours = services.outcome_save(access=access, version=plan.versions.get(), outcome="Speak up")
    other_pupil = make_pupil(school)
    other_plan = services.plan_create(
        access=access, pupil=other_pupil, authority=plan.authority, issued_on=ISSUED, today=TODAY
    )
    theirs = services.outcome_save(
        access=access, version=other_plan.versions.get(), outcome="Theirs"
    )
    outcome = {"ours": ours, "other": theirs}[which]
    review = do(access, review, rules.INVITED)
    with pytest.raises(ValidationError) as error:
        services.review_step(
            access=access,
            review=review,
            step=rules.HELD,
            on=WALK[rules.HELD],
            today=LATER,
            recommendation="maintain",
            progress={ours.pk: ("some", ""), outcome.pk: (rating, "")},
        )
    assert messages(error.value) == [message]
    assert AnnualReview.objects.get(pk=review.pk).held_on is None
    assert not OutcomeProgress.objects.exists()


def test_a_decision_to_cease_ends_the_plan(access, plan, review):
    review = do(access, review, *UP_TO_DECISION, decision=rules.CEASE)
    plan.refresh_from_db()
    assert (plan.status, plan.ended_on) == ("ceased", WALK[rules.DECIDED])
    assert (review.la_decision, review.stage) == ("cease", "decided")
    assert services.open_review(plan) is None


def test_a_decision_to_maintain_finishes_the_review_and_keeps_the_plan(access, plan, review):
    do(access, review, *UP_TO_DECISION, decision=rules.MAINTAIN)
    plan.refresh_from_db()
    assert (plan.status, plan.versions.count()) == ("active", 1)
    assert services.open_review(plan) is None


def test_the_amended_plan_is_version_2_and_the_next_clock_runs_from_the_meeting(
    access, plan, review
):
    services.outcome_save(access=access, version=plan.versions.get(), outcome="Speak up")
    do(access, review, *FULL)
    second = plan.versions.get(number=2)
    assert (second.kind, second.issued_on) == ("amended", WALK[rules.AMENDED])
    assert [o.outcome for o in second.outcomes.all()] == ["Speak up"]
    assert services.open_review(plan) is None
    line = review_line(with_review_data(EhcPlan.objects.filter(pk=plan.pk)).get(), today=LATER)
    # Within 12 months of the meeting (9 December 2026), not of the amended plan's issue.
    assert (line.anchor, line.due_by) == (date(2026, 12, 9), date(2027, 12, 9))
    assert line.review is None


@pytest.mark.parametrize(
    ("done", "step", "on", "extra", "message"),
    [
        pytest.param((), rules.INVITED, None, {}, "Give the date.", id="no-date"),
        pytest.param(
            (rules.INVITED, rules.HELD),
            rules.REPORTED,
            date(2027, 3, 2),
            {},
            "A step cannot be recorded before it happens.",
            id="in-the-future",
        ),
        pytest.param(
            (),
            rules.INVITED,
            date(2026, 12, 10),
            {},
            "Invitations must be sent before the meeting.",
            id="invited-after-the-meeting",
        ),
        pytest.param(
            (rules.INVITED,),
            rules.INVITED,
            date(2026, 11, 19),
            {},
            "Invitations were already sent on 18/11/2026.",
            id="invited-twice",
        ),
        pytest.param(
            (rules.INVITED,),
            rules.CIRCULATED,
            WALK[rules.CIRCULATED],
            {},
            "Request advice from at least one contributor before circulating it.",
            id="circulated-without-advice",
        ),
        pytest.param(
            ("requested", rules.INVITED, rules.HELD),
            rules.CIRCULATED,
            date(2026, 12, 10),
            {},
            "The meeting was held on 09/12/2026: it is too late to circulate the advice.",
            id="circulated-after-the-meeting",
        ),
        pytest.param(
            (),
            rules.HELD,
            WALK[rules.HELD],
            {"recommendation": "maintain"},
            "Record the invitations first: the meeting needs 2 weeks' notice.",
            id="held-without-invitations",
        ),
        pytest.param(
            (rules.INVITED,),
            rules.HELD,
            date(2026, 11, 17),
            {"recommendation": "maintain"},
            "The meeting cannot be before the invitations were sent.",
            id="held-before-the-invitations",
        ),
        pytest.param(
            (rules.INVITED,),
            rules.HELD,
            WALK[rules.HELD],
            {},
            "Record the meeting's recommendation: maintain, amend or cease.",
            id="held-without-recommendation",
        ),
        pytest.param(
            (rules.INVITED,),
            rules.REPORTED,
            WALK[rules.REPORTED],
            {},
            "Record the meeting before sending its report.",
            id="reported-before-the-meeting-held",
        ),
        pytest.param(
            (rules.INVITED, rules.HELD),
            rules.REPORTED,
            date(2026, 12, 8),
            {},
            "The report cannot be sent before the meeting.",
            id="reported-before-the-meeting-date",
        ),
        pytest.param(
            (rules.INVITED, rules.HELD),
            rules.DECIDED,
            WALK[rules.DECIDED],
            {"decision": "amend"},
            "Send the report to the LA before recording its decision.",
            id="decided-without-report",
        ),
        pytest.param(
            (rules.INVITED, rules.HELD, rules.REPORTED),
            rules.DECIDED,
            WALK[rules.DECIDED],
            {"decision": "postpone"},
            "Choose the LA's decision: maintain, amend or cease.",
            id="decision-not-in-the-list",
        ),
        pytest.param(
            (rules.INVITED, rules.HELD, rules.REPORTED),
            rules.AMENDED,
            WALK[rules.AMENDED],
            {},
            "An amended plan follows only an LA decision to amend.",
            id="amended-without-decision",
        ),
        pytest.param(
            (rules.INVITED, rules.HELD, rules.REPORTED, rules.DECIDED),
            rules.AMENDED,
            date(2027, 1, 5),
            {},
            "The amended plan cannot be issued before the LA's notice.",
            id="amended-before-the-notice",
        ),
        pytest.param(
            (rules.INVITED, rules.HELD, rules.REPORTED, rules.DECIDED, rules.AMENDED),
            rules.REPORTED,
            LATER,
            {},
            "This review is finished: nothing more can be recorded.",
            id="finished",
        ),
        pytest.param((), "lunch", TODAY, {}, "Unknown step: lunch.", id="unknown-step"),
        pytest.param(
            (),
            rules.ADVICE_REQUESTED,
            TODAY,
            {},
            "Advice is requested per contributor: use advice_request.",
            id="advice-through-the-wrong-door",
        ),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(
    access, plan, review, done, step, on, extra, message
):
    review = do(access, review, *done)
    before = snapshot(review), snapshot(plan), plan.versions.count()
    with pytest.raises(ValidationError) as error:
        services.review_step(access=access, review=review, step=step, on=on, today=LATER, **extra)
    assert messages(error.value) == [message]
    assert (snapshot(review), snapshot(plan), plan.versions.count()) == before


def test_another_schools_sendco_cannot_move_our_review(review, foreign):
    theirs = foreign["access"]
    for write in (
        lambda: services.review_step(
            access=theirs, review=review, step=rules.INVITED, on=TODAY, today=TODAY
        ),
        lambda: services.review_reschedule(access=theirs, review=review, meeting_on=TODAY),
        lambda: services.advice_request(
            access=theirs, review=review, contributor="ep", requested_on=TODAY, today=TODAY
        ),
    ):
        with pytest.raises(ValidationError) as error:
            write()
        assert messages(error.value) == ["That record belongs to another school."]
    review.refresh_from_db()
    assert (review.meeting_on, review.invitations_sent_on, review.advice.count()) == (
        MEETING,
        None,
        0,
    )


# --------------------------------------------------------------------------------------------------
# Advice
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def documents(settings, tmp_path, monkeypatch):
    """Documents stored under a temporary DOCUMENTS_ROOT.

    The field resolves its storage when the model is loaded, so after pointing the settings at
    the temporary folder the field is given the storage those settings now describe."""
    root = tmp_path / "documents"
    settings.DOCUMENTS_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    monkeypatch.setattr(Advice._meta.get_field("document"), "storage", storages["documents"])
    return root


def test_advice_is_requested_per_contributor(access, review):
    advice = services.advice_request(
        access=access,
        review=review,
        contributor="salt",
        requested_on=date(2026, 10, 28),
        today=TODAY,
        name=" NHS speech therapy ",
    )
    stored = Advice.objects.get(pk=advice.pk)
    assert (stored.contributor, stored.name, stored.requested_on, stored.school) == (
        "salt",
        "NHS speech therapy",
        date(2026, 10, 28),
        review.school,
    )
    assert AnnualReview.objects.get(pk=review.pk).stage == rules.ADVICE_REQUESTED


@pytest.mark.parametrize(
    ("done", "requested_on", "problem"),
    [
        ((), date(2026, 11, 26), {"requested_on": ["This date is still to come."]}),
        (
            (rules.INVITED, rules.HELD),
            date(2026, 11, 20),
            ["The meeting was held on 09/12/2026: it is too late to request advice."],
        ),
        (
            (rules.INVITED, rules.HELD, rules.REPORTED, rules.DECIDED),
            date(2026, 11, 20),
            ["This review is finished: nothing more can be recorded."],
        ),
    ],
)
def test_a_late_or_future_advice_request_is_refused(access, review, done, requested_on, problem):
    review = do(access, review, *done, decision=rules.MAINTAIN)
    with pytest.raises(ValidationError) as error:
        services.advice_request(
            access=access,
            review=review,
            contributor="ep",
            requested_on=requested_on,
            today=TODAY if not done else LATER,
        )
    found = error.value.message_dict if isinstance(problem, dict) else messages(error.value)
    assert found == problem
    assert not Advice.objects.exists()


def test_advice_is_received_with_its_document_under_the_documents_root(access, review, documents):
    advice = services.advice_request(
        access=access, review=review, contributor="ep", requested_on=date(2026, 10, 28), today=TODAY
    )
    upload = SimpleUploadedFile(
        "Mina Khan EP report.PDF", b"%PDF-1.4 advice", content_type="application/pdf"
    )
    services.advice_receive(
        access=access,
        advice=advice,
        received_on=date(2026, 11, 20),
        today=TODAY,
        summary="  Needs visual supports. ",
        document=upload,
        document_type="application/pdf",
    )
    stored = Advice.objects.get(pk=advice.pk)
    assert (stored.received_on, stored.summary) == (date(2026, 11, 20), "Needs visual supports.")
    assert (stored.document_name, stored.document_type) == (
        "Mina Khan EP report.pdf",  # made safe to download (staff.documents.safe_name)
        "application/pdf",
    )
    path = Path(stored.document.path)
    assert path.is_relative_to(documents)
    assert path.read_bytes() == b"%PDF-1.4 advice"
    assert stored.document.name.startswith(f"advice/{review.school_id}/")
    assert stored.document.name.endswith(".pdf")  # from the bytes' type, not the name
    assert stored.document.name.endswith(".pdf")
    assert "Mina" not in stored.document.name
    assert "Khan" not in stored.document.name
    assert "report" not in stored.document.name


@pytest.mark.parametrize(
    ("received_on", "message"),
    [
        (date(2026, 11, 26), "This date is still to come."),
        (date(2026, 10, 27), "Advice cannot arrive before it was requested."),
    ],
)
def test_advice_cannot_arrive_before_it_was_asked_for_or_in_the_future(
    access, review, received_on, message
):
    advice = services.advice_request(
        access=access, review=review, contributor="ep", requested_on=date(2026, 10, 28), today=TODAY
    )
    with pytest.raises(ValidationError) as error:
        services.advice_receive(
            access=access, advice=advice, received_on=received_on, today=TODAY, summary="x"
        )
    assert error.value.message_dict == {"received_on": [message]}
    assert Advice.objects.get(pk=advice.pk).received_on is None


def test_a_teacher_adds_their_own_advice(school, teacher, review, documents):
    mine = access_for(teacher, school)
    advice = services.advice_submit(
        access=mine,
        review=review,
        summary=" Joins in more in small groups. ",
        today=TODAY,
        document=SimpleUploadedFile("notes.docx", b"docx bytes"),
        document_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    stored = Advice.objects.get(pk=advice.pk)
    assert (stored.contributor, stored.name, stored.submitted_by) == (
        "class_teacher",
        "Tom Teacher",
        teacher,
    )
    assert (stored.requested_on, stored.received_on, stored.summary) == (
        None,
        TODAY,
        "Joins in more in small groups.",
    )
    assert Path(stored.document.path).is_relative_to(documents)


@pytest.mark.parametrize(
    ("done", "summary", "problem"),
    [
        ((), "   ", {"summary": ["Write your advice."]}),
        (
            (rules.INVITED, rules.HELD),
            "Late thoughts",
            ["The meeting was held on 09/12/2026: advice can no longer be added."],
        ),
    ],
)
def test_a_teachers_advice_is_refused_when_empty_or_after_the_meeting(
    access, school, teacher, review, done, summary, problem
):
    review = do(access, review, *done)
    with pytest.raises(ValidationError) as error:
        services.advice_submit(
            access=access_for(teacher, school), review=review, summary=summary, today=LATER
        )
    found = error.value.message_dict if isinstance(problem, dict) else messages(error.value)
    assert found == problem
    assert not Advice.objects.exists()


# --------------------------------------------------------------------------------------------------
# Audit: every write names the pupil
# --------------------------------------------------------------------------------------------------


def test_every_write_is_audited_with_the_pupils_public_id(access, plan, review, pupil, authority):
    version = plan.versions.get()
    outcome = services.outcome_save(access=access, version=version, outcome="Speak up")
    services.provision_save(
        access=access, version=version, description="SALT", hours_per_week=1, outcome=outcome
    )
    services.version_update(access=access, version=version, section_a="Loves trains")
    services.review_reschedule(access=access, review=review, meeting_on=MEETING)
    do(access, review, *FULL[:3])
    advice = review.advice.get()
    services.advice_receive(access=access, advice=advice, received_on=TODAY, today=LATER)
    do(access, review, *FULL[3:])
    services.request_save(
        access=access,
        today=TODAY,
        pupil=pupil,
        authority=authority,
        requested_by="school",
        received_on=RECEIVED,
    )
    services.plan_end(access=access, plan=plan, status="ceased", on=LATER, today=LATER)

    events = AuditEvent.objects.filter(action__startswith="ehcp.")
    assert set(events.values_list("pupil_public_id", flat=True)) == {pupil.public_id}
    assert set(events.values_list("school", flat=True)) == {pupil.school_id}
    assert set(events.values_list("actor", flat=True)) == {access.user.pk}
    assert set(events.values_list("action", flat=True)) == {
        "ehcp.plan_recorded",
        "ehcp.outcome_saved",
        "ehcp.provision_saved",
        "ehcp.plan_changed",
        "ehcp.review_scheduled",
        "ehcp.review_rescheduled",
        "ehcp.advice_requested",
        "ehcp.advice_received",
        "ehcp.review_step",
        "ehcp.plan_amended",
        "ehcp.request_saved",
        "ehcp.plan_ended",
    }
    steps = events.filter(action="ehcp.review_step").values_list("detail", flat=True)
    assert [d["step"] for d in reversed(steps)] == [
        rules.INVITED,
        rules.CIRCULATED,
        rules.HELD,
        rules.REPORTED,
        rules.DECIDED,
        rules.AMENDED,
    ]
    # No words of the plan in the audit trail: only which fields changed.
    assert events.get(action="ehcp.plan_changed").detail == {"version": 1, "fields": ["section_a"]}


def test_advice_requested_after_the_meeting_date_is_refused(access, review):
    """Advice is gathered for the meeting (reg. 20): a request dated after it is a mistake."""
    with pytest.raises(ValidationError) as error:
        services.advice_request(
            access=access,
            review=review,
            contributor="ep",
            requested_on=MEETING + timedelta(days=1),
            today=LATER,
        )
    assert error.value.message_dict == {
        "requested_on": ["Advice must be requested before the meeting."]
    }
    assert not Advice.objects.exists()


# --------------------------------------------------------------------------------------------------
# A document's file on disk follows its advice: one file, whatever was replaced or deleted
# --------------------------------------------------------------------------------------------------


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _receive(access, advice, content: bytes):
    return services.advice_receive(
        access=access,
        advice=advice,
        received_on=date(2026, 11, 20),
        today=TODAY,
        document=SimpleUploadedFile("report.pdf", content),
        document_type="application/pdf",
    )


def test_replacing_a_document_leaves_one_file_on_disk(
    access, review, documents, django_capture_on_commit_callbacks
):
    advice = services.advice_request(
        access=access, review=review, contributor="ep", requested_on=date(2026, 10, 28), today=TODAY
    )
    for version in range(8):
        with django_capture_on_commit_callbacks(execute=True):
            advice = _receive(access, Advice.objects.get(pk=advice.pk), b"%%PDF-1.4 v%d" % version)
    files = _files_under(documents)
    assert len(files) == 1
    assert files[0].read_bytes() == b"%PDF-1.4 v7"
    assert Path(Advice.objects.get(pk=advice.pk).document.path) == files[0]


def test_a_replace_that_fails_keeps_the_old_file(
    access, review, documents, django_capture_on_commit_callbacks, monkeypatch
):
    advice = services.advice_request(
        access=access, review=review, contributor="ep", requested_on=date(2026, 10, 28), today=TODAY
    )
    with django_capture_on_commit_callbacks(execute=True):
        _receive(access, advice, b"%PDF-1.4 first")

    def refuse(*args, **kwargs):
        raise ValidationError("The audit log is unavailable.")

    monkeypatch.setattr(services, "pupil_audit", refuse)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        _receive(access, Advice.objects.get(pk=advice.pk), b"%PDF-1.4 second")
    stored = Advice.objects.get(pk=advice.pk)
    assert Path(stored.document.path).read_bytes() == b"%PDF-1.4 first"
    assert _files_under(documents) == [Path(stored.document.path)]


def test_deleting_advice_deletes_its_file_after_commit(
    access, review, documents, django_capture_on_commit_callbacks
):
    advice = services.advice_request(
        access=access, review=review, contributor="ep", requested_on=date(2026, 10, 28), today=TODAY
    )
    with django_capture_on_commit_callbacks(execute=True):
        _receive(access, advice, b"%PDF-1.4 report")
    assert len(_files_under(documents)) == 1
    with django_capture_on_commit_callbacks(execute=False) as pending:
        Advice.objects.get(pk=advice.pk).delete()
    assert len(_files_under(documents)) == 1, "the file stays until the deletion is committed"
    for callback in pending:
        callback()
    assert _files_under(documents) == []
