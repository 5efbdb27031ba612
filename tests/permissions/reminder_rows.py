"""AC-01 rows for the reminder URLs (issue 7), to merge into tests/permissions/test_matrix.py.

Merge:
    MATRIX.update(REMINDER_MATRIX)
    world fixture: `return reminder_world({...})` (or `world.update(reminder_world(world))`)
    _kwargs: `{**reminder_kwargs(world), ...}.get(name, {})`

The notification centre, its count, "mark all read", the settings page and the calendar link
are a person's own, not a school's: like `password_change`, every signed-in role gets them
(other_sendco and other_lead too), anonymous and deactivated people go to the sign-in page.
`notification_open` acts on one notification, the teacher's: anyone else's is a 404 (an
outsider's id answers like a missing one), and GET is refused before the object is looked up
(405 for every signed-in role). "Check now" is under Acorn: the SENDCo and the trust lead may run
it, the rest of Acorn gets 403, outsiders 404. The calendar feed needs no sign-in: a valid token
answers 200 to anyone, a deactivated session included (the token belongs to the SENDCo).
"""

from __future__ import annotations

from sendco.models import Notification
from sendco.reminders import feed_create
from tests.permissions.rows import Row

#                         anon send lead head teach ta   gov  oSen oLead deact
_OWN_GET = " 302  200  200  200  200  200  200  200  200  302"
_OWN_POST = " 302  302  302  302  302  302  302  302  302  302"

REMINDER_MATRIX: dict[str, Row] = {
    "notifications": Row(get=_OWN_GET),
    "notifications_count": Row(get=_OWN_GET),
    "notifications_read": Row(post=_OWN_POST),
    "notification_open": Row(
        get=" 302  405  405  405  405  405  405  405  405  302",
        post=" 302  404  404  404  302  404  404  404  404  302",
    ),
    "reminder_settings": Row(get=_OWN_GET, post=_OWN_POST, post_data=(("digest", "weekly"),)),
    "feed_create": Row(post=_OWN_POST),
    "feed_revoke": Row(post=_OWN_POST),
    "reminders_check": Row(post=" 302  302  302  403  403  403  403  404  404  302"),
    "calendar_feed": Row(get=" 200  200  200  200  200  200  200  200  200  200"),
}


def reminder_world(world: dict) -> dict:
    """Add what the reminder URLs act on: a notification of the teacher's about the pupil of
    their class, and a calendar link of the SENDCo's. Returns the world, extended."""
    users = world["users"]
    pupil = world["pupil"]
    world["reminder_note"] = Notification.objects.create(
        school=world["acorn"],
        user=users["teacher"],
        kind="register.monitoring_review",
        subject_id=str(pupil.public_id),
        due="2026-11-20",
        threshold=0,
        title="Monitoring review",
        url=f"/s/{world['acorn'].slug}/register/",
    )
    world["feed_token"] = feed_create(user=users["sendco"])
    return world


def reminder_kwargs(world: dict) -> dict[str, dict]:
    """URL kwargs of the reminder URLs (those without arguments are absent)."""
    return {
        "notification_open": {"pk": world["reminder_note"].pk},
        "reminders_check": {"school_slug": world["acorn"].slug},
        "calendar_feed": {"token": world["feed_token"]},
    }
