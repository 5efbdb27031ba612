"""My groups today (log a session in a few taps, htmx) and the group page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from staff.capabilities import Cap
from staff.tenancy import school_view

from . import selectors, services
from .models import Attendance, Session


@school_view(Cap.SESSION_LOG)
@require_safe
def today(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    groups = selectors.my_groups_today(access=request.access, today=day)
    return render(
        request,
        "provision/today.html",
        {
            "groups": groups,
            "today": day,
            "absence_reasons": Attendance.Absence.choices,
            "not_run_reasons": Session.NotRun.choices,
        },
    )


def _posted(request: HttpRequest) -> dict:
    data = request.POST
    present = {int(v) for v in data.getlist("present") if v.isdigit()}
    reasons, notes = {}, {}
    for key, value in data.items():
        if key.startswith("reason_") and key[7:].isdigit():
            reasons[int(key[7:])] = value if value in Attendance.Absence.values else "other"
        elif key.startswith("note_") and key[5:].isdigit():
            notes[int(key[5:])] = value
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
    group = selectors.group_for(access=request.access, public_id=public_id, on=day)
    if group is None:
        raise Http404("No such group.")
    if not selectors.runs_group(access=request.access, group=group):
        raise PermissionDenied("Only the staff who run this group can log its sessions.")
    error = None
    try:
        session = services.session_log(
            access=request.access, group=group, on=day, today=day, **_posted(request)
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        session = None
    except PermissionDenied as exc:
        error = str(exc)
        session = None
    if session is not None:
        present = sum(1 for a in session.attendance.all() if a.present)
        total = session.attendance.count()
        message = (
            f"{group.name}: session saved, {present} of {total} present."
            if session.ran
            else f"{group.name}: recorded as not run "
            f"({session.get_not_run_reason_display().lower()})."
        )
    else:
        message = f"{group.name}: not saved. {error}"
    if request.htmx:
        groups = selectors.my_groups_today(access=request.access, today=day)
        card = next((g for g in groups if g.pk == group.pk), None)
        return render(
            request,
            "provision/_session_card.html",
            {
                "group": card or group,
                "message": message,
                "error": error,
                "absence_reasons": Attendance.Absence.choices,
                "not_run_reasons": Session.NotRun.choices,
                "today": day,
            },
            status=200 if error is None else 400,
        )
    (messages.error if error else messages.success)(request, message)
    return redirect("provision:today", school_slug=request.school.slug)


@school_view(Cap.PROVISION_VIEW)
@require_safe
def group_detail(request: HttpRequest, public_id) -> HttpResponse:
    day = timezone.localdate()
    group = selectors.group_for(access=request.access, public_id=public_id, on=day)
    if group is None:
        raise Http404("No such group.")
    data = selectors.group_page(group=group, on=day)
    return render(
        request,
        "provision/group_detail.html",
        {
            "group": group,
            **data,
            "today": day,
            "can_log": selectors.runs_group(access=request.access, group=group)
            and request.access.can(Cap.SESSION_LOG),
        },
    )
