"""A job start's plan check reads only the unfinished jobs (PostgreSQL), not the workspace's whole history.

`jobs_unfinished_once_locked(ws, aside)` counted with `NOT (status = ANY (aside))`,
a condition no index can answer: every job start read every job the workspace
ever kept (JOBS_RETENTION_DAYS of them), ~2 ms at 6,000 jobs and growing with
them. `jobs_unfinished_locked(ws)` counts the statuses that hold a slot
(pending, running, retrying: `jobs.capacity.HOLDING_A_SLOT`) as literals, which a
partial index of exactly those rows answers; a job leaves that index when it
finishes or is paused. Same lock, same VOLATILE snapshot rule as before (see the
2026-12-01T10:30 migration). A new status that holds a slot must be added to both.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-12-01T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "jobs: a partial index of unfinished jobs; the plan check counts through it"

HOLDING_A_SLOT = "('pending', 'running', 'retrying')"

INDEX = f"""
CREATE INDEX IF NOT EXISTS jobs_unfinished ON jobs (workspace)
WHERE parent IS NULL AND status IN {HOLDING_A_SLOT}
"""

COUNT = f"""
CREATE OR REPLACE FUNCTION jobs_unfinished_locked(ws uuid) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('jobs:' || ws::text));
  -- Children count as their parent; finished and paused jobs hold no slot.
  RETURN (SELECT count(*) FROM jobs WHERE workspace = ws AND parent IS NULL AND status IN {HOLDING_A_SLOT});
END
$$
"""

OLD_COUNT = """
CREATE OR REPLACE FUNCTION jobs_unfinished_once_locked(ws uuid, aside text[]) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('jobs:' || ws::text));
  RETURN (SELECT count(*) FROM jobs WHERE workspace = ws AND parent IS NULL AND NOT (status = ANY (aside)));
END
$$
"""


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="jobs", description=DESCRIPTION)

    async def create() -> None:
        if isinstance(_Raw._meta.db, PostgresEngine):
            await _Raw.raw(INDEX)
            await _Raw.raw(COUNT)
            await _Raw.raw("DROP FUNCTION IF EXISTS jobs_unfinished_once_locked(uuid, text[])")

    async def restore() -> None:
        if isinstance(_Raw._meta.db, PostgresEngine):
            await _Raw.raw(OLD_COUNT)
            await _Raw.raw("DROP FUNCTION IF EXISTS jobs_unfinished_locked(uuid)")
            await _Raw.raw("DROP INDEX IF EXISTS jobs_unfinished")

    manager.add_raw(create)
    manager.add_raw_backwards(restore)
    return manager
