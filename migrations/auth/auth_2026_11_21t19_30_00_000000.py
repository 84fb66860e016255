"""Composite uniqueness of memberships and invitations, as unique indexes.

Piccolo's `Unique` constraint is added with ALTER TABLE ... ADD CONSTRAINT,
which SQLite does not support, and a migration's raw steps run before its
tables are created, hence this separate migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (workspace, user) memberships and (workspace, email) invitations"

UNIQUE_INDEXES = {
    "memberships_workspace_user_unique": ("memberships", '"workspace", "user"'),
    "invitations_workspace_email_unique": ("invitations", '"workspace", "email"'),
}


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="auth", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, (table, columns) in UNIQUE_INDEXES.items():
            await _Raw.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {table} ({columns})")

    async def drop_indexes() -> None:
        for name in UNIQUE_INDEXES:
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
