"""A school's audit log shows a person's events that belong to no school (sign-ins, sign-outs,
password changes, calendar links) only while that person was on the staff of that school:
inviting an address must not reveal where and when it signed in before, nor after it left."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from staff import selectors
from staff.models import AuditEvent, Membership, User

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 9, 0, tzinfo=UTC)


def signed_in(person: User, day: int) -> AuditEvent:
    return AuditEvent.objects.create(
        action="auth.login", actor=person, created_at=at(day), ip="203.0.113.7"
    )


def test_a_school_sees_sign_ins_only_while_the_person_was_on_its_staff(
    school, other_school, sendco
):
    """Sam joins Acorn on day 10 and leaves on day 20; Sam has been at Beech since day 1."""
    sam = User.objects.create_user(email="sam@example.test", full_name="Sam Supply")
    Membership.objects.create(user=sam, school=other_school, role="teacher")
    Membership.objects.filter(user=sam, school=other_school).update(created_at=at(1))
    acorn = Membership.objects.create(user=sam, school=school, role="teacher")
    Membership.objects.filter(pk=acorn.pk).update(created_at=at(10), ended_at=at(20))

    before, during, after = signed_in(sam, 5), signed_in(sam, 15), signed_in(sam, 25)

    acorn_log = set(selectors.audit_for_school(school=school, person=sam))
    beech_log = set(selectors.audit_for_school(school=other_school, person=sam))
    assert acorn_log == {during}
    assert beech_log == {before, during, after}


def test_the_log_of_a_school_is_one_query(school, sendco, django_assert_num_queries):
    AuditEvent.objects.create(action="auth.login", actor=sendco)
    with django_assert_num_queries(1):
        log = list(selectors.audit_for_school(school=school))
    assert [e.action for e in log].count("auth.login") == 1


def test_a_person_invited_back_shows_from_their_return_not_from_the_months_away(school, sendco):
    """Sam leaves Acorn on day 5 and is invited back on day 20: the sign-in of day 12 (at
    another job) is not Acorn's to read; the one after the return is."""
    import time_machine

    from staff import services

    sam = User.objects.create_user(email="sam@example.test", full_name="Sam Supply")
    first = Membership.objects.create(user=sam, school=school, role="teacher")
    Membership.objects.filter(pk=first.pk).update(created_at=at(1), ended_at=at(5))
    away = signed_in(sam, 12)
    with time_machine.travel(at(20), tick=False):
        services.staff_invite(
            school=school, email=sam.email, full_name="", role="ta", by=sendco, by_role="sendco"
        )
    back = signed_in(sam, 25)

    log = set(selectors.audit_for_school(school=school, person=sam))
    assert back in log
    assert away not in log
