"""Database triggers that refuse any change or removal of an audit event.

The application code refuses too (AuditEvent.save/delete, the queryset), but the triggers hold
against raw SQL and any future code path. Only the test suite removes them, to empty the
database between browser tests; it puts them back before each test.

One update is let through: re-encrypting `previous` with a newer key (`manage.py rotate_keys`),
where every other column stays as it was and `previous` is neither added nor removed. The token
names its event, so a token moved from one row to another is refused when read.
"""

# Every column but `previous`: an update that touches any of them is refused.
FIXED_COLUMNS = (
    "id",
    "public_id",
    "occurred_at",
    "organisation_id",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "fields",
    "ip",
    "request_id",
)
_SQLITE_SAME = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in FIXED_COLUMNS)

INSTALL = {
    "sqlite": [
        # Replaced, not kept if present: an older version refused every update.
        "DROP TRIGGER IF EXISTS audit_event_no_update",
        f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
           WHEN NOT (OLD.previous IS NOT NULL AND NEW.previous IS NOT NULL AND {_SQLITE_SAME})
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
           BEGIN
             IF TG_OP = 'UPDATE' AND OLD.previous IS NOT NULL AND NEW.previous IS NOT NULL
                AND (to_jsonb(OLD) - 'previous') = (to_jsonb(NEW) - 'previous') THEN
               RETURN NEW;
             END IF;
             RAISE EXCEPTION 'audit events are append-only';
           END; $$ LANGUAGE plpgsql""",
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


def install(connection) -> None:
    _execute(connection, INSTALL)


def remove(connection) -> None:
    _execute(connection, REMOVE)
