"""The notification centre, reminder settings (digest, calendar feed) and the feed itself.

Notifications belong to a person, across their schools; the pupil's name is looked up only for
pupils the person may still see, so a notification never shows a name its reader may not see.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from register.selectors import pupils_visible_to
from staff.capabilities import Cap
from staff.http import form_data
from staff.models import School
from staff.services import audit
from staff.tenancy import access_for, school_view

from . import reminders
from .feeds import feed_for
from .models import Notification, ReminderSettings

PAGE_SIZE = 100


def _names(request: HttpRequest, notes: list[Notification]) -> dict[tuple[int, str], str]:
    """Pupil names for the notifications' subjects, only where the reader may see the pupil:
    one query per school among the notifications (a person has one or a few)."""
    today = timezone.localdate()
    wanted: dict[int, set[str]] = defaultdict(set)
    for note in notes:
        wanted[note.school_id].add(note.subject_id)
    schools = {s.pk: s for s in School.objects.filter(pk__in=list(wanted))}
    names = {}
    for school_id, ids in wanted.items():
        access = access_for(request.user, schools[school_id])
        if access is None:
            continue
        for pupil in pupils_visible_to(access=access, on=today).filter(
            public_id__in=[i for i in ids if len(i) == 36]
        ):
            names[(school_id, str(pupil.public_id))] = pupil.name
    return names


@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    notes = list(
        Notification.objects.filter(user=request.user)
        .select_related("school")
        # Unread first on every database (PostgreSQL sorts NULLs last), then the latest read.
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "due")[:PAGE_SIZE]
    )
    names = _names(request, notes)
    today = timezone.localdate()
    for note in notes:
        note.subject_name = names.get((note.school_id, note.subject_id))
        note.when = reminders.threshold_label(note.threshold)
        note.overdue = note.due < today
    unread = [n for n in notes if n.read_at is None]
    return render(
        request,
        "sendco/notifications.html",
        {
            "unread": unread,
            "read": [n for n in notes if n.read_at is not None],
            "today": today,
            "several_schools": len({n.school_id for n in notes}) > 1,
        },
    )


@require_safe
def notification_count(request: HttpRequest) -> HttpResponse:
    """The header's unread count, fetched by htmx after the page loads (so no page pays a
    query for it)."""
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    response = render(request, "sendco/_notification_count.html", {"count": count})
    add_never_cache_headers(response)
    return response


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to its record."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if request.POST.get("then") == "stay" or not url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}
    ):
        return redirect("notifications")
    return redirect(note.url)


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications")


class DigestForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = ["digest"]
        widgets = {"digest": forms.RadioSelect}
        labels = {"digest": "Email me a summary"}


@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    found = reminders.settings_of(request.user)
    form = DigestForm(form_data(request), instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your email choice is saved.")
        return redirect("reminder_settings")
    token = request.session.pop("new_feed_token", None)
    return render(
        request,
        "sendco/reminder_settings.html",
        {
            "form": form,
            "settings": found,
            "feed_url": request.build_absolute_uri(reverse("calendar_feed", args=[token]))
            if token
            else None,
        },
    )


@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    token = reminders.feed_create(user=request.user)
    audit(action="reminders.feed_created", actor=request.user)
    # Shown once, on the next page; only its hash is stored.
    request.session["new_feed_token"] = token
    messages.success(
        request,
        "Your calendar link is ready. Copy it now: it will not be shown again. Any earlier "
        "link has stopped working.",
    )
    return redirect("reminder_settings")


@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    reminders.feed_revoke(user=request.user)
    audit(action="reminders.feed_revoked", actor=request.user)
    messages.success(request, "Your calendar link no longer works.")
    return redirect("reminder_settings")


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's deadlines as iCalendar, for the secret in the URL only; 404 otherwise."""
    user = reminders.user_for_feed(token)
    if user is None:
        raise Http404("No such calendar.")
    body = feed_for(user=user, today=timezone.localdate(), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sendco.ics"'
    response["X-Robots-Tag"] = "noindex"
    add_never_cache_headers(response)
    return response


@school_view(Cap.REMINDERS_RUN)
@require_POST
def reminders_check(request: HttpRequest) -> HttpResponse:
    """Run the school's reminder scan now (the daily scan does the same each morning)."""
    created = reminders.scan_school(school=request.school, today=timezone.localdate())
    audit(
        action="reminders.scan_run",
        actor=request.user,
        school=request.school,
        role=request.access.role,
        detail={"created": created},
    )
    messages.success(
        request,
        f"Deadlines checked: {created} new notification{'s' if created != 1 else ''}.",
    )
    return redirect("notifications")
