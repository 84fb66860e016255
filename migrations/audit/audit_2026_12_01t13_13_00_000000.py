"""The audit log's indexes: a workspace's rows by time (GET /audit, newest first) and rows by action
(the filter, and pruning reads by time through the first). Raw steps run before a migration's tables
are made, hence this separate migration (see the auth app's note on raw indexes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T13:13:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit entries by workspace and time, by action, by time"

INDEXES = {
    "audit_entries_workspace_time": "audit_entries (workspace, created_at)",
    "audit_entries_action": "audit_entries (action)",
    # Pruning and the superuser console read every workspace's rows by time.
    "audit_entries_time": "audit_entries (created_at)",
}


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, target in INDEXES.items():
            await _Raw.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes() -> None:
        for name in INDEXES:
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
