"""Unique (workspace, resource, key) on usage charges, as a unique index (works on SQLite too)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T15:50:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique usage charges"


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="billing", description=DESCRIPTION)

    async def create_index() -> None:
        await _Raw.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS usage_charges_workspace_resource_key "
            'ON usage_charges ("workspace", "resource", "key")'
        )

    async def drop_index() -> None:
        await _Raw.raw("DROP INDEX IF EXISTS usage_charges_workspace_resource_key")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
