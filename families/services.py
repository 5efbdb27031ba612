"""Writes of families: the pupil's views recorded on the voice form, and views given by parents
or the pupil accepted into the plan (copied there; the record stays as it was given)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ehcp import services as ehcp_services
from plans import services as plan_services
from register.models import Pupil, ViewsGiven
from register.rules import long_day, views_given_text
from register.services import pupil_audit
from staff.tenancy import Access

from . import selectors


@transaction.atomic
def pupil_views_record(
    *,
    access: Access,
    pupil: Pupil,
    purpose: str,
    given_on: date,
    given_by: str,
    answers: list[dict],
    today: date,
) -> ViewsGiven:
    """Save what the pupil said on the symbol-supported voice form, with the adult who sat
    with them."""
    if pupil.school_id != access.school.pk:
        raise ValidationError("This pupil belongs to another school.")
    if given_on > today:
        raise ValidationError({"given_on": "The date cannot be in the future."})
    if not answers:
        raise ValidationError("Nothing was given: tick a picture, choose a face or write words.")
    views = ViewsGiven(
        school=access.school,
        pupil=pupil,
        whose=ViewsGiven.Whose.PUPIL,
        how=ViewsGiven.How.SYMBOL_FORM,
        purpose=purpose,
        given_on=given_on,
        given_by=given_by.strip(),
        answers=answers,
        recorded_by=access.user,
    )
    views.full_clean()
    views.save()
    pupil_audit(access, pupil, "families.pupil_views_recorded", purpose=purpose)
    return views


def _field(views: ViewsGiven, *, review: bool) -> str:
    whose = "pupil" if views.whose == ViewsGiven.Whose.PUPIL else "parent"
    return f"{'review_' if review else ''}{whose}_views"


def accept_target(views: ViewsGiven) -> str:
    """Where accepting these views puts them, in words."""
    return {
        ViewsGiven.Purpose.ANNUAL_REVIEW: "the EHC plan's annual review",
        ViewsGiven.Purpose.PLAN_REVIEW: "the support plan's review",
    }.get(views.purpose, "the support plan's assessment")


@transaction.atomic
def views_accept(*, access: Access, views: ViewsGiven, today: date) -> ViewsGiven:
    """Copy the words of views given into the plan: before an EHC plan's annual review into
    the review's record of the parents' or pupil's views; before a support plan review into
    the open cycle's review views; otherwise into the open cycle's Assess views. Always after
    what is written there. A reviewed cycle, or a review whose report has gone, refuses."""
    views = ViewsGiven.objects.select_for_update().select_related("pupil").get(pk=views.pk)
    if views.school_id != access.school.pk:
        raise ValidationError("These views belong to another school.")
    if views.accepted_on is not None:
        raise ValidationError(f"These views were accepted on {long_day(views.accepted_on)}.")
    text = views_given_text(
        how=views.how, given_on=views.given_on, given_by=views.given_by, answers=views.answers
    )
    if views.purpose == ViewsGiven.Purpose.ANNUAL_REVIEW:
        review = selectors.latest_review(views=views)
        if review is None:
            raise ValidationError("The pupil has no annual review to take these views.")
        ehcp_services.review_views_append(
            access=access, review=review, field=_field(views, review=False), text=text
        )
    else:
        cycle = selectors.latest_cycle(views=views)
        if cycle is None:
            raise ValidationError("The pupil has no support plan to take these views yet.")
        if cycle.frozen:
            raise ValidationError(
                f"Cycle {cycle.number} of the support plan was reviewed on "
                f"{long_day(cycle.reviewed_on)} and can no longer be changed: start the next "
                "cycle, then accept these views into it."
            )
        review = views.purpose == ViewsGiven.Purpose.PLAN_REVIEW
        plan_services.cycle_views_append(
            access=access, cycle=cycle, field=_field(views, review=review), text=text
        )
    views.accepted_on, views.accepted_by = today, access.user
    views.save(update_fields=["accepted_on", "accepted_by"])
    pupil_audit(access, views.pupil, "families.views_accepted", into=accept_target(views))
    return views
