"""Reads of parents' links: a pupil's links and summaries for the school, and what the parent
reads after the date of birth check (the plan in plain words and the passport). Each in a fixed
number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from ehcp.models import EhcPlan, PlanOutcome, PlanVersion
from plans.models import Cycle, SupportPlan, Target
from register.models import Contact, PassportVersion, Pupil, ViewsGiven

from .models import TranslatedSummary, ViewsLink


def links_of(*, pupil: Pupil) -> list[ViewsLink]:
    """The pupil's links, newest first, with who made them and the views given (two queries)."""
    return list(
        ViewsLink.objects.filter(pupil=pupil)
        .select_related("created_by", "revoked_by", "sent_to", "views")
        .order_by("-created_at", "-pk")
    )


def link_of(*, school, public_id) -> ViewsLink | None:
    return (
        ViewsLink.objects.select_related("pupil", "created_by")
        .filter(school=school, public_id=public_id)
        .first()
    )


def summaries_of(*, pupil: Pupil) -> list[TranslatedSummary]:
    return list(TranslatedSummary.objects.filter(pupil=pupil).select_related("added_by"))


def summary_of(*, school, public_id) -> TranslatedSummary | None:
    return (
        TranslatedSummary.objects.select_related("pupil")
        .filter(school=school, public_id=public_id)
        .first()
    )


def summary_of_pupil(*, pupil: Pupil, public_id) -> TranslatedSummary | None:
    return TranslatedSummary.objects.filter(pupil=pupil, public_id=public_id).first()


def contacts_with_email(*, pupil: Pupil):
    return Contact.objects.filter(pupil=pupil).exclude(email="").order_by("priority", "name")


@dataclass
class ParentPlan:
    """What a parent reads through the link: the support plan's open cycle (its targets and the
    strategies), or the EHC plan's outcomes, and the newest passport."""

    cycle: Cycle | None = None
    targets: list[Target] = field(default_factory=list)
    ehc_version: PlanVersion | None = None
    outcomes: list[PlanOutcome] = field(default_factory=list)
    passport: PassportVersion | None = None
    summaries: list[TranslatedSummary] = field(default_factory=list)


def parent_plan(*, pupil: Pupil) -> ParentPlan:
    """The plan as the parent reads it (at most six queries, whatever the plan holds)."""
    found = ParentPlan()
    plan = SupportPlan.objects.filter(pupil=pupil).first()
    if plan is not None:
        found.cycle = (
            Cycle.objects.filter(plan=plan)
            .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("position")))
            .order_by("-number")
            .first()
        )
        if found.cycle is not None:
            found.targets = list(found.cycle.targets.all())
    ehc = EhcPlan.objects.filter(pupil=pupil, status=EhcPlan.Status.ACTIVE).first()
    if ehc is not None:
        found.ehc_version = (
            PlanVersion.objects.filter(plan=ehc).prefetch_related("outcomes").first()
        )
        if found.ehc_version is not None:
            found.outcomes = list(found.ehc_version.outcomes.all())
    found.passport = PassportVersion.objects.filter(pupil=pupil).order_by("-version").first()
    found.summaries = list(TranslatedSummary.objects.filter(pupil=pupil))
    return found


def views_given_by_links(*, pupil: Pupil) -> list[ViewsGiven]:
    return list(
        ViewsGiven.objects.filter(pupil=pupil, how=ViewsGiven.How.LINK).order_by("-given_on")
    )
