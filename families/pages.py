"""What the pupil voice pages show: their context and messages (the views only route)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from register.models import Pupil, ViewsGiven
from register.rules import long_day
from staff.capabilities import Cap
from staff.tenancy import Access

from . import services, voice

VOICE_INTRO = (
    "Sit with the pupil and read each question aloud. The pupil ticks the pictures that are "
    "true for them and chooses a face; type anything else they say in their own words."
)


def voice_initial(*, pupil: Pupil, user, today: date) -> dict:
    return {"given_on": today, "given_by": f"{pupil.first_name} with {user.full_name}".strip()}


def voice_saved(views: ViewsGiven) -> str:
    return (
        f"Thank you: {views.pupil.first_name}'s views of {long_day(views.given_on)} are saved. "
        "The SENDCo sees them on the support plan."
    )


def after_voice(access: Access, pupil: Pupil) -> str:
    """Where to go once the pupil's views are saved: their list of views given for those who
    read it, else a fresh form (a teaching assistant records, the plan is not theirs to read)."""
    name = "families:pupil_views" if access.can(Cap.VOICE_VIEW) else "families:pupil_voice"
    return reverse(name, args=[access.school.slug, pupil.public_id])


def voice_form(*, access: Access, pupil: Pupil, form) -> dict:
    return {
        "pupil": pupil,
        "form": form,
        "intro": VOICE_INTRO,
        "can_view": access.can(Cap.VOICE_VIEW),
    }


def voice_print() -> dict:
    return {
        "questions": voice.QUESTIONS,
        "faces": voice.FACES,
        "face_questions": voice.FACE_QUESTIONS,
    }


def views_list(*, access: Access, pupil: Pupil, page) -> dict:
    return {
        "pupil": pupil,
        "page": page,
        "rows": page.object_list,
        "can_accept": access.can(Cap.VOICE_ACCEPT),
        "can_record": access.can(Cap.VOICE_RECORD),
        "can_see_plan": access.can(Cap.PLAN_FULL),
    }


def accepted(views: ViewsGiven) -> str:
    return (
        f"{views.get_whose_display()} of {long_day(views.given_on)} are added to "
        f"{services.accept_target(views)}, after what was written there."
    )


def back_to(request, views: ViewsGiven) -> str:
    """The page the accept button was on (only a path of this site), else the pupil's views."""
    wanted = request.POST.get("next", "")
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("families:pupil_views", args=[request.school.slug, views.pupil.public_id])
