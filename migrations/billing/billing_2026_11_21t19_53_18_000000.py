"""Unique (workspace, resource, period) in the usage ledger, as a unique index (see the auth app's note on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T19:53:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique usage ledger rows"


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="billing", description=DESCRIPTION)

    async def create_index() -> None:
        await _Raw.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS usage_ledger_workspace_resource_period "
            'ON usage_ledger ("workspace", "resource", "period")'
        )

    async def drop_index() -> None:
        await _Raw.raw("DROP INDEX IF EXISTS usage_ledger_workspace_resource_period")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
