"""The calendar feed: a person's deadlines as all-day iCalendar events, at a secret URL.

Titles carry no pupil's name: the deadline's title, a short reference and a link into sendco.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from icalendar import Calendar, Event

from staff.models import User
from staff.tenancy import access_for, schools_for

from .deadlines import deadlines_for

FEED_WEEKS = 26  # half a year ahead, and everything overdue


def reference(subject_id: str) -> str:
    return subject_id.replace("-", "")[:6].upper()


def feed_for(*, user: User, today: date, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//sendco//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "sendco deadlines")
    calendar.add("x-published-ttl", "PT6H")
    for school in schools_for(user):
        access = access_for(user, school)
        if access is None:
            continue
        for deadline in deadlines_for(access=access, today=today, weeks=FEED_WEEKS):
            ref = reference(deadline.subject_id)
            key = f"{school.pk}|{deadline.kind}|{deadline.subject_id}|{deadline.due}"
            event = Event()
            event.add("uid", hashlib.sha256(key.encode()).hexdigest()[:32] + "@sendco")
            event.add("dtstamp", now.astimezone(UTC))
            event.add("dtstart", deadline.due)
            event.add("dtend", deadline.due + timedelta(days=1))
            overdue = " (overdue)" if deadline.due < today else ""
            event.add("summary", f"{deadline.title}{overdue}: ref {ref}")
            url = settings.SITE_URL + deadline.url
            event.add("url", url)
            event.add("description", f"{school.name}. Open in sendco: {url}")
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
