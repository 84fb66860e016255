"""Unique indexes that make ingest, rollups, sync states and sales idempotent, and the dashboard's index
(see the auth app's note on raw indexes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T10:49:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one event per client id; one rollup per item and hour; one sync state per account; one sale per item"

UNIQUE = {
    "analytics_events_client_id": "analytics_events (workspace, client_event_id)",
    "analytics_rollups_item_hour": "analytics_rollups (workspace, account_id, platform_item_id, hour)",
    "analytics_sync_states_account": "analytics_sync_states (account_id)",
    "analytics_sales_item": "analytics_sales (account_id, platform_item_id)",
}
# The dashboard reads a workspace's rollups by hour range; rebuilds read its events by time.
PLAIN = {
    "analytics_rollups_workspace_hour": "analytics_rollups (workspace, hour)",
    "analytics_events_workspace_time": "analytics_events (workspace, occurred_at)",
}


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="analytics", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, target in UNIQUE.items():
            await _Raw.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")
        for name, target in PLAIN.items():
            await _Raw.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes() -> None:
        for name in (*UNIQUE, *PLAIN):
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
