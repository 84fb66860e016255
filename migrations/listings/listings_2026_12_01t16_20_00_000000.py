"""Platform listings: one per item and account, one per account and platform item, a price rule per
workspace and platform; and every item already published or sold gets its platform listing (the first one,
from the columns that named it), so crosslisting and auto-delist see what was there before. Both databases:
new ids are made the way each stores them (see analytics' note on raw indexes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T16:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "platform listings: unique keys, filled from the items already published"

UNIQUE = {
    "platform_listings_item_account": "platform_listings (listing, account_id)",
    "platform_listings_account_item": "platform_listings (workspace, account_id, platform_item_id)",
    "crosslist_price_rules_platform": "crosslist_price_rules (workspace, platform)",
}
SQLITE_UUID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="listings", description=DESCRIPTION)

    async def create_and_fill() -> None:
        for name, target in UNIQUE.items():
            await _Raw.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")
        new_id = "gen_random_uuid()" if _Raw._meta.db.engine_type == "postgres" else SQLITE_UUID
        await _Raw.raw(
            "INSERT INTO platform_listings (id, workspace, listing, account_id, platform, platform_item_id, "  # noqa: S608
            "platform_url, status, price, currency, sold_at, created_at, updated_at) "
            f"SELECT {new_id}, l.workspace, l.id, l.account_id, a.platform, l.platform_item_id, l.platform_url, "
            "CASE WHEN l.status = 'sold' THEN 'sold' ELSE 'live' END, COALESCE(l.sold_price, l.price), l.currency, "
            "l.sold_at, l.updated_at, l.updated_at FROM listings l "
            "JOIN platform_accounts a ON a.id = l.account_id AND a.workspace = l.workspace "
            "WHERE l.platform_item_id IS NOT NULL AND l.status IN ('published', 'sold')"
        )

    async def drop_indexes() -> None:
        for name in UNIQUE:
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_and_fill)
    manager.add_raw_backwards(drop_indexes)
    return manager
