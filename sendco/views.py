"""The top floor: where a person lands, per-role home pages, the trust dashboard, health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from provision import selectors as provision_selectors
from sendco import compare, gaps, health, pages, selectors, vulnerable
from staff.capabilities import Cap
from staff.http import audited, note_detail, note_subject
from staff.pdf import pdf_response
from staff.tenancy import school_view, schools_for, trust_view, trusts_led_by
from training.trust import trust_training as training_figures


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send a person to the one place they work, or let them choose."""
    trusts = trusts_led_by(request.user)
    schools = schools_for(request.user)
    wanted = request.GET.get("school")
    if wanted and any(school.slug == wanted for school in schools):
        return redirect("school_home", school_slug=wanted)
    # ?all=1 (the header's "All your schools"): the whole list, not the trust's dashboard.
    if len(trusts) == 1 and not request.GET.get("all"):
        return redirect("trust_dashboard", trust_slug=trusts[0].slug)
    if len(schools) == 1 and not trusts:
        return redirect("school_home", school_slug=schools[0].slug)
    return render(request, "sendco/choose_school.html", {"schools": schools, "trusts": trusts})


@school_view(Cap.SCHOOL_HOME)
@audited("school.home_viewed")
@require_safe
def school_home(request: HttpRequest) -> HttpResponse:
    context = pages.school_home(request=request, today=timezone.localdate())
    shown = set(context["triage"].pupils_shown if "triage" in context else [])
    shown.update(provision_selectors.card_pupils(context.get("cards", [])))
    note_detail(request, pupils=sorted(shown))
    return render(request, "sendco/home.html", context)


@school_view(Cap.REGISTER_VIEW)
@audited("school.deadlines_viewed")
@require_safe
def deadlines(request: HttpRequest) -> HttpResponse:
    context = pages.deadlines_page(request=request, today=timezone.localdate())
    shown = [d for bundle in context["page"] for d in bundle.deadlines]
    note_detail(request, pupils=sorted({d.subject_id for d in shown}))
    return render(request, "sendco/deadlines.html", context)


@school_view(Cap.VULNERABLE_VIEW)
@audited("school.vulnerable_viewed")
@require_safe
def vulnerable_pupils(request: HttpRequest) -> HttpResponse:
    """Every vulnerable pupil: the overlaps of SEN, disadvantage and care, and today's gaps."""
    today = timezone.localdate()
    found = vulnerable.gaps(access=request.access, today=today)
    note_detail(request, pupils=sorted({row[3] for gap in found for row in gap.rows}))
    context = {"gaps": found, "today": today}
    context.update(vulnerable.overlaps(school=request.school, today=today))
    return render(request, "sendco/vulnerable.html", context)


@school_view(Cap.PREMIUM_VIEW)
@audited("premium.gaps_viewed")
@require_safe
def premium_gaps(request: HttpRequest) -> HttpResponse:
    """Disadvantaged pupils against the others, in figures (no pupil is named)."""
    today = timezone.localdate()
    context = {"today": today, **gaps.analysis(school=request.school, today=today)}
    return render(request, "sendco/premium_gaps.html", context)


@trust_view(Cap.TRUST_DASHBOARD)
@require_safe
def trust_dashboard(request: HttpRequest) -> HttpResponse:
    schools = selectors.trust_schools(trust=request.trust)
    return render(
        request, "sendco/trust_dashboard.html", {"trust": request.trust, "schools": schools}
    )


@trust_view(Cap.TRUST_DASHBOARD)
@audited("trust.vulnerable_viewed")
@require_safe
def trust_vulnerable(request: HttpRequest) -> HttpResponse:
    """Each school's vulnerable pupils in figures, one row a school (no pupil is named)."""
    today = timezone.localdate()
    context = {"trust": request.trust, "today": today}
    context.update(vulnerable.trust_figures(trust=request.trust, today=today))
    note_subject(request, request.trust, schools=len(context["rows"]))
    return render(request, "sendco/trust_vulnerable.html", context)


@trust_view(Cap.TRUST_DASHBOARD)
@audited("trust.training_viewed")
@require_safe
def trust_training(request: HttpRequest) -> HttpResponse:
    """Each school's staff training against its pupils' needs, one row a school, no one named."""
    today = timezone.localdate()
    context = {"trust": request.trust, "today": today}
    context.update(training_figures(trust=request.trust, today=today))
    note_subject(request, request.trust, schools=len(context["rows"]))
    return render(request, "sendco/trust_training.html", context)


@trust_view(Cap.TRUST_DASHBOARD)
@audited("trust.compare_viewed")
@require_safe
def trust_compare(request: HttpRequest) -> HttpResponse:
    """The trust's schools compared on one dataset, one row a school, each figure linking to the
    school's own page (no pupil is named)."""
    today = timezone.localdate()
    context = {"trust": request.trust, "today": today}
    context.update(compare.comparison(trust=request.trust, today=today))
    note_subject(request, request.trust, schools=len(context["rows"]))
    return render(request, "sendco/trust_compare.html", context)


def _board(request: HttpRequest) -> dict:
    today = timezone.localdate()
    context = {"trust": request.trust, "today": today}
    context.update(compare.board(trust=request.trust, today=today))
    note_subject(request, request.trust, schools=len(context["rows"]))
    return context


@trust_view(Cap.TRUST_DASHBOARD)
@audited("trust.board_report_viewed")
@require_safe
def trust_board(request: HttpRequest) -> HttpResponse:
    """The trust board's report: the comparison for trustees, small numbers suppressed, as a
    print view (the PDF is the same template)."""
    return render(request, "sendco/trust_board.html", _board(request))


@trust_view(Cap.TRUST_DASHBOARD)
@audited("trust.board_report_printed")
@require_safe
def trust_board_pdf(request: HttpRequest) -> HttpResponse:
    filename = f"trust-board-report-{request.trust.slug}.pdf"
    return pdf_response(request, "sendco/trust_board.html", _board(request), filename=filename)


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database and the task broker answer, 503 otherwise."""
    body, healthy = health.report()
    return JsonResponse(body, status=200 if healthy else 503)
