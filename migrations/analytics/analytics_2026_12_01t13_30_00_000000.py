"""One daily rollup per platform listing and UTC day, filled from the hourly rollups already kept, and the
dashboard's index for reading a workspace's days (see the auth app's note on raw indexes). Both
databases: the new ids and the day buckets are made the way each stores UUIDs and timestamps."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "daily rollups: unique per listing and day, indexed by day, filled from the hourly rollups"

UNIQUE = ("analytics_daily_rollups_item_day", "analytics_daily_rollups (workspace, account_id, platform_item_id, day)")
PLAIN = ("analytics_daily_rollups_workspace_day", "analytics_daily_rollups (workspace, day)")
COUNTERS = "views, likes, messages, follows, sales, revenue"
SUMS = "SUM(views), SUM(likes), SUM(messages), SUM(follows), SUM(sales), SUM(revenue)"
SQLITE_UUID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="analytics", description=DESCRIPTION)

    async def create_and_fill() -> None:
        await _Raw.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {UNIQUE[0]} ON {UNIQUE[1]}")
        await _Raw.raw(f"CREATE INDEX IF NOT EXISTS {PLAIN[0]} ON {PLAIN[1]}")
        if _Raw._meta.db.engine_type == "postgres":
            new_id, listing = "gen_random_uuid()", "CAST(MAX(CAST(listing_id AS TEXT)) AS UUID)"
            day = "date_trunc('day', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        else:
            new_id, listing, day = SQLITE_UUID, "MAX(listing_id)", "substr(hour, 1, 10) || ' 00:00:00+00:00'"
        await _Raw.raw(
            "INSERT INTO analytics_daily_rollups (id, workspace, account_id, platform, platform_item_id, "  # noqa: S608
            f"listing_id, day, {COUNTERS}) SELECT {new_id}, workspace, account_id, MAX(platform), platform_item_id, "
            f"{listing}, {day}, {SUMS} FROM analytics_rollups GROUP BY workspace, account_id, platform_item_id, {day}"
        )

    async def drop_indexes() -> None:
        for name in (UNIQUE[0], PLAIN[0]):
            await _Raw.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_and_fill)
    manager.add_raw_backwards(drop_indexes)
    return manager
