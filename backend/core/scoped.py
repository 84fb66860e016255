"""Workspace-scoped queries: the one place a tenant table is filtered by its workspace.

Every select, count, exists, update, delete and raw query of a table with a
`workspace` column goes through `scoped(Table, workspace_id)`, so no query can
forget the tenant, and a row of another workspace is simply not found (a 404,
never a 403 that confirms it exists). Work that is not one workspace's (the
worker loading a job by id, a webhook finding a subscription by its Stripe
customer, metrics over all jobs) says so with `across_workspaces(Table)`.
`tests/core/test_scoped.py` fails on any other query of a tenant table.

A query on a hot path (the caller's membership on every request, a list page)
is `prepared(Table, build)`: built from the same scoped helper once, its SQL
kept, and each run only fills in the workspace id and the values.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from piccolo.columns import Column
from piccolo.query import Count, Delete, Exists, Objects, Select, Update
from piccolo.query.base import Query
from piccolo.query.methods.raw import Raw
from piccolo.querystring import QueryString
from piccolo.table import Table

from backend.core.errors import NotFound

TableT = TypeVar("TableT", bound=Table)

# `{workspace}` in a raw query's SQL marks where the workspace id goes.
_PLACEHOLDER = re.compile(r"\{workspace\}|\{\}")


class Scoped(Generic[TableT]):
    """The queries of one tenant table, limited to one workspace."""

    __slots__ = ("condition", "table", "workspace_id")

    def __init__(self, table: type[TableT], workspace_id: uuid.UUID) -> None:
        column = getattr(table, "workspace", None)
        if not isinstance(column, Column):
            raise TypeError(f"{table.__name__} has no workspace column; it is not a tenant table")
        self.table = table
        self.workspace_id = workspace_id
        self.condition = column == workspace_id

    def select(self, *columns: Any) -> Select[Any]:
        return self.table.select(*columns).where(self.condition)

    def objects(self) -> Objects[TableT]:
        return self.table.objects().where(self.condition)

    def count(self, column: Column | None = None) -> Count:
        return self.table.count(column).where(self.condition)

    def exists(self) -> Exists[Any]:
        return self.table.exists().where(self.condition)

    def update(self, values: dict[Any, Any] | None = None, **kwargs: Any) -> Update[Any]:
        return self.table.update(values, **kwargs).where(self.condition)

    def delete(self) -> Delete:
        return self.table.delete().where(self.condition)

    def raw(self, sql: str, *args: Any) -> Raw:
        """Raw SQL that must filter by `{workspace}` itself; other values are `{}` placeholders as in Piccolo."""
        if "{workspace}" not in sql:
            raise ValueError("a scoped raw query must filter by {workspace}")
        values = iter(args)
        ordered = [
            self.workspace_id if match.group() == "{workspace}" else next(values)
            for match in _PLACEHOLDER.finditer(sql)
        ]
        return self.table.raw(_PLACEHOLDER.sub("{}", sql), *ordered)

    async def get(self, row_id: uuid.UUID, *columns: Any, missing: str, load_json: bool = False) -> dict[str, Any]:
        """The row with this id in this workspace, or `NotFound(missing)` (also for another workspace's row)."""
        id_column = self.table._meta.primary_key
        query = self.select(*columns).where(id_column == row_id)
        if load_json:
            query = query.output(load_json=True)
        row: dict[str, Any] | None = await query.first()
        if row is None:
            raise NotFound(missing)
        return row


def scoped(table: type[TableT], workspace_id: uuid.UUID) -> Scoped[TableT]:
    return Scoped(table, workspace_id)


def across_workspaces(table: type[TableT]) -> type[TableT]:
    """A tenant table queried for work that belongs to no single workspace; the caller's comment says why."""
    return table


class _Slot(str):
    """Stands for a value while a prepared query is built: the workspace id (0) or the n-th value (1…).

    A `str`, so Piccolo keeps it as it is where it would convert a value (a JSON
    column dumps anything but text); the caller passes the value as stored.
    """

    position: int

    def __new__(cls, index: int) -> _Slot:
        slot = super().__new__(cls, f"<value {index}>")
        slot.position = index
        return slot


class _CompiledQuery(QueryString):
    """SQL compiled already: the engine runs it as is (in the current transaction, if any)."""

    __slots__ = ("_compiled",)

    def __init__(self, sql: str, args: list[Any], table: type[Table]) -> None:
        super().__init__("", table=table)
        self._compiled = (sql, args)

    def compile_string(self, engine_type: str = "postgres") -> tuple[str, list[Any]]:
        return self._compiled

    def __str__(self) -> str:
        return self._compiled[0]


class Prepared(Generic[TableT]):
    """A tenant query built once from `scoped(table, …)`, its SQL kept; each run fills in the values.

    Building a Piccolo query (columns, joins, conditions, then SQL text) costs
    more CPU than PostgreSQL spends running it. `build` receives the scoped
    helper and stand-ins for `arity` values, in order, and returns the query;
    it runs once per engine. With `paged`, `LIMIT` and `OFFSET` become values
    too. Rows come back as dicts of the selected columns (JSON columns as text).
    """

    __slots__ = ("arity", "build", "compiled", "paged", "table")

    def __init__(
        self, table: type[TableT], build: Callable[..., Query[Any, Any]], *, arity: int = 0, paged: bool = False
    ) -> None:
        self.table, self.build, self.arity, self.paged = table, build, arity, paged
        self.compiled: dict[str, tuple[str, list[Any]]] = {}

    def _compile(self, engine_type: str) -> tuple[str, list[Any]]:
        slots = [_Slot(i) for i in range(self.arity + 1)]
        query = self.build(Scoped(self.table, slots[0]), *slots[1:])  # type: ignore[arg-type]
        (querystring,) = query.querystrings
        sql, args = querystring.compile_string(engine_type=engine_type)
        if self.paged:
            if engine_type == "sqlite":
                sql += " LIMIT ? OFFSET ?"
            else:
                sql += f" LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}"
            args = [*args, _Slot(self.arity + 1), _Slot(self.arity + 2)]
        used = sorted(a.position for a in args if isinstance(a, _Slot))
        if 0 not in used:
            raise ValueError("a prepared tenant query must filter by the workspace")
        return sql, args

    async def rows(
        self, workspace_id: uuid.UUID, *values: Any, limit: int | None = None, offset: int | None = None
    ) -> list[dict[str, Any]]:
        if len(values) != self.arity or (limit is None) == self.paged or (offset is None) == self.paged:
            raise TypeError(f"this query takes {self.arity} values" + (", a limit and an offset" if self.paged else ""))
        engine = self.table._meta.db
        engine_type: str = engine.engine_type
        if (compiled := self.compiled.get(engine_type)) is None:
            compiled = self.compiled[engine_type] = self._compile(engine_type)
        sql, template = compiled
        given: Sequence[Any] = (workspace_id, *values, limit, offset)
        args = [given[a.position] if isinstance(a, _Slot) else a for a in template]
        response = await engine.run_querystring(_CompiledQuery(sql, args, self.table))
        return [dict(row) for row in response] if engine_type != "sqlite" else list(response)

    async def first(self, workspace_id: uuid.UUID, *values: Any) -> dict[str, Any] | None:
        rows = await self.rows(workspace_id, *values)
        return rows[0] if rows else None


def prepared(
    table: type[TableT], build: Callable[..., Query[Any, Any]], *, arity: int = 0, paged: bool = False
) -> Prepared[TableT]:
    return Prepared(table, build, arity=arity, paged=paged)
