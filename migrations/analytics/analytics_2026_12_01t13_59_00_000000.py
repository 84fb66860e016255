"""One item per platform listing and one daily rollup per item and UTC day, both filled from the hourly
rollups already kept, and the dashboard's index for reading a workspace's days (see the auth app's note
on raw indexes). Both databases: new ids and day buckets are made the way each stores them."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T13:59:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "analytics items and daily rollups: unique keys, the day index, filled from the hourly rollups"

UNIQUE = {
    "analytics_items_item": "analytics_items (workspace, account_id, platform_item_id)",
    "analytics_daily_rollups_item_day": "analytics_daily_rollups (workspace, item, day)",
}
PLAIN = {"analytics_daily_rollups_workspace_day": "analytics_daily_rollups (workspace, day)"}
COUNTERS = "views, likes, messages, follows, sales, revenue"
SUMS = "SUM(r.views), SUM(r.likes), SUM(r.messages), SUM(r.follows), SUM(r.sales), SUM(r.revenue)"
SQLITE_UUID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="analytics", description=DESCRIPTION)

    async def create_and_fill() -> None:
        for name, target in UNIQUE.items():
            await _Raw.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")
        for name, target in PLAIN.items():
            await _Raw.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
        if _Raw._meta.db.engine_type == "postgres":
            new_id, listing = "gen_random_uuid()", "CAST(MAX(CAST(listing_id AS TEXT)) AS UUID)"
            day = "date_trunc('day', r.hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        else:
            new_id, listing, day = SQLITE_UUID, "MAX(listing_id)", "substr(r.hour, 1, 10) || ' 00:00:00+00:00'"
        await _Raw.raw(
            "INSERT INTO analytics_items (id, workspace, account_id, platform, platform_item_id, listing_id) "  # noqa: S608
            f"SELECT {new_id}, workspace, account_id, MAX(platform), platform_item_id, {listing} "
            "FROM analytics_rollups GROUP BY workspace, account_id, platform_item_id"
        )
        await _Raw.raw(
            f"INSERT INTO analytics_daily_rollups (id, workspace, item, day, {COUNTERS}) "  # noqa: S608
            f"SELECT {new_id}, r.workspace, i.id, {day}, {SUMS} FROM analytics_rollups r "
            "JOIN analytics_items i ON i.workspace = r.workspace AND i.account_id = r.account_id "
            f"AND i.platform_item_id = r.platform_item_id GROUP BY r.workspace, i.id, {day}"
        )

    async def drop_indexes() -> None:
        for name in (*UNIQUE, *PLAIN):
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_and_fill)
    manager.add_raw_backwards(drop_indexes)
    return manager
