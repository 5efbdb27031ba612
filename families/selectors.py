"""Reads of families: who may record a pupil's voice, the views given and where they would go."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q

from ehcp.models import AnnualReview
from plans.models import Cycle
from provision.models import GroupPupil
from register.models import Pupil, ViewsGiven
from register.selectors import pupil_for
from staff.tenancy import Access


def voice_pupil_for(*, access: Access, public_id, on: date) -> Pupil | None:
    """A pupil this person may fill in the voice form with: one they see on the register (the
    SENDCo's school, a teacher's or TA's classes), or one in an intervention group they run
    today (a TA who runs the pupil's reading group knows them). Anyone else's is None (404)."""
    pupil = pupil_for(access=access, public_id=public_id, on=on)
    if pupil is not None:
        return pupil
    runs = GroupPupil.objects.filter(
        pupil=OuterRef("pk"),
        school=access.school,
        group__staff=access.user,
        joined_on__lte=on,
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
    return Pupil.objects.for_school(access.school).filter(Exists(runs), public_id=public_id).first()


def views_for(*, access: Access, public_id, on: date) -> ViewsGiven | None:
    """A record of views given about a pupil this person sees, or None (404)."""
    found = (
        ViewsGiven.objects.filter(school=access.school, public_id=public_id)
        .select_related("pupil")
        .first()
    )
    if found is None or pupil_for(access=access, public_id=found.pupil.public_id, on=on) is None:
        return None
    return found


def latest_cycle(*, views: ViewsGiven) -> Cycle | None:
    """The pupil's support plan cycle the views would go into: the open one, else the last
    (which is reviewed, and refuses them)."""
    return (
        Cycle.objects.filter(school=views.school_id, plan__pupil=views.pupil_id)
        .select_related("plan__pupil")
        .order_by("-number")
        .first()
    )


def latest_review(*, views: ViewsGiven) -> AnnualReview | None:
    """The annual review of the pupil's EHC plan the views would go into: the newest."""
    return (
        AnnualReview.objects.filter(school=views.school_id, plan__pupil=views.pupil_id)
        .select_related("plan__pupil")
        .order_by("-meeting_on", "-created_at")
        .first()
    )
