"""A pupil with a rich SEN history at a primary school, for the portable plan's tests: three SEN
status periods, needs over time, layers of support, two passport versions, a support plan of
three cycles (two reviewed) with targets delivered by a group, an EHC plan with outcomes, section
F and a held annual review, two intervention places with sessions, attendance and scores, and
views given by a parent and the pupil."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ehcp.models import AnnualReview, EhcPlan, LocalAuthority, PlanOutcome, PlanVersion
from ehcp.models import ProvisionItem as SectionF
from plans.models import Cycle, SupportPlan, Target
from provision.models import Attendance, Group, GroupPupil, Intervention, Measure, Session
from register.models import (
    Need,
    NeedType,
    PassportVersion,
    Pupil,
    SenStatus,
    SupportLayer,
    ViewsGiven,
)
from staff import calendar as school_calendar
from staff.models import Role
from tests.factories import SchoolFactory, TrustFactory, member


def rich_pupil(school, sendco, *, upn: str = "H801200001001", places: int = 2) -> Pupil:
    pupil = Pupil.objects.create(
        school=school,
        upn=upn,
        legal_first_name="Samuel",
        legal_last_name="Jones",
        preferred_first_name="Sam",
        date_of_birth=date(2015, 5, 4),
        sex="M",
        year_group="6",
        leaving_date=date(2027, 7, 21),
        leaving_destination="Riverside Academy",
    )
    slcn, spld = NeedType.objects.get(code="SLCN"), NeedType.objects.get(code="SPLD")
    SenStatus.objects.create(
        school=school,
        pupil=pupil,
        category="K",
        starts_on=date(2021, 10, 4),
        ends_on=date(2023, 3, 5),
        reason="Speech and language below age expectations despite quality first teaching.",
        parents_informed_on=date(2021, 10, 6),
        parents_informed_how="meeting",
    )
    SenStatus.objects.create(
        school=school,
        pupil=pupil,
        category="E",
        starts_on=date(2023, 3, 6),
        reason="EHC plan issued by the local authority.",
    )
    Need.objects.create(
        school=school, pupil=pupil, need_type=slcn, rank=1, starts_on=date(2021, 10, 4)
    )
    Need.objects.create(
        school=school,
        pupil=pupil,
        need_type=spld,
        rank=2,
        starts_on=date(2022, 1, 10),
        ends_on=date(2024, 7, 19),
        description="Dyslexic profile",
    )
    SupportLayer.objects.create(
        school=school,
        pupil=pupil,
        layer="targeted",
        starts_on=date(2021, 10, 4),
        ends_on=date(2023, 3, 5),
        note="SEN support",
    )
    SupportLayer.objects.create(
        school=school, pupil=pupil, layer="specialist", starts_on=date(2023, 3, 6)
    )
    for version, helps in ((1, "Visual timetable"), (2, "Visual timetable; now-and-next board")):
        PassportVersion.objects.create(
            school=school,
            pupil=pupil,
            version=version,
            about_me="I like Lego and trains.",
            what_helps=helps,
            strategies="Give instructions one at a time.",
            created_by=sendco,
        )
    measure, _ = Measure.objects.get_or_create(
        school=school, name="Word reading", defaults={"kind": "standardised"}
    )
    groups = []
    for index in range(places):
        intervention, _ = Intervention.objects.get_or_create(
            school=school,
            name=f"Talk Boost {index}",
            defaults={"broad_area": "ci", "measure": measure},
        )
        group = Group.objects.create(
            school=school,
            intervention=intervention,
            name=f"Talk Boost group {index}",
            status="ended",
            starts_on=date(2026, 9, 7),
            ends_on=date(2026, 12, 11),
            sessions_per_week=2,
            session_minutes=30,
        )
        GroupPupil.objects.create(
            school=school,
            group=group,
            pupil=pupil,
            joined_on=date(2026, 9, 7),
            entry_score=Decimal("82"),
            target_score=Decimal("90"),
            exit_score=Decimal("88.5"),
        )
        for week in range(3):
            session = Session.objects.create(
                school=school,
                group=group,
                on=date(2026, 9, 8) + timedelta(weeks=week),
                logged_by=sendco,
            )
            Attendance.objects.create(
                school=school, session=session, pupil=pupil, present=week != 1
            )
        groups.append(group)
    plan = SupportPlan.objects.create(school=school, pupil=pupil, created_by=sendco)
    for number in (1, 2, 3):
        cycle = Cycle.objects.create(
            school=school,
            plan=plan,
            number=number,
            stage="reviewed" if number < 3 else "do",
            starts_on=date(2025, 9, 8) + timedelta(weeks=14 * (number - 1)),
            needs_summary=f"Needs at cycle {number}",
            strategies="Pre-teach vocabulary.",
            review_due=date(2025, 12, 12) + timedelta(weeks=14 * (number - 1)),
            reviewed_on=(date(2025, 12, 10) + timedelta(weeks=14 * (number - 1)))
            if number < 3
            else None,
            review_summary="Good progress." if number < 3 else "",
        )
        for position in (1, 2):
            target = Target.objects.create(
                school=school,
                cycle=cycle,
                position=position,
                description=f"Target {position} of cycle {number}",
                measure="Word reading score",
                baseline="82",
                expected="90",
                by_when=date(2026, 7, 17),
                need_type=slcn if position == 1 else None,
                outcome="partly" if number < 3 else "",
                evidence="88.5 in December" if number < 3 else "",
            )
            if position == 1:
                target.groups.set(groups)
    authority, _ = LocalAuthority.objects.get_or_create(school=school, name="Northshire")
    ehc = EhcPlan.objects.create(school=school, pupil=pupil, authority=authority)
    version = PlanVersion.objects.create(
        plan=ehc,
        number=1,
        issued_on=date(2023, 3, 6),
        section_a="Sam wants to be a train driver.",
        section_b="Speech, language and communication needs.",
        section_i="Meadow Lane Primary",
        created_by=sendco,
    )
    outcome = PlanOutcome.objects.create(
        version=version, position=1, area="ci", outcome="Sam will talk in a group of four."
    )
    SectionF.objects.create(
        version=version,
        position=1,
        description="Speech and language therapy",
        hours_per_week=Decimal("1.5"),
        provider="NHS SLT",
        outcome=outcome,
    )
    AnnualReview.objects.create(
        school=school,
        plan=ehc,
        version=version,
        stage="reported",
        phase_transfer=True,
        meeting_on=date(2026, 10, 14),
        held_on=date(2026, 10, 14),
        recommendation="amend",
        amendments="Name the secondary school.",
        report_sent_on=date(2026, 10, 20),
        created_by=sendco,
    )
    ViewsGiven.objects.create(
        school=school,
        pupil=pupil,
        whose="parent",
        how="paper",
        purpose="annual_review",
        given_on=date(2026, 10, 1),
        given_by="Mum",
        answers=[{"question": "What is going well?", "answer": "Reading at bedtime."}],
    )
    ViewsGiven.objects.create(
        school=school,
        pupil=pupil,
        whose="pupil",
        how="symbol_form",
        purpose="annual_review",
        given_on=date(2026, 10, 2),
        given_by="Sam with Mrs Patel",
        answers=[{"question": "What helps me", "answer": "Lego breaks"}],
    )
    return pupil


def meadow_and_riverside() -> dict:
    """Two schools of one trust (a primary and the secondary its pupils move to), each with its
    SENDCo, the primary's head, and a pupil at the primary with a rich history."""
    trust = TrustFactory(name="Oak Trust", slug="oak")
    meadow = SchoolFactory(trust=trust, name="Meadow Lane Primary", slug="meadow", urn="100001")
    riverside = SchoolFactory(trust=trust, name="Riverside Academy", slug="river", urn="100002")
    for school in (meadow, riverside):
        school_calendar.create_default_year(school=school, academic_year_start=2026)
    sendco = member(meadow, Role.SENDCO, email="sendco@meadow.test")
    return {
        "meadow": meadow,
        "riverside": riverside,
        "sendco": sendco,
        "head": member(meadow, Role.HEAD, email="head@meadow.test"),
        "receiver": member(riverside, Role.SENDCO, email="sendco@river.test"),
        "pupil": rich_pupil(meadow, sendco),
    }
