"""The notification centre, reminder settings (digest, calendar feed) and the feed itself.

Notifications belong to a person, across their schools; the pupil's name is looked up only for
pupils the person may still see, so a notification never shows a name its reader may not see.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from staff.bounds import BoundedModelForm
from staff.capabilities import Cap
from staff.edits import EditCheck
from staff.http import form_data, save_form
from staff.tenancy import school_view

from . import reminders, selectors, services
from .feeds import feed_for
from .models import ReminderSettings

PAGE_SIZE = 100


@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    centre = selectors.notification_centre(user=request.user, on=today, limit=PAGE_SIZE)
    return render(request, "sendco/notifications.html", {**centre, "today": today})


@transaction.non_atomic_requests
@require_safe
def notification_count(request: HttpRequest) -> HttpResponse:
    """The header's unread count, fetched by htmx after the page loads (so no page pays a
    query for it). One read: no transaction around it."""
    count = selectors.unread_count(user=request.user)
    response = render(request, "sendco/_notification_count.html", {"count": count})
    add_never_cache_headers(response)
    return response


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to its record."""
    note = selectors.notification_of(user=request.user, pk=pk)
    if note is None:
        raise Http404("No such notification.")
    services.notification_read(notification=note)
    if request.POST.get("then") == "stay" or not url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}
    ):
        return redirect("notifications")
    return redirect(note.url)


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications")


class DigestForm(EditCheck, BoundedModelForm):
    class Meta:
        model = ReminderSettings
        fields = ["digest"]
        widgets = {"digest": forms.RadioSelect}
        labels = {"digest": "Email me a summary"}


@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    found = reminders.settings_of(request.user)
    form = DigestForm(form_data(request), instance=found)
    saved = save_form(
        request,
        form,
        lambda data: services.digest_choose(settings=found, digest=data["digest"]),
        success="Your email choice is saved.",
    )
    if saved:
        return redirect("reminder_settings")
    context = {"form": form, "settings": found, "feed_url": _new_feed_url(request)}
    return render(request, "sendco/reminder_settings.html", context)


def _new_feed_url(request: HttpRequest) -> str | None:
    """The calendar feed's address, shown once, just after a new one was made."""
    token = request.session.pop("new_feed_token", None)
    return request.build_absolute_uri(reverse("calendar_feed", args=[token])) if token else None


@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    token = services.feed_create(user=request.user)
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
    services.feed_revoke(user=request.user)
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
    created = services.scan_now(access=request.access, today=timezone.localdate())
    messages.success(
        request,
        f"Deadlines checked: {created} new notification{'s' if created != 1 else ''}.",
    )
    return redirect("notifications")
