"""Tenancy in one place: every query of a tenant table goes through `backend.core.scoped`."""

from __future__ import annotations

import ast
import re
import uuid
from pathlib import Path

import httpx
import pytest

from backend.core.errors import NotFound
from backend.core.scoped import scoped
from backend.listings.tables import Listing
from tests.helpers import register

BACKEND = Path(__file__).resolve().parents[2] / "backend"
SCOPED_MODULE = BACKEND / "core" / "scoped.py"
QUERY_METHODS = {"select", "objects", "count", "exists", "update", "delete", "raw"}


def _sources() -> list[Path]:
    # The sandbox marketplace is another program with its own database.
    return [p for p in sorted(BACKEND.rglob("*.py")) if p != SCOPED_MODULE and "sandbox" not in p.parts]


def _tenant_tables() -> set[str]:
    """Tables with a `workspace = ForeignKey(...)` column, found in every domain's tables modules."""
    names = set()
    for path in BACKEND.rglob("tables.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "workspace" for t in statement.targets)
                        and "ForeignKey" in ast.unparse(statement.value)
                    ):
                        names.add(node.name)
    return names


def test_the_tenant_tables_are_found() -> None:
    # Guards the scan below: if it found no tables it would pass for nothing.
    assert {"Listing", "Job", "MediaFile", "PlatformAccount", "Proxy", "Membership", "Subscription"} <= _tenant_tables()


def test_every_tenant_table_query_goes_through_the_scoped_helper() -> None:
    tables = _tenant_tables()
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in QUERY_METHODS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in tables
            ):
                found.append(f"{path.relative_to(BACKEND.parent)}:{node.lineno} {ast.unparse(node.func)}(…)")
    assert not found, (
        "Use scoped(Table, workspace_id) — or across_workspaces(Table) with a comment saying why:\n" + "\n".join(found)
    )


def test_no_hand_written_workspace_filter() -> None:
    pattern = re.compile(r"\.workspace\s*(==|!=)|\.workspace\.is_in\(")
    found = [
        f"{path.relative_to(BACKEND.parent)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "The workspace filter is written only in backend/core/scoped.py:\n" + "\n".join(found)


async def _listing(workspace_id: uuid.UUID, title: str) -> uuid.UUID:
    row = Listing(workspace=workspace_id, title=title)
    await row.save()
    return uuid.UUID(str(row.id))


async def test_a_scope_sees_changes_and_removes_only_its_own_workspace_rows(client: httpx.AsyncClient) -> None:
    mine = uuid.UUID((await register(client)).workspace_id)
    theirs = uuid.UUID((await register(client)).workspace_id)
    my_id = await _listing(mine, "Mine")
    their_id = await _listing(theirs, "Theirs")
    scope = scoped(Listing, mine)

    assert [r["title"] for r in await scope.select(Listing.title)] == ["Mine"]
    assert await scope.count() == 1
    assert (await scope.get(my_id, missing="Listing not found"))["title"] == "Mine"
    with pytest.raises(NotFound, match="Listing not found"):
        await scope.get(their_id, missing="Listing not found")

    await scope.update({Listing.title: "Renamed"})
    await scope.delete().where(Listing.id == their_id)  # another workspace's id: nothing happens
    rows = await scope.raw("SELECT title FROM listings WHERE workspace = {workspace} AND title = {}", "Renamed")
    assert [r["title"] for r in rows] == ["Renamed"]
    assert (await scoped(Listing, theirs).get(their_id, missing="gone"))["title"] == "Theirs"

    await scope.delete()
    assert await scope.count() == 0
    assert await scoped(Listing, theirs).count() == 1
