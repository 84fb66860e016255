"""Database engine choice and transactions.

PostgreSQL when `DATABASE_URL` is set, otherwise an embedded SQLite file under
the data folder. Piccolo finds the engine through `backend.piccolo_conf`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from backend.settings import Settings, get_settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Sequence

    from piccolo.engine.base import Engine

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def build_engine(settings: Settings) -> Engine[Any]:
    if settings.database.url is not None:
        return PostgresEngine(config={"dsn": settings.database.url})
    settings.database.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return SQLiteEngine(path=str(settings.database.sqlite_path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)


DB: Engine[Any] = build_engine(get_settings())


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """A write transaction. Nested calls join the outer one.

    SQLite needs `IMMEDIATE` so that two writers queue on the lock instead of
    one failing with "database is locked" when it upgrades from a read.
    """
    if isinstance(DB, SQLiteEngine):
        async with DB.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with DB.transaction():
            yield


def is_postgres() -> bool:
    return isinstance(DB, PostgresEngine)


async def _release_as_is(connection: asyncpg.Connection) -> None:
    """What a connection does on its way back to the pool beyond asyncpg's rollback: nothing.

    asyncpg always rolls back a transaction left open before calling this (so
    an open transaction never leaks to the next user). Its default reset adds a
    round trip per release (`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL`) for session state this app never sets: no session-level
    advisory locks (only `pg_advisory_xact_lock`, released at commit), no
    cursors held past a query, no LISTEN, no SET.
    """


async def start() -> None:
    """Open the connection pool (PostgreSQL) or switch on WAL (SQLite)."""
    if isinstance(DB, PostgresEngine):
        settings = get_settings()
        await DB.start_connection_pool(
            min_size=settings.database.pool_min_size,
            max_size=settings.database.pool_max_size,
            reset=_release_as_is,
        )
    elif isinstance(DB, SQLiteEngine):
        # WAL lets readers go on while one connection writes; it is a property
        # of the file, so setting it once per process start is enough.
        await DB.run_ddl("PRAGMA journal_mode=WAL")


async def stop(wait_seconds: float | None = None) -> None:
    """Close the pool; after `wait_seconds`, terminate its connections instead (e.g. the server went away)."""
    if isinstance(DB, PostgresEngine) and DB.pool is not None:
        pool = DB.pool
        try:
            await asyncio.wait_for(asyncio.shield(DB.close_connection_pool()), wait_seconds)
        except TimeoutError:
            pool.terminate()
            DB.pool = None


async def copy_rows(table: str, columns: Sequence[str], records: Iterable[Sequence[Any]]) -> None:
    """Load many rows with PostgreSQL's COPY (bulk loads such as the analytics seed); PostgreSQL only."""
    if not isinstance(DB, PostgresEngine) or DB.pool is None:
        raise RuntimeError("COPY needs PostgreSQL with its pool started")
    async with DB.pool.acquire() as connection:
        await connection.copy_records_to_table(table, columns=list(columns), records=records)


async def ping() -> None:
    """Raise if the database does not answer."""
    await DB.run_ddl("SELECT 1")


def is_unique_violation(exc: BaseException) -> bool:
    """True for a unique-constraint failure on either engine."""
    return isinstance(exc, asyncpg.UniqueViolationError) or (
        isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)
    )


def is_foreign_key_violation(exc: BaseException) -> bool:
    """True when a row refers to one that does not exist, on either engine."""
    return isinstance(exc, asyncpg.ForeignKeyViolationError) or (
        isinstance(exc, sqlite3.IntegrityError) and "FOREIGN KEY" in str(exc)
    )
