"""What the outside agencies pages show, put together from the selectors and rules, each in a
fixed number of queries whatever the number of services and referrals."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import QueryDict

from register.models import Pupil
from staff.capabilities import Cap
from staff.tenancy import Access

from . import rules, selectors
from .forms import AppointmentForm, ChaseForm, ReferralFilterForm, ReportForm, StatusForm
from .models import Referral

REFERRALS_PAGE_SIZE = 50


def _waits_shown(waits: dict[int, rules.ServiceWaits]) -> list[rules.ServiceWaits]:
    """The services with something measured or someone waiting, slowest first."""
    shown = [w for w in waits.values() if w.measured or w.waiting]
    return sorted(shown, key=lambda w: (-w.over_long, -(w.median_weeks or 0), w.name))


def directory(*, access: Access, today: date) -> dict:
    """The school's services (its own and the trust's shared ones), each with its waiting time
    measured here (two queries)."""
    services = list(selectors.services_for(school=access.school))
    waits = selectors.waits(school=access.school, today=today, services=services)
    return {
        "rows": [(s, waits[s.pk], s.school_id == access.school.pk) for s in services],
        "can_manage": access.can(Cap.AGENCY_MANAGE),
        "long_weeks": rules.LONG_WAIT_WEEKS,
    }


def referrals(*, access: Access, today: date, query: QueryDict) -> dict:
    """The school's referrals (a teacher's: their pupils'), filtered by service and status, a
    page at a time, with the waiting times measured per service (four queries)."""
    services = list(selectors.services_for(school=access.school))
    form = ReferralFilterForm(query, services=services)
    chosen = form.chosen()
    found = selectors.referral_list(access=access, on=today, **chosen)
    page = Paginator(found, REFERRALS_PAGE_SIZE).get_page(query.get("page"))
    rows = [
        (r, int(rules.weeks_between(r.referred_on, today)) if r.status == rules.WAITING else None)
        for r in page.object_list
    ]
    waits = selectors.waits(school=access.school, today=today, services=services)
    kept = QueryDict(mutable=True)
    for name in ("service", "status"):
        if query.get(name):
            kept[name] = query[name]
    return {
        "form": form,
        "page": page,
        "rows": rows,
        "query": kept.urlencode(),
        "waits": _waits_shown(waits),
        "long_weeks": rules.LONG_WAIT_WEEKS,
        "can_manage": access.can(Cap.AGENCY_MANAGE),
        "today": today,
    }


def pupil(*, access: Access, pupil: Pupil) -> dict:
    return {
        "pupil": pupil,
        "referrals": selectors.pupil_referrals(school=access.school, pupil=pupil),
        "can_manage": access.can(Cap.AGENCY_MANAGE),
        "details": access.can(Cap.AGENCY_DETAILS),
    }


def referral(*, access: Access, referral: Referral, today: date, forms: dict | None = None) -> dict:
    """A referral with its steps, appointments and reports; for those who record them, the
    forms of the next step, an appointment and a report (shown again with their mistakes when
    `forms` gives one)."""
    record = selectors.referral_record(referral=referral)
    can_manage = access.can(Cap.AGENCY_MANAGE)
    page = {
        "referral": referral,
        "pupil": referral.pupil,
        **record,
        "details": access.can(Cap.AGENCY_DETAILS),
        "can_manage": can_manage,
        "today": today,
    }
    if can_manage:
        if rules.NEXT[referral.status]:
            page["status_form"] = StatusForm(referral=referral, initial={"on": today})
        page["appointment_form"] = AppointmentForm()
        if referral.status in rules.CHASED:
            page["chase_form"] = ChaseForm(initial={"on": today})
        if referral.status in rules.TAKES_REPORT:
            page["report_form"] = ReportForm(initial={"received_on": today})
        page.update(forms or {})  # the form posted, with its mistakes
    if referral.status == rules.WAITING:
        page["chase_on"] = rules.chase_on(
            referred_on=referral.referred_on, chased_on=referral.chased_on
        )
    return page
