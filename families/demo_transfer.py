"""Demo data for moving school (issue 19): a Year 6 leaver at the primary school, on the SEN
register with a rich history (their support plan, EHC plan or provision from the demo's other
seeds), leaving at the end of the school year for the secondary school, ready for a pack.

The pupil is the Year 6 pupil on the register with the most history (cycles, intervention
places), chosen the same way on every database; a layer of support and a parent's views are
added when the demo has none for them. Idempotent: a school with a leaver bound for the
secondary school already is left alone.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from register.models import Pupil, SenStatus, SupportLayer, ViewsGiven
from staff.models import School, User

from .transfer_selectors import school_year

DESTINATION = "Riverside Academy"


def demo_leaver(school: School) -> Pupil | None:
    """The Year 6 pupil on the SEN register (K or E now) with the most history: support plan
    cycles and intervention places first, so the pack shows provision received and its impact."""
    on_register = Q(sen_statuses__ends_on__isnull=True) & Q(
        sen_statuses__category__in=(SenStatus.Category.SEN_SUPPORT, SenStatus.Category.EHC_PLAN)
    )
    return (
        Pupil.objects.for_school(school)
        .filter(year_group="6", leaving_date__isnull=True)
        .filter(on_register)
        .annotate(
            cycles=Count("support_plan__cycles", distinct=True),
            places=Count("group_places", distinct=True),
            plans=Count("ehc_plans", distinct=True),
        )
        .order_by("-cycles", "-places", "-plans", "upn")
        .first()
    )


def seed_transfer(*, school: School, today: date, sendco: User) -> int:
    if Pupil.objects.filter(school=school, leaving_destination=DESTINATION).exists():
        return 0
    pupil = demo_leaver(school)
    if pupil is None:
        return 0
    _, year_end = school_year(today)
    pupil.leaving_date = date(year_end.year, 7, 21)
    pupil.leaving_destination = DESTINATION
    pupil.save(update_fields=["leaving_date", "leaving_destination"])
    created = 1
    status = SenStatus.objects.filter(pupil=pupil).order_by("starts_on").first()
    if not SupportLayer.objects.filter(pupil=pupil).exists():
        SupportLayer.objects.create(
            school=school,
            pupil=pupil,
            layer=SupportLayer.Layer.SPECIALIST
            if pupil.ehc_plans.exists()
            else SupportLayer.Layer.TARGETED,
            starts_on=status.starts_on if status else today,
            note="Recorded for the transfer to secondary school.",
            recorded_by=sendco,
        )
        created += 1
    if not ViewsGiven.objects.filter(pupil=pupil).exists():
        ViewsGiven.objects.create(
            school=school,
            pupil=pupil,
            whose=ViewsGiven.Whose.PARENT,
            how=ViewsGiven.How.MEETING,
            purpose=ViewsGiven.Purpose.PLAN_REVIEW,
            given_on=today,
            given_by="Mum",
            answers=[
                {
                    "question": "What are you hoping for at secondary school?",
                    "answer": "That the new teachers know what helps, from the first day.",
                }
            ],
            recorded_by=sendco,
        )
        created += 1
    return created
