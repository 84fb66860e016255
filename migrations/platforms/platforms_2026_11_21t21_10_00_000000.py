"""Uniqueness for platform resources, as unique indexes (see the auth app's note)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-21T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one account per platform login, one proxy per address, one profile per name"

INDEXES = {
    "platform_accounts_login_unique": 'platform_accounts ("workspace", "platform", "login")',
    "proxies_address_unique": 'proxies ("workspace", "host", "port")',
    "browser_profiles_name_unique": 'browser_profiles ("workspace", "name")',
}


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="platforms", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, target in INDEXES.items():
            await _Raw.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop_indexes() -> None:
        for name in INDEXES:
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
