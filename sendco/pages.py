"""What each person's home page shows, and the deadlines page behind it.

Home leads with the day's work: for the SENDCo and the head, what is overdue and due this week,
grouped by pupil, with the count of each kind of work and the rest one click away on the deadlines
page; then the register and this term's provision as charts beside their tables. For a teacher or
a teaching assistant, their groups today come first. Everything in a constant number of queries.
"""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest

from ehcp.selectors import tracker_order
from provision import charts
from provision.overview import DeliveryRow, term_delivery
from provision.selectors import session_cards_today
from register import selectors as register_selectors
from reports import pages as report_pages
from reports import selectors as report_selectors
from staff import calendar as school_calendar
from staff import deadline_cache, suppression
from staff.capabilities import Cap, Reach, pupil_reach
from staff.deadlines import Deadline
from staff.models import School, User
from staff.tenancy import Access

from . import compare, triage, vulnerable
from .deadlines import PAGES_WEEKS, deadlines_for, deadlines_for_school

PAGE_SIZE = 40  # pupils (or kinds) per page of the deadlines page


def _owners(deadlines: list[Deadline]) -> dict[int, str]:
    """The names of the people named to act on these deadlines. One query (none when nobody is
    named)."""
    ids = {d.owner_id for d in deadlines if d.owner_id is not None}
    if not ids:
        return {}
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name"))


def _charts(*, access: Access, today: date) -> dict:
    needs = kept_needs(access=access, today=today)
    context: dict = {
        "needs": needs,
        "needs_chart": charts.stacked_bar_chart(
            [(row.need, [row.k, row.e]) for row in needs],
            title="The SEN register by primary need",
            series=["SEN support", "EHC plan"],
        ),
    }
    if access.can(Cap.PROVISION_MAP):
        school = access.school
        terms = school_calendar.season_terms(school=school, start=today, end=today)
        term = terms[0] if terms else None
        delivery = (
            kept_term_delivery(school=school, starts_on=term.starts_on, today=today) if term else []
        )
        context["season_term"] = term
        context["delivery"] = delivery
        context["delivery_chart"] = charts.bar_chart(
            [(row.intervention, row.rate) for row in delivery],
            title="Sessions run against planned this term, so far",
            unit="%",
            max_value=max([100, *[row.rate or 0 for row in delivery]]),
        )
    return context


def kept_term_delivery(*, school: School, starts_on: date, today: date) -> list[DeliveryRow]:
    """This term's sessions run against planned (`term_delivery`), kept between the writes that
    move it like the school's deadlines (sessions, groups and the calendar feed the same
    stamp: `staff.deadline_cache`)."""
    return deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        name=f"term-delivery-{starts_on.isoformat()}",
        work_out=lambda: term_delivery(school=school, starts_on=starts_on, on=today),
    )


def kept_needs(*, access: Access, today: date) -> list:
    """The register by primary need (`register.selectors.by_primary_need`: a count over every
    pupil on the register), kept between the writes that move it as the register summary is."""
    return deadline_cache.kept_for(
        access=access,
        today=today,
        name="home-needs",
        work_out=lambda: register_selectors.by_primary_need(access=access, on=today),
    )


def kept_register_summary(*, access: Access, today: date) -> dict:
    """The home page's register summary (`register.selectors.home_summary`), kept between the
    writes that move it like the school's deadlines (pupils, statuses, needs and classes feed
    the same stamp). The leaders' counts are the school's; a teacher's or TA's classes and SEN
    pupils are their own, kept for them alone (by role too: who sees which pupils is the role's)."""
    return deadline_cache.kept_for(
        access=access,
        today=today,
        name="home-register",
        work_out=lambda: register_selectors.home_summary(access=access, on=today),
    )


def school_home(*, request: HttpRequest, today: date) -> dict:
    access: Access = request.access
    school = access.school
    term, next_term = school_calendar.term_or_next(school=school, on=today)
    context: dict = {"today": today, "term": term, "next_term": next_term}
    # A teacher's or a teaching assistant's day starts with the groups they run today.
    context["groups_first"] = pupil_reach(access.role) != Reach.SCHOOL
    if access.can(Cap.SESSION_LOG):
        context["cards"] = session_cards_today(access=access, today=today)
    if not access.can(Cap.REGISTER_VIEW):  # a governor: the reports
        context["small_number"] = suppression.threshold()
        context["published_reports"] = list(report_selectors.reports_for(access=access)[:3])
        return context
    context["register"] = kept_register_summary(access=access, today=today)
    context["triage"] = triage.triage(deadlines_for(access=access, today=today), today=today)
    if pupil_reach(access.role) == Reach.SCHOOL:
        context.update(_charts(access=access, today=today))
    return context


def deadlines_page(*, request: HttpRequest, today: date) -> dict:
    """Every deadline of the next eight weeks the person may act on, filtered by when, kind, local
    authority, who acts and year group, grouped by pupil or by kind, a page of groups at a time."""
    access: Access = request.access
    found = deadlines_for(access=access, today=today)
    form = triage.DeadlineFilterForm(request.GET, deadlines=found, owners=_owners(found))
    shown = triage.apply_filters(found, form=form, today=today, me=request.user.pk)
    by_kind = form.is_valid() and form.cleaned_data["by"] == "kind"
    bundles = triage.by_kind(shown) if by_kind else triage.by_pupil(shown)
    page = Paginator(bundles, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "today": today,
        "form": form,
        "total": len(found),
        "shown": len(shown),
        "page": page,
        "by_kind": by_kind,
        "query": query.urlencode(),
    }


def warm(*, school: School, today: date) -> int:
    """Work out and keep what a school's home, deadlines and tracker pages read (after a write,
    in a worker: `deadlines.warm_soon`): its deadlines for the pages' horizon, the EHC review
    tracker's order, this term's delivery, the live figures of its draft termly reports, and
    the school's rows of its trust's vulnerable-pupil
    figures and of its trust's comparison of schools (`compare.warm_row`: with the deadlines
    just kept, the comparison works out nothing afresh). Returns how many deadlines."""
    found = deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=PAGES_WEEKS,
        work_out=lambda: deadlines_for_school(school=school, today=today, weeks=PAGES_WEEKS),
    )
    tracker_order(school=school, today=today)
    terms = school_calendar.season_terms(school=school, start=today, end=today)
    if terms:
        kept_term_delivery(school=school, starts_on=terms[0].starts_on, today=today)
    report_pages.warm(school_id=school.pk, today=today)
    if school.trust_id:
        vulnerable.warm_trust_row(school=school, today=today)
        compare.warm_row(school=school, today=today)
    return len(found)
