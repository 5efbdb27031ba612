"""Logging sessions: the teacher's and TA's daily job, in a few taps, corrected within 7 days."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from provision.models import Attendance, Group, GroupPupil, Intervention, Session
from staff import calendar as school_calendar
from staff.models import AuditEvent
from tests.forms_once import post_twice
from tests.register.factories import make_pupil


@pytest.fixture
def group(school, ta):
    start = school_calendar.academic_year_start_for(timezone.localdate())
    year = school_calendar.create_default_year(school=school, academic_year_start=start)
    talk = Intervention.objects.create(school=school, name="Talk Boost")
    group = Group.objects.create(
        school=school,
        intervention=talk,
        name="Talk Boost Y3",
        status="running",
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        sessions_per_week=3,
        session_minutes=30,
    )
    group.staff.add(ta)
    for i in range(6):
        pupil = make_pupil(school, legal_first_name=f"Kid{i}")
        GroupPupil.objects.create(school=school, group=group, pupil=pupil, joined_on=year.starts_on)
    return group


def _log(client, school, group, present, htmx=True, **extra):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("provision:session_log", args=[school.slug, group.public_id]),
        {"present": [str(p) for p in present], **extra},
        **headers,
    )


def test_ta_logs_today_with_two_absent(client, school, ta, group):
    """One step a pupil: choosing why a pupil did not come marks them absent, so two absent
    with reasons are two choices and a save (their switches left on, as without JavaScript)."""
    client.force_login(ta)
    page = client.get(reverse("provision:today", args=[school.slug]))
    assert "Talk Boost Y3" in page.content.decode()
    # The pupils the page named are in its audit event, as on the home page that shows it too.
    named = sorted(str(place.pupil.public_id) for place in group.places.all())
    read = AuditEvent.objects.get(action="provision.today_viewed")
    assert (read.actor, read.detail["pupils"]) == (ta, named)
    client.get(reverse("school_home", args=[school.slug]))
    home = AuditEvent.objects.get(action="school.home_viewed")
    assert set(named) <= set(home.detail["pupils"])
    pupils = list(group.places.values_list("pupil_id", flat=True))
    absent = pupils[:2]
    response = _log(
        client,
        school,
        group,
        pupils,
        **{
            f"reason_{absent[0]}": "absent",
            f"reason_{absent[1]}": "refused",
            f"note_{pupils[3]}": "Great focus",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "session saved, 4 of 6 present" in body
    assert 'hx-swap-oob="innerHTML:#messages"' in body  # announced to screen readers
    session = Session.objects.get(group=group)
    marks = {a.pupil_id: a for a in session.attendance.all()}
    assert [marks[p].present for p in pupils] == [False, False, True, True, True, True]
    assert [marks[p].absence_reason for p in absent] == ["absent", "refused"]
    assert marks[pupils[3]].note == "Great focus"
    event = AuditEvent.objects.get(action="provision.session.logged", actor=ta)
    assert event.detail["present"] == 4


def _needs_reason(body: str, pupil_id: int) -> bool:
    return bool(re.search(rf'name="reason_{pupil_id}"[^>]*aria-invalid="true"', body))


@pytest.mark.parametrize("htmx", [True, False])
def test_an_absent_pupil_without_a_reason_is_refused_never_saved_as_other(
    client, school, ta, group, htmx
):
    """Switched off with no reason: nothing is saved, the message names the pupil, the card
    comes back as the TA left it (the other pupil's reason, the note) with that pupil's reason
    marked as missing; with htmx the card is swapped in (sendco.js swaps a 400 of this form)."""
    client.force_login(ta)
    places = list(group.places.select_related("pupil").order_by("pupil__legal_last_name"))
    pupils = [p.pupil_id for p in places]
    response = _log(
        client,
        school,
        group,
        pupils[2:],
        htmx=htmx,
        **{f"reason_{pupils[0]}": "absent", f"note_{pupils[3]}": "Kept trying"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    name = places[1].pupil.name
    assert f"Choose why {name} did not come" in body
    assert "data-swap-refusal" in body
    assert _needs_reason(body, pupils[1])
    assert not _needs_reason(body, pupils[0])
    assert '<option value="absent" selected>' in body
    assert 'value="Kept trying"' in body
    assert not Session.objects.exists()
    assert not Attendance.objects.exists()
    if not htmx:
        assert "My groups today" in body  # the whole page, the card in its place


def test_a_reason_not_offered_counts_as_none(client, school, ta, group):
    client.force_login(ta)
    pupils = list(group.places.values_list("pupil_id", flat=True))
    response = _log(client, school, group, pupils[1:], **{f"reason_{pupils[0]}": "holiday"})
    assert response.status_code == 400
    assert not Attendance.objects.filter(absence_reason="other").exists()


def test_a_session_that_did_not_run_needs_no_absence_reasons(client, school, ta, group):
    client.force_login(ta)
    response = _log(client, school, group, [], ran="no", not_run_reason="staff_absence")
    assert response.status_code == 200
    assert not Session.objects.get().ran


def test_saving_again_corrects_the_same_session(client, school, ta, group):
    client.force_login(ta)
    pupils = list(group.places.values_list("pupil_id", flat=True))
    _log(client, school, group, pupils)
    _log(client, school, group, pupils, **{f"reason_{pupils[0]}": "class"})
    assert Session.objects.filter(group=group).count() == 1
    assert Attendance.objects.filter(session__group=group, present=False).count() == 1
    assert AuditEvent.objects.filter(action="provision.session.corrected").count() == 1


def test_not_run_needs_a_reason(client, school, ta, group):
    client.force_login(ta)
    response = _log(client, school, group, [], ran="no")
    assert response.status_code == 400
    assert "Say why the session did not run." in response.content.decode()
    assert not Session.objects.exists()
    response = _log(client, school, group, [], ran="no", not_run_reason="trip")
    assert "recorded as not run (trip or event)" in response.content.decode()
    assert not Session.objects.get().attendance.exists()


def test_without_javascript_the_form_still_works(client, school, ta, group):
    client.force_login(ta)
    pupils = list(group.places.values_list("pupil_id", flat=True))
    response = _log(
        client, school, group, pupils[1:], htmx=False, **{f"reason_{pupils[0]}": "absent"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "session saved, 5 of 6 present" in page


def test_a_pupil_from_elsewhere_cannot_be_ticked(client, school, other_school, ta, group):
    client.force_login(ta)
    stranger = make_pupil(other_school)
    response = _log(client, school, group, [stranger.pk])
    assert response.status_code == 400
    assert not Session.objects.exists()


def test_only_the_author_corrects_within_7_days_then_only_the_sendco(
    client, school, ta, sendco, group
):
    today = timezone.localdate()
    client.force_login(ta)
    _log(client, school, group, group.places.values_list("pupil_id", flat=True))
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(on=today - timedelta(days=8))
    with time_machine.travel(timezone.now()):
        from provision.services import session_log
        from staff.tenancy import access_for

        with pytest.raises(Exception, match="only the SENDCo can correct it"):
            session_log(
                access=access_for(ta, school),
                group=group,
                on=today - timedelta(days=8),
                today=today,
                ran=False,
                not_run_reason="trip",
            )
        corrected = session_log(
            access=access_for(sendco, school),
            group=group,
            on=today - timedelta(days=8),
            today=today,
            ran=False,
            not_run_reason="trip",
        )
    assert corrected.pk == session.pk


def test_a_teacher_who_does_not_run_the_group_cannot_log_it(client, school, teacher, group):
    client.force_login(teacher)
    assert _log(client, school, group, []).status_code == 404  # not even visible to them
    assert not Session.objects.exists()


def test_sessions_cannot_be_logged_in_the_future(school, ta, group):
    from provision.services import session_log
    from staff.tenancy import access_for

    today = timezone.localdate()
    with pytest.raises(Exception, match="before it happens"):
        session_log(
            access=access_for(ta, school), group=group, on=today + timedelta(days=1), today=today
        )


def test_group_page_shows_planned_and_delivered(client, school, sendco, ta, group):
    client.force_login(ta)
    pupils = list(group.places.values_list("pupil_id", flat=True))
    _log(client, school, group, pupils[:3], **{f"reason_{p}": "absent" for p in pupils[3:]})
    client.force_login(sendco)
    page = client.get(reverse("provision:group", args=[school.slug, group.public_id]))
    delivery = page.context["delivery"]
    assert delivery["run"] == 1
    assert delivery["attendance_rate"] == 50
    assert delivery["planned"] > 1  # three a week since September
    assert "3 of 6" in page.content.decode()


@pytest.mark.parametrize("extra_groups", [0, 12])
def test_my_groups_today_queries_do_not_grow(
    client, school, ta, group, extra_groups, django_assert_num_queries
):
    for i in range(extra_groups):
        g = Group.objects.create(
            school=school,
            intervention=group.intervention,
            name=f"Extra {i}",
            status="running",
            starts_on=group.starts_on,
            ends_on=group.ends_on,
            sessions_per_week=1,
            session_minutes=20,
        )
        g.staff.add(ta)
        for place in group.places.all():
            GroupPupil.objects.create(
                school=school, group=g, pupil=place.pupil, joined_on=group.starts_on
            )
    client.force_login(ta)
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("provision:today", args=[school.slug]))
    assert len(response.context["cards"]) == 1 + extra_groups


QUERIES = 14  # the audit event of the read included


def test_group_page_shows_each_pupils_attendance(client, school, sendco, ta, group):
    pupils = list(group.places.order_by("pupil_id").values_list("pupil_id", flat=True))
    client.force_login(ta)
    _log(client, school, group, pupils[1:], **{f"reason_{pupils[0]}": "absent"})
    client.force_login(sendco)
    page = client.get(reverse("provision:group", args=[school.slug, group.public_id]))
    places = {p.pupil_id: p for p in page.context["places"]}
    assert (places[pupils[0]].sessions_attended, places[pupils[0]].sessions_expected) == (0, 1)
    assert (places[pupils[1]].sessions_attended, places[pupils[1]].sessions_expected) == (1, 1)


@pytest.mark.parametrize("days_logged", [1, 25])
def test_group_page_queries_do_not_grow(
    client, school, sendco, ta, group, days_logged, django_assert_num_queries
):
    pupils = list(group.places.values_list("pupil_id", flat=True))
    today = timezone.localdate()
    for n in range(days_logged):
        session = Session.objects.create(
            school=school, group=group, logged_by=ta, on=today - timedelta(days=n)
        )
        Attendance.objects.bulk_create(
            Attendance(school=school, session=session, pupil_id=p, present=True) for p in pupils
        )
    client.force_login(sendco)
    url = reverse("provision:group", args=[school.slug, group.public_id])
    with django_assert_num_queries(GROUP_PAGE_QUERIES):
        response = client.get(url)
    assert len(response.context["sessions"]) == days_logged


# One of them writes the page's audit event (the pupils it names); the group's school is the one
# already read for the page (18 since 7 December 2026).
GROUP_PAGE_QUERIES = 18


def test_a_session_sent_twice_is_logged_once(client, school, ta, group):
    """A double tap on "Save" (with or without htmx) logs one session, not two."""
    client.force_login(ta)
    pupils = [str(p) for p in group.places.values_list("pupil_id", flat=True)]
    today_url = reverse("provision:today", args=[school.slug])
    log_url = reverse("provision:session_log", args=[school.slug, group.public_id])
    first, second = post_twice(client, today_url, {"present": pupils}, post_url=log_url)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Session.objects.filter(group=group).count() == 1
    assert AuditEvent.objects.filter(action="provision.session.logged").count() == 1
    assert not AuditEvent.objects.filter(action="provision.session.corrected").exists()


# The pupils' rows of a card as the template's loop wrote them before `attendance_rows` (kept
# beside this file): the tag must write the same card.
TEMPLATE_ROWS = (Path(__file__).parent / "attendance_rows_template.html").read_text()


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.mark.parametrize("how", ["not logged", "logged", "refused", "empty"])
def test_attendance_rows_write_what_the_template_wrote(school, ta, group, how):
    from django.template import Context, Template

    from provision.selectors import my_groups_today, session_card
    from staff.tenancy import access_for

    today = timezone.localdate()
    places = list(group.places.select_related("pupil").order_by("pupil__legal_last_name"))
    first = places[0].pupil
    first.legal_first_name, first.preferred_first_name = "Zoë <b>", 'Jo "J" & O\'Neil'
    first.save()
    pupils = [p.pupil_id for p in places]
    posted = None
    if how == "logged":
        session = Session.objects.create(school=school, group=group, on=today, logged_by=ta)
        Attendance.objects.create(
            school=school,
            session=session,
            pupil_id=pupils[0],
            present=False,
            absence_reason="absent",
            note='Came late & left <early> "again"',
        )
        Attendance.objects.create(school=school, session=session, pupil_id=pupils[1], present=True)
    elif how == "refused":
        posted = {
            "present": set(pupils[2:]),
            "absence_reasons": {pupils[0]: "refused"},
            "notes": {pupils[3]: "Kept <trying>"},
        }
    elif how == "empty":
        GroupPupil.objects.filter(group=group).delete()
    access = access_for(user=ta, school=school)
    (found,) = my_groups_today(access=access, today=today)
    card = session_card(found, posted=posted)
    old = Template(TEMPLATE_ROWS).render(Context({"card": card}))
    new = Template("{% load list_rows %}{% attendance_rows card %}").render(Context({"card": card}))
    assert _squeezed(new) == _squeezed(old)
    if how == "refused":
        assert 'aria-invalid="true"' in new
        assert "is-invalid" in new
    if how != "empty":
        assert "&amp; O&#x27;Neil" in new  # the name escaped, as the template escaped it
        assert "<b>" not in new
