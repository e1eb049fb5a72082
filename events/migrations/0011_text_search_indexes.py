"""Trigram indexes for the action list's text search, on PostgreSQL only.

The search matches a word anywhere in a title, description, city, venue,
day-of-action name or organizer name (icontains, which PostgreSQL runs as
UPPER(column::text) LIKE UPPER(pattern)). A GIN index of the trigrams of
UPPER(column) answers such a pattern without reading every row. SQLite has
no trigram indexes: there the search keeps scanning, which is fine for the
embedded, single-machine size.
"""

from django.db import migrations

INDEXES = [
    ("action_title_trgm", "events_action", "title"),
    ("action_description_trgm", "events_action", "description"),
    ("action_city_trgm", "events_action", "city"),
    ("action_venue_trgm", "events_action", "venue"),
    ("campaign_name_trgm", "events_campaign", "name"),
    ("organization_name_trgm", "networks_organization", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner
    # may create it without being a superuser.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_campaign_needed_roles"),
        ("networks", "0011_notification_kinds"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
