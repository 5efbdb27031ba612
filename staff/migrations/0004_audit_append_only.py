"""The audit table is append-only in the database itself (RELIABILITY AL-02): a trigger refuses
UPDATE and DELETE of its rows, even from the application's own role with raw SQL.

PostgreSQL only (SQLite is for development and tests). TRUNCATE does not fire row triggers, so
the test suite can still empty the database between transactional tests; a role that may
TRUNCATE or drop triggers is the database owner's, not the application's (see README)."""

from django.db import migrations

APPEND_ONLY = """
CREATE FUNCTION staff_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'staff_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER staff_auditevent_append_only
    BEFORE UPDATE OR DELETE ON staff_auditevent
    FOR EACH ROW EXECUTE FUNCTION staff_auditevent_append_only();
"""

UNDO = """
DROP TRIGGER IF EXISTS staff_auditevent_append_only ON staff_auditevent;
DROP FUNCTION IF EXISTS staff_auditevent_append_only();
"""


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("staff", "0003_submitted_forms")]

    operations = [PostgreSQLOnly(APPEND_ONLY, reverse_sql=UNDO)]
