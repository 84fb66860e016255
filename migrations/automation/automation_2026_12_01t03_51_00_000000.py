"""Unique indexes that make the ledger and the inbox idempotent (see the auth app's note on raw indexes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T03:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one message per recipient and trigger; one conversation per user; one row per message"

INDEXES = {
    "automation_ledger_unique": "automation_message_ledger (account_id, trigger, recipient, subject)",
    "inbox_conversations_unique": "inbox_conversations (account_id, with_user)",
    "inbox_messages_unique": "inbox_messages (conversation, platform_key)",
}


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="automation", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, target in INDEXES.items():
            await _Raw.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes() -> None:
        for name in INDEXES:
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
