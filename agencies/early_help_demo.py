"""The demo's Early Help: the school's review interval, its designated safeguarding lead, and
three pupils' Early Help: a plan reviewed on time (led by the SENDCo), a plan whose review is
overdue (led by the LA's family support worker) and one closed. Idempotent: a school with Early
Help settings is left alone."""

from __future__ import annotations

from datetime import date, timedelta

from register.models import Pupil
from staff.capabilities import Duty
from staff.models import Membership, School, User

from .early_help_models import EarlyHelp, EarlyHelpSettings, TafReview
from .early_help_rules import Stage


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _give_dsl(school: School, dsl: User) -> None:
    membership = Membership.objects.filter(school=school, user=dsl).first()
    if membership is not None and Duty.DSL not in membership.duties:
        membership.duties = [*membership.duties, Duty.DSL.value]
        membership.save(update_fields=["duties"])


def _review(record: EarlyHelp, held_on: date, by: User, summary: str) -> TafReview:
    return TafReview.objects.create(
        school=record.school,
        early_help=record,
        held_on=held_on,
        attended="Parent, lead practitioner, class teacher, school nurse",
        summary=summary,
        recorded_by=by,
    )


def seed_early_help(*, school: School, today: date, sendco: User, dsl: User, weeks: int) -> int:
    """Seed the school's Early Help; `dsl` is given the designated safeguarding lead's duty and
    reviews fall every `weeks` weeks (the school's setting)."""
    if EarlyHelpSettings.objects.filter(school=school).exists():
        return 0
    EarlyHelpSettings.objects.create(school=school, review_weeks=weeks)
    _give_dsl(school, dsl)
    pupils = list(
        Pupil.objects.for_school(school)
        .on_roll(today)
        .filter(leaving_date__isnull=True)
        .order_by("legal_last_name", "legal_first_name", "pk")[5:40:10]
    )
    if len(pupils) < 3:
        return 1
    interval = timedelta(weeks=weeks)
    made = 1
    common = {"school": school, "created_by": sendco, "consent_given_by": "Mother"}

    # On time: started two reviews and three weeks ago; the next review is ahead.
    started = _weekday(today - 2 * interval - timedelta(weeks=3))
    on_time = EarlyHelp.objects.create(
        **common,
        pupil=pupils[0],
        stage=Stage.PLAN,
        started_on=started,
        consent_on=started,
        lead_name=sendco.full_name,
        lead_role="SENDCo",
        lead_organisation=school.name,
        lead_contact=sendco.email,
    )
    _review(on_time, _weekday(started + interval), sendco, "Attendance plan agreed; morning club.")
    _review(
        on_time, _weekday(started + 2 * interval), sendco, "Attendance up; keep the morning club."
    )

    # Overdue: its one review was more than an interval ago.
    started = _weekday(today - 2 * interval - timedelta(weeks=2))
    overdue = EarlyHelp.objects.create(
        **common,
        pupil=pupils[1],
        stage=Stage.PLAN,
        started_on=started,
        consent_on=started - timedelta(days=2),
        lead_name="Dana Price",
        lead_role="Family support worker",
        lead_organisation=f"{school.local_authority} Early Help team",
        lead_contact="earlyhelp@example.org",
    )
    _review(overdue, _weekday(started + interval), sendco, "Housing support referral made.")

    # Closed: the plan's aims met last term.
    started = _weekday(today - 3 * interval - timedelta(weeks=20))
    closed = EarlyHelp.objects.create(
        **common,
        pupil=pupils[2],
        stage=Stage.CLOSED,
        started_on=started,
        consent_on=started,
        lead_name="Chris Bell",
        lead_role="Pastoral lead",
        lead_organisation=school.name,
        closed_on=_weekday(started + 2 * interval + timedelta(weeks=1)),
        close_reason="The plan's aims were met; the family agreed to close.",
    )
    _review(closed, _weekday(started + interval), sendco, "Sleep routine in place.")
    _review(closed, _weekday(started + 2 * interval), sendco, "Aims met; close next week.")
    return made + 3 + 5
