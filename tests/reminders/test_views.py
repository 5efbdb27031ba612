"""The notification centre: names only for pupils the reader may see, open and mark as read,
the header's lazy unread count, and the SENDCo's "check now"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sendco import reminder_views
from sendco.models import Notification
from sendco.reminders import scan_school
from staff.models import AuditEvent
from tests.factories import member

from .conftest import MONITORING, TODAY, monitoring, plan_review


@pytest.fixture(autouse=True)
def _on_today(settings):
    settings.REMINDER_THRESHOLDS = {}
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Europe/London"))):
        yield


def note(user, pupil, *, school=None, url=None, read=False, **fields) -> Notification:
    return Notification.objects.create(
        school=school or pupil.school,
        user=user,
        kind=MONITORING,
        subject_id=str(pupil.public_id),
        due=fields.pop("due", TODAY),
        threshold=fields.pop("threshold", 0),
        title=fields.pop("title", "Monitoring review"),
        url=url or f"/s/{pupil.school.slug}/register/",
        read_at=timezone.now() if read else None,
        **fields,
    )


def page(client) -> str:
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_centre_names_only_pupils_the_reader_may_see(
    client, school, sendco, teacher, jozef, wren
):
    plan_review(jozef, review_on=TODAY, sendco=sendco, lead=teacher)
    scan_school(school=school, today=TODAY)
    note(teacher, wren, threshold=14)  # told when Wren was in the teacher's class, say
    client.force_login(teacher)
    html = page(client)
    assert "Support plan review (cycle 1): Jozef Quill" in html
    assert "Wren" not in html
    assert 'New <span class="text-body-secondary fs-6">(2)</span>' in html

    jozef.teaching_groups.clear()  # Jozef moves to another class
    html = page(client)
    assert "Jozef" not in html
    assert "Quill" not in html
    # both notifications still listed, unnamed
    assert "Support plan review (cycle 1)" in html
    assert "Monitoring review" in html


def test_the_sendco_sees_every_name(client, school, sendco, jozef, wren):
    note(sendco, jozef)
    note(sendco, wren)
    client.force_login(sendco)
    html = page(client)
    assert "Jozef Quill" in html
    assert "Wren Oakes" in html


def test_a_notification_of_a_school_left_shows_no_name(
    client, school, other_school, teacher, jozef
):
    note(teacher, jozef)
    member(other_school, "teacher", email="teacher@acorn.test")  # still teaches at Beech
    teacher.memberships.filter(school=school).update(ended_at=timezone.now())
    client.force_login(teacher)
    assert "Jozef" not in page(client)


def test_open_marks_read_and_goes_to_the_record(client, teacher, jozef):
    found = note(teacher, jozef, url=f"/s/acorn/register/pupils/{jozef.public_id}/")
    client.force_login(teacher)
    response = client.post(reverse("notification_open", args=[found.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/s/acorn/register/pupils/{jozef.public_id}/"
    found.refresh_from_db()
    assert found.read_at is not None
    assert "Read</h2>" in page(client)


def test_open_and_stay_marks_read_without_leaving(client, teacher, jozef):
    found = note(teacher, jozef)
    client.force_login(teacher)
    response = client.post(reverse("notification_open", args=[found.pk]), {"then": "stay"})
    assert response["Location"] == reverse("notifications")
    found.refresh_from_db()
    assert found.read_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
    ],
)
def test_open_with_a_foreign_url_stays_on_site(client, teacher, jozef, url):
    found = note(teacher, jozef, url=url)
    client.force_login(teacher)
    response = client.post(reverse("notification_open", args=[found.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")


def test_someone_elses_notification_cannot_be_opened(client, sendco, teacher, jozef):
    theirs = note(sendco, jozef)
    client.force_login(teacher)
    assert client.post(reverse("notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_needs_a_post(client, teacher, jozef):
    found = note(teacher, jozef)
    client.force_login(teacher)
    assert client.get(reverse("notification_open", args=[found.pk])).status_code == 405
    found.refresh_from_db()
    assert found.read_at is None


def test_mark_all_as_read(client, sendco, teacher, jozef, wren):
    mine = [note(teacher, jozef), note(teacher, wren, threshold=14)]
    theirs = note(sendco, jozef)
    client.force_login(teacher)
    response = client.post(reverse("notifications_read"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert "Nothing new." in page(client)


def test_the_count_fragment(client, sendco, teacher, jozef, wren):
    note(teacher, jozef)
    note(teacher, wren, threshold=14)
    note(teacher, wren, threshold=28, read=True)
    note(sendco, jozef)
    client.force_login(teacher)
    response = client.get(reverse("notifications_count"))
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<span class="badge rounded-pill text-bg-danger">2'
        '<span class="visually-hidden"> unread</span></span>'
    )
    assert "no-cache" in response["Cache-Control"]
    client.post(reverse("notifications_read"))
    assert client.get(reverse("notifications_count")).content.decode().strip() == ""


def test_the_header_links_to_the_centre_and_loads_the_count_lazily(client, school, teacher, jozef):
    note(teacher, jozef)
    client.force_login(teacher)
    html = client.get(reverse("school_home", args=[school.slug])).content.decode()
    assert f'href="{reverse("notifications")}">Notifications' in html
    assert f'hx-get="{reverse("notifications_count")}" hx-trigger="load"' in html
    assert 'visually-hidden"> unread' not in html  # the count itself comes later


def test_unread_notifications_come_first_however_many_were_read(
    client, monkeypatch, teacher, jozef
):
    """The centre shows one page: the unread ones first (PostgreSQL sorts NULLs last by
    default, which would push every unread notification off the page)."""
    monkeypatch.setattr(reminder_views, "PAGE_SIZE", 3)
    unread = note(teacher, jozef, due=TODAY - timedelta(days=30), threshold=-1)
    for days in range(5):
        note(teacher, jozef, due=TODAY + timedelta(days=days + 1), threshold=14, read=True)
    client.force_login(teacher)
    html = page(client)
    assert 'New <span class="text-body-secondary fs-6">(1)</span>' in html
    assert reverse("notification_open", args=[unread.pk]) in html


def test_unread_overdue_notifications_lead_and_the_furthest_comes_last(client, teacher, jozef):
    """Issue 14: at 8am the centre listed "in 8 weeks" first and overdue items last."""
    later = note(teacher, jozef, due=TODAY + timedelta(weeks=8), threshold=56)
    overdue = note(teacher, jozef, due=TODAY - timedelta(days=3), threshold=-1)
    today = note(teacher, jozef, due=TODAY, threshold=0)
    note(teacher, jozef, due=TODAY - timedelta(days=20), threshold=-1, read=True)
    client.force_login(teacher)
    html = page(client)
    opened = [reverse("notification_open", args=[n.pk]) for n in (overdue, today, later)]
    positions = [html.index(url) for url in opened]
    assert positions == sorted(positions), "unread: overdue first, then by date due"


@pytest.mark.parametrize("extra", [0, 30])
def test_the_centre_in_constant_queries(
    client, school, sendco, jozef, wren, extra, django_assert_num_queries
):
    for n in range(extra):
        note(sendco, jozef if n % 2 else wren, threshold=n)
    note(sendco, jozef, threshold=-1)
    client.force_login(sendco)
    page(client)
    # The header's school switcher kept since the first page (staff/switcher_cache.py): no query.
    with django_assert_num_queries(8):
        page(client)


def test_check_now_scans_the_school_for_the_sendco(client, school, sendco, wren):
    monitoring(wren, review_on=TODAY, decided_by=sendco)
    client.force_login(sendco)
    response = client.post(reverse("reminders_check", args=[school.slug]), follow=True)
    assert response.redirect_chain == [(reverse("notifications"), 302)]
    assert "Deadlines checked: 1 new notification." in response.content.decode()
    assert Notification.objects.filter(user=sendco).count() == 1
    assert AuditEvent.objects.filter(action="reminders.scan_run").count() == 1
    again = client.post(reverse("reminders_check", args=[school.slug]), follow=True)
    assert "Deadlines checked: 0 new notifications." in again.content.decode()


def test_check_now_is_refused_to_a_teacher(client, school, sendco, teacher, wren):
    monitoring(wren, review_on=TODAY, decided_by=sendco)
    client.force_login(teacher)
    assert client.post(reverse("reminders_check", args=[school.slug])).status_code == 403
    assert not Notification.objects.exists()


def test_check_now_of_another_school_answers_404(client, school, other_school, sendco, wren):
    monitoring(wren, review_on=TODAY, decided_by=sendco)
    beech_sendco = member(other_school, "sendco", email="sendco@beech.test")
    client.force_login(beech_sendco)
    assert client.post(reverse("reminders_check", args=[school.slug])).status_code == 404
    assert not Notification.objects.exists()


# The notifications as the template wrote them before `notification_rows`, one include of the row
# per note (kept beside this file): the tag must write the same page.
TEMPLATE_ROWS = (Path(__file__).parent / "notification_rows_template.html").read_text()
ONCE = r'name="form_token" value="([0-9a-f]+)"'


@pytest.mark.parametrize("several_schools", [False, True])
def test_notification_rows_write_what_the_template_wrote(
    school, other_school, sendco, jozef, wren, several_schools
):
    from django.template import Context, Template

    from sendco.selectors import notification_centre

    note(sendco, jozef, due=TODAY - timedelta(days=3))  # overdue
    note(sendco, wren, threshold=14, title='Review <b>"plan"</b> & co')
    note(sendco, wren, threshold=7, read=True)
    note(sendco, jozef, school=other_school, threshold=0)  # a school where no name is shown
    centre = notification_centre(user=sendco, on=TODAY, limit=100)
    assert centre["several_schools"]
    for notes in (centre["unread"], centre["read"]):
        context = {"notes": notes, "several_schools": several_schools, "csrf_token": "t0k<n>"}
        old = Template(TEMPLATE_ROWS).render(Context(context))
        new = Template("{% load list_rows %}{% notification_rows notes several_schools %}")
        new = new.render(Context(context))
        assert new.count('name="form_token"') == len(notes)  # a one-time token in each form
        assert len(set(re.findall(ONCE, new))) == len(notes)
        assert re.sub(ONCE, "", new) == re.sub(ONCE, "", old)
    unread = Template("{% load list_rows %}{% notification_rows notes True %}").render(
        Context({"notes": centre["unread"], "csrf_token": "t0k<n>"})
    )
    assert "text-bg-danger" in unread  # the overdue one
    assert "Review &lt;b&gt;&quot;plan&quot;&lt;/b&gt; &amp; co" in unread
    assert 'value="t0k&lt;n&gt;"' in unread
