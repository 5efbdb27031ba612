"""Builders for EHC plan tests: an authority, a plan with its first version, and reviews in any
state written straight to the database (for selector and deadline tables; the services have their
own tests)."""

from __future__ import annotations

from datetime import date, timedelta

from ehcp.models import AnnualReview, EhcPlan, LocalAuthority, PlanVersion


def make_authority(school, name="Anyshire County Council", **fields) -> LocalAuthority:
    return LocalAuthority.objects.create(school=school, name=name, **fields)


def make_plan(pupil, authority, *, issued_on: date, by, status=EhcPlan.Status.ACTIVE) -> EhcPlan:
    plan = EhcPlan.objects.create(
        school=pupil.school, pupil=pupil, authority=authority, status=status
    )
    PlanVersion.objects.create(plan=plan, number=1, issued_on=issued_on, created_by=by)
    return plan


def make_review(plan, *, meeting_on: date, by, **fields) -> AnnualReview:
    """A review in whatever state `fields` say (dates of the steps done, the LA's decision)."""
    return AnnualReview.objects.create(
        school=plan.school,
        plan=plan,
        version=plan.versions.order_by("-number").first(),
        meeting_on=meeting_on,
        created_by=by,
        **fields,
    )


def finished_review(plan, *, held_on: date, by, decision="maintain") -> AnnualReview:
    """A review held on `held_on`, reported a week later and decided (maintain or cease) three
    weeks after that."""
    return make_review(
        plan,
        meeting_on=held_on,
        by=by,
        invitations_sent_on=held_on - timedelta(weeks=3),
        held_on=held_on,
        recommendation=decision,
        report_sent_on=held_on + timedelta(weeks=1),
        la_decision=decision,
        la_decision_on=held_on + timedelta(weeks=3),
        stage=AnnualReview.Stage.DECIDED,
    )
