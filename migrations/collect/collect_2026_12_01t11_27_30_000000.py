"""Unique indexes that make the crawl idempotent (see the auth app's note on raw indexes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T11:27:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "one chunk per (collection, key); one image per (collection, source URL)"

INDEXES = {
    "collect_chunks_key_unique": "collect_chunks (collection, key)",
    "collect_images_source_unique": "collect_images (collection, source_url)",
}


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="collect", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, target in INDEXES.items():
            await _Raw.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes() -> None:
        for name in INDEXES:
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
