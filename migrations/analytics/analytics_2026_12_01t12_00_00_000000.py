"""The dashboard's index for one account's rollups by hour (the `account` filter); the workspace-wide
reads use (workspace, hour) from the previous migration (see the auth app's note on raw indexes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "rollups by workspace, account and hour"

NAME = "analytics_rollups_workspace_account_hour"
TARGET = "analytics_rollups (workspace, account_id, hour)"


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="analytics", description=DESCRIPTION)

    async def create_index() -> None:
        await _Raw.raw(f"CREATE INDEX IF NOT EXISTS {NAME} ON {TARGET}")

    async def drop_index() -> None:
        await _Raw.raw(f"DROP INDEX IF EXISTS {NAME}")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
