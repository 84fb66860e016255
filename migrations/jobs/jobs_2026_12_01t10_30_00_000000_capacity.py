"""A job start's plan check in one statement (PostgreSQL): the workspace's lock, then its unfinished jobs counted.

`INSERT … WHERE jobs_unfinished_once_locked(workspace, aside) < limit` runs as
one statement in its own transaction. The count cannot simply sit in the
INSERT: under READ COMMITTED a statement's snapshot is taken when it starts,
before the lock is granted, so it would miss a racer's job committed while it
waited. A VOLATILE function takes a fresh snapshot for each query it runs, so
the count, run once the lock is held, sees every job committed before it was
released (at the racer's commit). The lock is the one `jobs.capacity.lock_workspace_jobs`
takes (`hashtext('jobs:<workspace id>')`), so job starts and retries queue on it together.
SQLite serialises writers on its own and does not use this.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-12-01T10:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "jobs: jobs_unfinished_once_locked(), the plan check of a job start in one statement"

CREATE = """
CREATE OR REPLACE FUNCTION jobs_unfinished_once_locked(ws uuid, aside text[]) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('jobs:' || ws::text));
  -- Children count as their parent; `aside` are the statuses that hold no slot (finished, paused).
  RETURN (SELECT count(*) FROM jobs WHERE workspace = ws AND parent IS NULL AND NOT (status = ANY (aside)));
END
$$
"""


class _Raw(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="jobs", description=DESCRIPTION)

    async def create_function() -> None:
        if isinstance(_Raw._meta.db, PostgresEngine):
            await _Raw.raw(CREATE)

    async def drop_function() -> None:
        if isinstance(_Raw._meta.db, PostgresEngine):
            await _Raw.raw("DROP FUNCTION IF EXISTS jobs_unfinished_once_locked(uuid, text[])")

    manager.add_raw(create_function)
    manager.add_raw_backwards(drop_function)
    return manager
