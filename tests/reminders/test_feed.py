"""The calendar feed: a person's deadlines as all-day iCalendar events at a secret URL that they
can regenerate or revoke; no pupil's name in any event."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sendco.models import ReminderSettings
from tests.register.factories import make_pupil, put_on

from .conftest import TODAY, monitoring, plan_review

LONDON = ZoneInfo("Europe/London")
FEED_LINK = re.compile(r'id="feed-url"[^>]*value="(https?://[^"]+\.ics)"')


@pytest.fixture(autouse=True)
def _on_today():
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def deadlines(school, sendco, teacher, jozef, wren):
    """The support plan reviews of two pupils of the teacher's class (Jozef in 5 days, Ada 5
    days overdue, on the Friday before); a monitoring review of Jozef's concern (the SENDCo's
    page, which the teacher cannot open) and one of Wren's (not the teacher's class)."""
    ada = make_pupil(school, legal_first_name="Ada", legal_last_name="Vale")
    put_on(ada, "K", date(2025, 9, 1), "SLCN")
    jozef.teaching_groups.get().pupils.add(ada)
    return [
        plan_review(jozef, review_on=TODAY + timedelta(days=5), sendco=sendco, lead=teacher),
        plan_review(ada, review_on=TODAY - timedelta(days=5), sendco=sendco, lead=teacher),
        monitoring(jozef, review_on=TODAY - timedelta(days=3), decided_by=sendco),
        monitoring(wren, review_on=TODAY + timedelta(days=3), decided_by=sendco),
    ]


def make_link(client) -> str:
    """Ask for a calendar link as the signed-in person; the path shown (once) on the next page."""
    response = client.post(reverse("feed_create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reminder_settings")
    page = client.get(reverse("reminder_settings")).content.decode()
    (link,) = FEED_LINK.findall(page)
    again = client.get(reverse("reminder_settings")).content.decode()
    assert FEED_LINK.findall(again) == []  # shown once only
    assert "You have a calendar link" in again
    return "/" + link.split("/", 3)[3]


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"])
    return list(calendar.walk("VEVENT"))


def test_the_feed_is_valid_icalendar_of_all_day_events_without_pupil_names(
    client, settings, teacher, jozef, wren, deadlines
):
    client.force_login(teacher)
    path = make_link(client)
    every = events(Client().get(path))  # a calendar app: no session, no login

    # The two plans' reviews (and their parent meetings later in the year); not the concerns'
    # monitoring reviews (the SENDCo's page), nor anything of Wren's.
    assert not [e for e in every if str(e["SUMMARY"]).startswith("Monitoring review")]
    found = [e for e in every if str(e["SUMMARY"]).startswith("Support plan review")]
    assert len(found) == 2
    for event in every:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert isinstance(start, date)
        assert not isinstance(start, datetime)  # all-day
        assert end - start == timedelta(days=1)
        assert str(event["UID"]).endswith("@sendco")
        assert isinstance(event.decoded("DTSTAMP"), datetime)
        summary = str(event["SUMMARY"])
        for word in ("Jozef", "Quill", "JQ", "J.Q.", "Ada", "Vale", "Wren", "Oakes", "SLCN"):
            assert word not in summary
        assert "ref " in summary
    assert sorted(e.decoded("DTSTART") for e in found) == [
        TODAY - timedelta(days=5),
        TODAY + timedelta(days=5),
    ]
    assert sorted("(overdue)" in str(e["SUMMARY"]) for e in found) == [False, True]
    assert sorted(str(e["URL"]) for e in found) == sorted(
        settings.SITE_URL + reverse("plans:plan", args=["acorn", c.plan.pupil.public_id])
        for c in deadlines[:2]
    )


def test_only_a_hash_of_the_secret_is_stored(client, teacher):
    client.force_login(teacher)
    path = make_link(client)
    token = path.removeprefix("/feeds/").removesuffix(".ics")
    stored = ReminderSettings.objects.get(user=teacher).feed_token_hash
    assert stored
    assert token not in stored


def test_a_new_link_stops_the_old_one(client, teacher, deadlines):
    client.force_login(teacher)
    old = make_link(client)
    new = make_link(client)
    assert old != new
    anonymous = Client()
    assert anonymous.get(old).status_code == 404
    assert len(events(anonymous.get(new))) == 4  # two plans: each review and parent meeting


def test_a_revoked_link_answers_404(client, teacher, deadlines):
    client.force_login(teacher)
    path = make_link(client)
    assert Client().get(path).status_code == 200
    response = client.post(reverse("feed_revoke"))
    assert response.status_code == 302
    assert Client().get(path).status_code == 404
    assert "Make my calendar link" in client.get(reverse("reminder_settings")).content.decode()


@pytest.mark.parametrize(
    "token", [secrets.token_urlsafe(32), "x", "a" * 120], ids=["random", "short", "too long"]
)
def test_an_unknown_token_answers_404(client, teacher, token):
    client.force_login(teacher)
    make_link(client)
    assert Client().get(reverse("calendar_feed", args=[token])).status_code == 404


def test_a_deactivated_persons_feed_answers_404(client, teacher, deadlines):
    client.force_login(teacher)
    path = make_link(client)
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert Client().get(path).status_code == 404


def test_a_person_who_left_the_school_gets_an_empty_calendar(client, teacher, deadlines):
    client.force_login(teacher)
    path = make_link(client)
    teacher.memberships.update(ended_at=timezone.now())
    assert events(Client().get(path)) == []


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "reminder_settings"),
        ("post", "reminder_settings"),
        ("post", "feed_create"),
        ("post", "feed_revoke"),
    ],
)
def test_the_settings_pages_need_a_sign_in(db, client, method, name):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not ReminderSettings.objects.exists()
