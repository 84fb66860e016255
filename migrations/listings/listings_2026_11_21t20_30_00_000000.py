"""Unique (source_job, source_key) for drafts made by analyze jobs, as a unique index (see the auth app's note)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T20:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one draft per analyze item"


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="listings", description=DESCRIPTION)

    async def create_index() -> None:
        await _Raw.raw(
            'CREATE UNIQUE INDEX IF NOT EXISTS listings_source_unique ON listings ("source_job", "source_key")'
        )

    async def drop_index() -> None:
        await _Raw.raw("DROP INDEX IF EXISTS listings_source_unique")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
