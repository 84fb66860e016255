"""Workspace-scoped queries: the one place a tenant table is filtered by its workspace.

Every select, count, exists, update, delete and raw query of a table with a
`workspace` column goes through `scoped(Table, workspace_id)`, so no query can
forget the tenant, and a row of another workspace is simply not found (a 404,
never a 403 that confirms it exists). Work that is not one workspace's (the
worker loading a job by id, a webhook finding a subscription by its Stripe
customer, metrics over all jobs) says so with `across_workspaces(Table)`.
`tests/core/test_scoped.py` fails on any other query of a tenant table.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Generic, TypeVar

from piccolo.columns import Column
from piccolo.query import Count, Delete, Exists, Objects, Select, Update
from piccolo.query.methods.raw import Raw
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
