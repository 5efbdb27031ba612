"""The audit table on PostgreSQL is partitioned by month: each event lands in its month's
partition (or the DEFAULT one, so an insert never fails), an expired month is exported as JSON
lines and then dropped, and every partition keeps the append-only rule (RELIABILITY AL-02).
SQLite keeps the plain table, so these tests skip there."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from staff import audit_partitions
from staff.audit_partitions import Month, add_months
from staff.models import AuditEvent
from tests.conftest import need

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _postgresql():
    need(connection.vendor == "postgresql", "the audit table is partitioned on PostgreSQL only")
    assert audit_partitions.is_partitioned()


def _partition_of(event: AuditEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM staff_auditevent WHERE id = %s", [event.pk]
        )
        return cursor.fetchone()[0]


def _event(at: datetime, **fields) -> AuditEvent:
    return AuditEvent.objects.create(action="auth.login", created_at=at, **fields)


def test_each_event_lands_in_its_months_partition_and_the_rest_in_the_default():
    audit_partitions.partitions_ahead(today=TODAY, ahead=2, since=date(2026, 9, 1))
    assert {m.name for m in audit_partitions.months()} >= {
        "staff_auditevent_2026_09",
        "staff_auditevent_2026_10",
        "staff_auditevent_2026_11",
        "staff_auditevent_2026_12",
        "staff_auditevent_2027_01",
    }
    assert _partition_of(_event(datetime(2026, 10, 31, 23, 59, tzinfo=UTC))) == (
        "staff_auditevent_2026_10"
    )
    assert _partition_of(_event(datetime(2026, 11, 1, tzinfo=UTC))) == "staff_auditevent_2026_11"
    assert _partition_of(_event(datetime(2041, 1, 1, tzinfo=UTC))) == "staff_auditevent_default"
    assert audit_partitions.partitions_ahead(today=TODAY, ahead=2) == []  # nothing twice


def test_a_month_already_in_the_default_is_left_there_not_lost():
    far = _event(datetime(2039, 5, 2, tzinfo=UTC))
    created = audit_partitions.partitions_ahead(today=date(2039, 4, 1), ahead=2)
    assert "staff_auditevent_2039_05" not in created
    assert "staff_auditevent_2039_04" in created
    assert _partition_of(far) == "staff_auditevent_default"


def test_an_expired_month_is_exported_then_dropped(tmp_path):
    old, kept = date(2026, 3, 1), date(2026, 6, 1)
    audit_partitions.partitions_ahead(today=TODAY, ahead=0, since=old)
    gone = [_event(datetime(2026, 3, d, 9, tzinfo=UTC), detail={"n": d}) for d in (2, 15, 31)]
    stays = _event(datetime(2026, 6, 1, tzinfo=UTC))

    keep = 7  # the seven months before November 2026 stay: April to October
    assert add_months(TODAY, -keep) == date(2026, 4, 1)  # March ends at the cutoff
    expired = audit_partitions.expired(today=TODAY, keep_months=keep)
    assert Month(old) in expired
    assert Month(kept) not in expired

    # The rows were written in this test's own transaction: check their foreign keys now, as
    # a commit months ago would have, or PostgreSQL refuses to drop a table with checks pending.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    call_command("audit_retention", keep_months=keep, export_dir=tmp_path)

    lines = (tmp_path / "audit-2026-03.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [e.pk for e in gone]
    assert lines[0] == gone[0].as_json_line()
    assert Month(old) not in audit_partitions.months()
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in gone]).exists()
    assert AuditEvent.objects.filter(pk=stays.pk).exists()


def test_no_retention_when_the_setting_keeps_everything():
    audit_partitions.partitions_ahead(today=TODAY, ahead=0, since=date(2020, 1, 1))
    assert audit_partitions.expired(today=TODAY, keep_months=0) == []


@pytest.mark.parametrize("table", ["staff_auditevent", "staff_auditevent_2026_10", "default"])
@pytest.mark.parametrize(
    "sql", ["UPDATE {} SET action = 'x.y' WHERE id = %s", "DELETE FROM {} WHERE id = %s"]
)
def test_no_partition_lets_a_row_be_changed_or_removed(table, sql):
    audit_partitions.partitions_ahead(today=TODAY, ahead=0, since=date(2026, 10, 1))
    at = (
        datetime(2041, 1, 1, tzinfo=UTC)
        if table == "default"
        else datetime(2026, 10, 5, tzinfo=UTC)
    )
    event = _event(at)
    table = "staff_auditevent_default" if table == "default" else table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql.format(table), [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"
