"""The PostgreSQL pool releases connections without asyncpg's reset query; an open transaction still rolls back."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from backend import db
from backend.auth.tables import Workspace

pytestmark = pytest.mark.skipif(not db.is_postgres(), reason="the pool is PostgreSQL's")


async def test_a_transaction_left_open_is_rolled_back_on_release(app: Any) -> None:
    pool = db.DB.pool
    assert pool is not None
    leaked = uuid.uuid4()
    async with pool.acquire() as connection:
        await connection.execute("BEGIN")
        await connection.execute(
            "INSERT INTO workspaces (id, name, is_personal, created_at) VALUES ($1, 'left open', false, now())", leaked
        )
    assert not await Workspace.exists().where(Workspace.id == leaked)
    # Every connection of the pool is idle, none still "idle in transaction".
    for _ in range(pool.get_size()):
        async with pool.acquire() as connection:
            assert not connection.is_in_transaction()
    states = await db.DB.run_ddl(
        "SELECT count(*) AS open FROM pg_stat_activity WHERE datname = current_database() "
        "AND state LIKE 'idle in transaction%'"
    )
    assert states[0]["open"] == 0


async def test_a_transaction_through_the_app_commits_as_before(app: Any) -> None:
    kept = uuid.uuid4()
    async with db.transaction():
        await Workspace.insert(Workspace(id=kept, name="kept"))
    assert await Workspace.exists().where(Workspace.id == kept)
