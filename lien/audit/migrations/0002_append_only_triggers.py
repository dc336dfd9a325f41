"""The database itself refuses to change or remove an audit event, whatever the code does."""

from django.db import migrations

# The triggers as they were first installed (refusing every update), frozen here: later
# versions name columns added by later migrations (see lien/audit/triggers.py, 0003).
INSTALL = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE OR REPLACE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE
           ON audit_auditevent FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
        """CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE
           ON audit_auditevent FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
    ],
}
REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_event_no_update",
        "DROP TRIGGER IF EXISTS audit_event_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
        "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent",
    ],
}


def _execute(connection, statements_by_vendor) -> None:
    with connection.cursor() as cursor:
        for statement in statements_by_vendor.get(connection.vendor, []):
            cursor.execute(statement)


def install(apps, schema_editor):
    _execute(schema_editor.connection, INSTALL)


def remove(apps, schema_editor):
    _execute(schema_editor.connection, REMOVE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
