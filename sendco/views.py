"""The top floor: where a person lands, per-role home pages, the trust dashboard, health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from register import selectors as register_selectors
from sendco import health, selectors
from sendco.deadlines import deadlines_for
from staff import calendar as school_calendar
from staff import selectors as staff_selectors
from staff.capabilities import Cap
from staff.http import audited, note_detail
from staff.tenancy import school_view, schools_for, trust_view, trusts_led_by


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send a person to the one place they work, or let them choose."""
    trusts = trusts_led_by(request.user)
    schools = schools_for(request.user)
    wanted = request.GET.get("school")
    if wanted and any(school.slug == wanted for school in schools):
        return redirect("school_home", school_slug=wanted)
    if len(trusts) == 1:
        return redirect("trust_dashboard", trust_slug=trusts[0].slug)
    if len(schools) == 1 and not trusts:
        return redirect("school_home", school_slug=schools[0].slug)
    return render(request, "sendco/choose_school.html", {"schools": schools, "trusts": trusts})


@school_view(Cap.SCHOOL_HOME)
@audited("school.home_viewed")
@require_safe
def school_home(request: HttpRequest) -> HttpResponse:
    school = request.school
    access = request.access
    today = timezone.localdate()
    context: dict = {
        "today": today,
        "term": school_calendar.term_containing(school=school, on=today),
        "next_term": school_calendar.next_term(school=school, on=today),
    }
    if access.can(Cap.STAFF_VIEW):
        context["staff_counts"] = staff_selectors.staff_counts(school=school)
    if access.can(Cap.REGISTER_VIEW):
        context["register"] = register_selectors.home_summary(access=access, on=today)
        found = deadlines_for(access=access, today=today)
        context["deadlines"] = found
        note_detail(request, pupils=sorted({d.subject_id for d in found}))
        # Overdue and the next two weeks open; the rest of the eight weeks folded away.
        context["pressing"] = [d for d in found if d.severity.is_urgent]
        context["later"] = [d for d in found if not d.severity.is_urgent]
    return render(request, "sendco/home.html", context)


@trust_view(Cap.TRUST_DASHBOARD)
@require_safe
def trust_dashboard(request: HttpRequest) -> HttpResponse:
    schools = selectors.trust_schools(trust=request.trust)
    return render(
        request, "sendco/trust_dashboard.html", {"trust": request.trust, "schools": schools}
    )


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database and the task broker answer, 503 otherwise."""
    body, healthy = health.report()
    return JsonResponse(body, status=200 if healthy else 503)
