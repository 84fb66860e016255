"""One per-account rollup per account and hour, filled from the per-listing rollups already kept
(see the auth app's note on raw indexes). Both databases: the new ids are made the way each stores UUIDs."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T13:14:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "per-account rollups: unique per account and hour, filled from the per-listing rollups"

NAME = "analytics_account_rollups_account_hour"
TARGET = "analytics_account_rollups (workspace, account_id, hour)"
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
        await _Raw.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {NAME} ON {TARGET}")
        new_id = "gen_random_uuid()" if _Raw._meta.db.engine_type == "postgres" else SQLITE_UUID
        await _Raw.raw(
            f"INSERT INTO analytics_account_rollups (id, workspace, account_id, platform, hour, {COUNTERS}) "  # noqa: S608 - constants
            f"SELECT {new_id}, workspace, account_id, MAX(platform), hour, {SUMS} FROM analytics_rollups "
            "GROUP BY workspace, account_id, hour"
        )

    async def drop_index() -> None:
        await _Raw.raw(f"DROP INDEX IF EXISTS {NAME}")

    manager.add_raw(create_and_fill)
    manager.add_raw_backwards(drop_index)
    return manager
