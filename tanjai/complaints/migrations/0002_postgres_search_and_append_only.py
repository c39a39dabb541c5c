"""PostgreSQL only: the Thai word index, and the event log made append-only in the database.

The words are stored space-delimited in search_document (segmented in Python, see
tanjai.core.text). A GIN index over string_to_array(...) indexes them verbatim: no text
search parser or locale decides what counts as a letter, which matters for Thai tone marks
and vowel signs. SQLite has neither; there the selectors fall back to LIKE.
"""

from django.db import migrations

SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS cmp_search_words ON complaints_complaint "
    "USING gin (string_to_array(search_document, ' '))"
)
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION tanjai_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaints_event is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_event;
CREATE TRIGGER complaints_event_append_only BEFORE UPDATE OR DELETE ON complaints_event
FOR EACH ROW EXECUTE FUNCTION tanjai_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(SEARCH_INDEX)
    schema_editor.execute(APPEND_ONLY)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS cmp_search_words")
    schema_editor.execute("DROP TRIGGER IF EXISTS complaints_event_append_only ON complaints_event")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
