"""The table of the database cache that all server processes share (newsdesk.core.cache_backends)."""

from django.core.management import call_command
from django.db import migrations

TABLE = "core_shared_cache"


def create(apps, schema_editor):
    # Made whatever CACHE_URL is now, so that switching from Redis to the default later
    # finds it; createcachetable leaves an existing table alone.
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_rate_counter")]

    operations = [migrations.RunPython(create, drop)]
