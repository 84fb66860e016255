"""Composite uniqueness for jobs, as unique indexes (see the auth app's note on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T19:25:42:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (workspace, idempotency_key) jobs and (job, key) items; listing indexes"

INDEXES = {
    "jobs_workspace_idempotency_unique": ("UNIQUE", "jobs", '"workspace", "idempotency_key"'),
    "job_items_job_key_unique": ("UNIQUE", "job_items", '"job", "key"'),
    "jobs_workspace_created": ("", "jobs", '"workspace", "created_at"'),
}


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="jobs", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, (unique, table, columns) in INDEXES.items():
            await _Raw.raw(f"CREATE {unique} INDEX IF NOT EXISTS {name} ON {table} ({columns})")

    async def drop_indexes() -> None:
        for name in INDEXES:
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
