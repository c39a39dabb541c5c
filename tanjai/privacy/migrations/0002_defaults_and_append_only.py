"""The deadlines and retention periods seeded (then data, edited in the admin); on
PostgreSQL, the privacy logs made append-only, and the event log's trigger given its one
narrow exception for erasure and retention (see tanjai.privacy.anonymise)."""

from django.db import migrations

PRIVACY_LOGS = ("privacy_requeststep", "privacy_eventredaction", "privacy_retentionrun")

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION tanjai_privacy_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
"""

# The event log refuses every UPDATE and DELETE (complaints migration 0002) except this
# one: an UPDATE of `note` and `data` only, with the transaction-local setting
# tanjai.event_redaction on (privacy.anonymise sets it around its own statements), of an
# event whose redaction is already recorded in privacy_eventredaction (itself append-only).
EVENT_REDACTION = """
CREATE OR REPLACE FUNCTION tanjai_event_append_only_but_redaction() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('tanjai.event_redaction', true), '') = 'on'
       AND NEW.id = OLD.id
       AND NEW.complaint_id = OLD.complaint_id
       AND NEW.at = OLD.at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.actor_label = OLD.actor_label
       AND NEW.action = OLD.action
       AND NEW.from_state = OLD.from_state
       AND NEW.to_state = OLD.to_state
       AND EXISTS (SELECT 1 FROM privacy_eventredaction r WHERE r.event_id = OLD.id)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'complaints_event is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_event;
CREATE TRIGGER complaints_event_append_only BEFORE UPDATE OR DELETE ON complaints_event
FOR EACH ROW EXECUTE FUNCTION tanjai_event_append_only_but_redaction();
"""

EVENT_STRICT = """
DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_event;
CREATE TRIGGER complaints_event_append_only BEFORE UPDATE OR DELETE ON complaints_event
FOR EACH ROW EXECUTE FUNCTION tanjai_event_append_only();
DROP FUNCTION IF EXISTS tanjai_event_append_only_but_redaction();
"""


def seed(apps, schema_editor):
    from tanjai.privacy.defaults import DEADLINE_DAYS, RETENTION_DEFAULTS

    RequestDeadline = apps.get_model("privacy", "RequestDeadline")
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for kind, days in DEADLINE_DAYS.items():
        RequestDeadline.objects.get_or_create(kind=kind, defaults={"days": days})
    for kind, days, note in RETENTION_DEFAULTS:
        RetentionRule.objects.get_or_create(kind=kind, defaults={"days": days, "note": note})


def triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(APPEND_ONLY)
    for table in PRIVACY_LOGS:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}; "
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tanjai_privacy_append_only();"
        )
    schema_editor.execute(EVENT_REDACTION)


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(EVENT_STRICT)
    for table in PRIVACY_LOGS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS tanjai_privacy_append_only()")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(triggers, triggers_off),
    ]
