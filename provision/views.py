"""My groups today (log a session in a few taps, htmx) and the group page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from staff.capabilities import Cap
from staff.http import attempt, audited, note_detail, note_subject
from staff.parsing import ids, suffix_id
from staff.tenancy import school_view

from . import pages, selectors, services
from .models import Attendance, Group, Session


@school_view(Cap.SESSION_LOG)
@audited("provision.today_viewed")
@require_safe
def today(request: HttpRequest) -> HttpResponse:
    context = pages.today_page(access=request.access, today=timezone.localdate())
    note_detail(request, pupils=selectors.card_pupils(context["cards"]))
    return render(request, "provision/today.html", context)


def _group_or_404(request: HttpRequest, public_id, day) -> Group:
    group = selectors.group_for(access=request.access, public_id=public_id, on=day)
    if group is None:
        raise Http404("No such group.")
    return group


def _posted(request: HttpRequest) -> dict:
    data = request.POST
    present = ids(data.getlist("present"))
    reasons, notes = {}, {}
    for key, value in data.items():
        if (pupil_id := suffix_id(key, "reason_")) is not None:
            reasons[pupil_id] = value if value in Attendance.Absence.values else ""
        elif (pupil_id := suffix_id(key, "note_")) is not None:
            notes[pupil_id] = value
    ran = data.get("ran", "yes") != "no"
    reason = data.get("not_run_reason", "")
    return {
        "present": present,
        "absence_reasons": reasons,
        "notes": notes,
        "ran": ran,
        "not_run_reason": reason if reason in Session.NotRun.values else "",
        "note": data.get("note", ""),
    }


@school_view(Cap.SESSION_LOG)
@require_POST
def session_log(request: HttpRequest, public_id) -> HttpResponse:
    day = timezone.localdate()
    group = _group_or_404(request, public_id, day)
    if not selectors.runs_group(access=request.access, group=group):
        raise PermissionDenied("Only the staff who run this group can log its sessions.")
    posted = _posted(request)
    done = attempt(
        lambda: services.session_log(
            access=request.access, group=group, on=day, today=day, **posted
        )
    )
    card = pages.session_card(
        access=request.access, group=group, done=done, today=day, posted=posted
    )
    status = 200 if done else 400
    if request.htmx:  # a refusal is swapped in too (sendco.js), so its reason shows
        return render(request, "provision/_session_card.html", {"card": card}, status=status)
    if done:
        messages.success(request, card.message)
        return redirect("provision:today", school_slug=request.school.slug)
    context = pages.today_page(access=request.access, today=day, failed=card)
    return render(request, "provision/today.html", context, status=400)


@school_view(Cap.PROVISION_VIEW)
@audited("provision.group_viewed")
@require_safe
def group_detail(request: HttpRequest, public_id) -> HttpResponse:
    day = timezone.localdate()
    group = _group_or_404(request, public_id, day)
    can_log = selectors.runs_group(access=request.access, group=group) and request.access.can(
        Cap.SESSION_LOG
    )
    page = selectors.group_page(access=request.access, group=group, on=day)
    note_subject(request, group, pupils=[str(p.pupil.public_id) for p in page["places"]])
    context = {"group": group, **page, "today": day, "can_log": can_log}
    return render(request, "provision/group_detail.html", context)
