"""The table of the database cache that all server processes share (newsdesk.core.cache)."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "core_shared_cache"


def create(apps, schema_editor):
    # Made whatever CACHE_URL is now, so that switching from Redis to the default later
    # finds it; createcachetable leaves an existing table alone.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_rate_counter")]

    operations = [migrations.RunPython(create, drop)]
