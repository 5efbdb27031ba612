"""Staff accounts as the SENDCo and the trust lead manage them, and the school's audit log."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from staff.models import AuditEvent, Membership, Role, User
from tests.factories import member


def _login(client, user):
    """Signed in, with the session renewed by a first request (as a person's first page does),
    so a measured request after it writes no session."""
    client.force_login(user)
    client.get(reverse("notifications_count"))
    return client


def _invite(client, school, **data):
    payload = {"full_name": "Nia Newton", "email": "nia@acorn.test", "role": "teacher", **data}
    return client.post(reverse("staff:invite", args=[school.slug]), payload)


def test_sendco_invites_a_teacher_who_gets_an_email(
    client, school, sendco, mailoutbox, django_capture_on_commit_callbacks
):
    _login(client, sendco)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, school, email="  Nia@Acorn.TEST ")
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nia@acorn.test", school=school)
    assert membership.role == Role.TEACHER
    assert membership.invited_by == sendco
    assert [m.to for m in mailoutbox] == [["nia@acorn.test"]]
    assert "Acorn Primary" in mailoutbox[0].subject
    event = AuditEvent.objects.get(action="staff.invited")
    assert (event.actor, event.school, event.detail["role"]) == (sendco, school, "teacher")
    page = client.get(reverse("staff:list", args=[school.slug]))
    assert "Invitation sent to nia@acorn.test as Class teacher." in page.content.decode()
    assert "Invited, not signed in yet" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"full_name": ""}, "This field is required."),
        ({"role": "trust_lead"}, "Select a valid choice."),
        ({"role": "wizard"}, "Select a valid choice."),
    ],
)
def test_bad_invitations_are_refused_with_a_clear_message(client, school, sendco, data, message):
    _login(client, sendco)
    response = _invite(client, school, **data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert not User.objects.filter(email="nia@acorn.test").exists()
    assert not AuditEvent.objects.filter(action="staff.invited").exists()


def test_inviting_someone_already_on_the_staff_says_so(client, school, sendco, teacher):
    _login(client, sendco)
    response = _invite(client, school, email=teacher.email)
    assert response.status_code == 200
    assert f"{teacher.email} is already on the staff of Acorn Primary." in response.content.decode()
    assert Membership.objects.filter(user=teacher).count() == 1


def test_trust_lead_may_appoint_a_trust_lead_but_a_sendco_may_not(
    client, school, sendco, trust_lead
):
    _login(client, trust_lead)
    assert _invite(client, school, role="trust_lead").status_code == 302
    _login(client, sendco)
    response = _invite(client, school, email="other@acorn.test", role="trust_lead")
    assert response.status_code == 200
    assert not User.objects.filter(email="other@acorn.test").exists()


def test_role_change_is_saved_and_audited(client, school, sendco, teacher):
    _login(client, sendco)
    membership = teacher.memberships.get()
    url = reverse("staff:member", args=[school.slug, membership.public_id])
    assert client.post(url, {"role": "ta"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.TA
    event = AuditEvent.objects.get(action="staff.role_changed")
    assert event.detail == {"from": "teacher", "to": "ta", "email": teacher.email}


def test_nobody_changes_their_own_role_and_a_sendco_cannot_touch_a_trust_lead(
    client, school, sendco, trust_lead
):
    _login(client, sendco)
    own = sendco.memberships.get()
    lead = trust_lead.memberships.get()
    for membership in (own, lead):
        url = reverse("staff:member", args=[school.slug, membership.public_id])
        assert client.post(url, {"role": "teacher"}).status_code == 403
        deactivate = reverse("staff:deactivate", args=[school.slug, membership.public_id])
        assert client.post(deactivate).status_code == 403
        membership.refresh_from_db()
        assert membership.ended_at is None
    page = client.get(reverse("staff:member", args=[school.slug, own.public_id]))
    assert "Change role" not in page.content.decode()


def test_deactivated_teacher_is_signed_out_on_the_next_request(client, school, sendco, teacher):
    teacher_client = _login(type(client)(), teacher)
    home = reverse("school_home", args=[school.slug])
    assert teacher_client.get(home).status_code == 200

    _login(client, sendco)
    membership = teacher.memberships.get()
    response = client.post(reverse("staff:deactivate", args=[school.slug, membership.public_id]))
    assert response.status_code == 302

    response = teacher_client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    teacher.refresh_from_db()
    assert teacher.is_active is False
    assert AuditEvent.objects.filter(action="staff.deactivated", actor=sendco).count() == 1
    # Their access can be given back by inviting them again.
    assert _invite(client, school, email=teacher.email, role="ta").status_code == 302
    teacher.refresh_from_db()
    assert teacher.is_active is True
    assert teacher.memberships.get().role == Role.TA


def test_ending_access_to_one_school_keeps_the_other(client, school, other_school, sendco):
    both = member(school, Role.TEACHER, email="both@oak.test")
    Membership.objects.create(user=both, school=other_school, role=Role.TEACHER)
    both_client = _login(type(client)(), both)

    _login(client, sendco)
    membership = both.memberships.get(school=school)
    client.post(reverse("staff:deactivate", args=[school.slug, membership.public_id]))

    assert both_client.get(reverse("school_home", args=[school.slug])).status_code == 404
    assert both_client.get(reverse("school_home", args=[other_school.slug])).status_code == 200


def test_another_schools_staff_member_is_a_404_and_nothing_changes(
    client, school, other_school, sendco
):
    stranger = member(other_school, Role.TEACHER, email="stranger@beech.test")
    membership = stranger.memberships.get()
    _login(client, sendco)
    for name, method in (
        ("staff:member", "get"),
        ("staff:member", "post"),
        ("staff:deactivate", "post"),
    ):
        url = reverse(name, args=[school.slug, membership.public_id])
        response = getattr(client, method)(url, {"role": "ta"})
        assert response.status_code == 404, (name, method)
    membership.refresh_from_db()
    assert (membership.role, membership.ended_at) == (Role.TEACHER, None)


def test_audit_log_filters_by_person_action_and_date(client, school, sendco, teacher, head):
    # They joined in September; the log shows sign-ins only while they were on the staff.
    Membership.objects.filter(school=school).update(
        created_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    )
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)):
        _login(client, teacher)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        _login(client, head)
    _login(client, sendco)
    url = reverse("staff:audit", args=[school.slug])

    def actors(**query):  # (the factories' memberships are in the log too, with no actor)
        return {e.actor.full_name for e in client.get(url, query).context["page"] if e.actor}

    assert actors() >= {"Tom Teacher", "Hana Head"}
    assert actors(person=teacher.pk) == {"Tom Teacher"}
    assert actors(date_from="2026-11-10", date_to="2026-11-21") == {"Hana Head"}

    by_action = client.get(url, {"action": "auth.login"}).context["page"]
    assert {e.action for e in by_action} == {"auth.login"}

    backwards = client.get(url, {"date_from": "2026-11-21", "date_to": "2026-11-01"})
    assert "on or before" in backwards.content.decode()


def test_audit_log_shows_nothing_of_another_school(client, school, other_school, sendco):
    outsider = member(other_school, Role.SENDCO, full_name="Olive Outsider")
    _login(client, outsider)
    _login(client, sendco)
    page = client.get(reverse("staff:audit", args=[school.slug])).content.decode()
    assert "Olive Outsider" not in page


def test_audit_rows_cannot_be_changed_or_deleted(sendco):
    event = AuditEvent.objects.create(action="test.event", actor=sendco)
    event.action = "test.changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def _staff(school, n):
    for i in range(n):
        member(school, Role.TEACHER, email=f"t{i}@acorn.test")


@pytest.mark.parametrize("size", [3, 60])
def test_staff_list_queries_do_not_grow_with_the_staff(
    client, school, sendco, size, django_assert_num_queries
):
    _staff(school, size)
    _login(client, sendco)
    url = reverse("staff:list", args=[school.slug])
    client.get(url)
    with django_assert_num_queries(QUERIES["staff:list"]):
        response = client.get(url)
    assert response.content.decode().count("@acorn.test") >= size


@pytest.mark.parametrize("size", [3, 120])
def test_audit_log_queries_do_not_grow_with_the_log(
    client, school, sendco, size, django_assert_num_queries
):
    for i in range(size):
        AuditEvent.objects.create(action=f"test.{i % 4}", actor=sendco, school=school)
    _login(client, sendco)
    url = reverse("staff:audit", args=[school.slug])
    with django_assert_num_queries(QUERIES["staff:audit"]):
        client.get(url)


@pytest.mark.parametrize("size", [3, 120])
def test_audit_log_of_one_pupil_queries_do_not_grow(
    client, school, sendco, size, django_assert_num_queries
):
    pupil = uuid.uuid4()
    for i in range(size):
        about = {"pupil_public_id": pupil} if i % 2 else {"detail": {"pupils": [str(pupil)]}}
        AuditEvent.objects.create(action=f"test.{i % 4}", actor=sendco, school=school, **about)
    _login(client, sendco)
    url = reverse("staff:audit", args=[school.slug])
    with django_assert_num_queries(QUERIES["staff:audit"]):
        response = client.get(url, {"pupil": str(pupil)})
    assert len(response.context["page"]) == min(size, 50)
    assert (response.context["page"].older is not None) is (size > 50)


VIEWED = "register.pupil_viewed"  # the filter offers the actions that have words


@pytest.mark.parametrize("size", [3, 120])
def test_an_older_page_of_the_log_costs_the_same_queries_at_any_depth(
    client, school, sendco, size, django_assert_num_queries
):
    """The link carries the edge row's (time, id): the database starts there instead of
    counting or skipping the rows before it."""
    for _ in range(size):
        AuditEvent.objects.create(action=VIEWED, actor=sendco, school=school)
    _login(client, sendco)
    url = reverse("staff:audit", args=[school.slug])
    edge = client.get(url, {"action": VIEWED}).context["page"].events[-1]
    with django_assert_num_queries(QUERIES["staff:audit, older page"]):
        response = client.get(
            url, {"action": VIEWED, "older": f"{edge.created_at.isoformat()}~{edge.pk}"}
        )
    shown = response.context["page"]
    assert len(shown) == min(max(size - 50, 0), 50)
    assert {e.action for e in shown} <= {VIEWED}
    assert (shown.older is not None) is (size > 100)


def test_older_and_newer_walk_the_whole_log_once_each_way(client, school, sendco):
    # Several events share one instant: the id breaks the tie, so none is lost or repeated.
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC), tick=False):
        made = [
            AuditEvent.objects.create(action=VIEWED, actor=sendco, school=school).pk
            for _ in range(70)
        ]
    _login(client, sendco)
    url = reverse("staff:audit", args=[school.slug])

    def page(**query):
        return client.get(url, {"action": VIEWED, **query}).context["page"]

    first = page()
    second = page(older=str(first.older))
    assert (len(first), len(second), second.older) == (50, 20, None)
    assert [e.pk for e in [*first, *second]] == sorted(made, reverse=True)
    back = page(newer=str(second.newer))
    assert ([e.pk for e in back], back.newer) == ([e.pk for e in first], None)


@pytest.mark.parametrize("size", [3, 60])
def test_home_queries_do_not_grow(client, school, sendco, size, django_assert_num_queries):
    _staff(school, size)
    _login(client, sendco)
    with django_assert_num_queries(QUERIES["school_home"]):
        client.get(reverse("school_home", args=[school.slug]))


# Queries per page, the same at every size: session, user, school, membership, the page's own
# reads and the savepoints of ATOMIC_REQUESTS (a request soon after another writes no session).
# The audit log and the home write one audit event each (who read them): one INSERT. The audit
# log reads its page in two (the school's events, then its staff's events of no school), and no
# count: an older page starts at the edge row its link carries.
# The header's school switcher is kept between changes (staff/switcher_cache.py): one query on the
# first page after signing in ("staff:audit", "school_home"), none on a page after another
# ("staff:list", "staff:audit, older page").
QUERIES = {
    "staff:list": 7,
    "staff:audit": 11,
    "staff:audit, older page": 10,
    "school_home": 33,  # agencies: 1, Early Help: 1
}
