"""The audit trail cannot be rewritten, not even by the application's own database role with raw
SQL (RELIABILITY AL-02), and every event is also shipped, as one JSON line, to a separate store."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import DatabaseError, connection, transaction

from staff.models import AuditEvent
from staff.services import audit
from tests.conftest import need

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE staff_auditevent SET action = 'nothing.happened' WHERE id = %s",
        "UPDATE staff_auditevent SET ip = '192.0.2.1' WHERE id = %s",
        "DELETE FROM staff_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_remove_an_audit_row(sendco, sql):
    need(connection.vendor == "postgresql", "the audit trigger is PostgreSQL's")
    event = audit(action="auth.login", actor=sendco)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


def test_new_audit_rows_are_still_written(sendco):
    need(connection.vendor == "postgresql", "the audit trigger is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO staff_auditevent (created_at, action, role, object_type, object_id,"
            " object_repr, detail, request_id) VALUES (now(), 'x.y', '', '', '', '', '{}', '')"
        )
    assert AuditEvent.objects.filter(action="x.y").exists()


def test_every_event_is_shipped_as_one_json_line(school, sendco, caplog):
    with caplog.at_level(logging.INFO, logger="sendco.audit"):
        event = audit(
            action="staff.invited",
            actor=sendco,
            school=school,
            role="sendco",
            obj=school,
            detail={"role": "ta"},
        )
    [record] = [r for r in caplog.records if r.name == "sendco.audit"]
    line = json.loads(record.getMessage())
    assert line == {
        "id": event.pk,
        "created_at": event.created_at.isoformat(),
        "school": school.pk,
        "actor": sendco.pk,
        "role": "sendco",
        "action": "staff.invited",
        "object_type": "staff.School",
        "object_id": str(school.pk),
        "pupil_public_id": None,
        "detail": {"role": "ta"},
        "ip": None,
        "request_id": "",
    }
    assert "Acorn" not in record.getMessage()  # object_repr may name a person: not shipped


@pytest.mark.django_db(transaction=True)
def test_the_test_suite_can_still_empty_the_database(sendco):
    """pytest-django empties the tables after this test with TRUNCATE, which the row trigger
    lets through (an error in this test's teardown would say otherwise)."""
    audit(action="auth.login", actor=sendco)
    assert AuditEvent.objects.filter(action="auth.login").count() == 1
