"""Collect: projects and collections (create, edit, delete, list) and what the crawl and review parts
share — finding a collection of the workspace, its status changes.

This is the domain's door for other domains. Every query is scoped to the workspace;
another workspace's project, collection or image is a 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.collect.schemas import (
    CollectionIn,
    CollectionOut,
    CollectionStatusName,
    CollectionUpdate,
    ProjectIn,
    ProjectOut,
    ProjectUpdate,
)
from backend.collect.tables import Collection, CollectionStatus, Project, Source
from backend.core.clock import utcnow
from backend.core.convert import to_schema
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.fields import sent_fields
from backend.core.pagination import fetch_page
from backend.core.schemas import Page
from backend.core.scoped import scoped
from backend.media import service as media
from backend.platforms import service as platforms

PROJECT_NOT_FOUND = "Project not found"
COLLECTION_NOT_FOUND = "Collection not found"

# What each source asks of the platform's driver (names of `platforms.supports`).
SOURCE_ACTIONS: dict[str, tuple[str, ...]] = {
    Source.feed_search: ("search_images",),
    Source.more_like_this: ("search_images", "more_like_this"),
    Source.board_ideas: ("search_images", "create_board", "save_to_board", "board_ideas"),
}
# What is crawled is fixed once the crawl has started (its chunks are planned from it).
CRAWL_FIELDS = ("keywords", "sources", "account_id", "chunk_size", "warmup_pins")


def _clean(text: str, field: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput(field, "must not be blank")
    return cleaned


def _keywords(keywords: Sequence[str]) -> list[str]:
    """Trimmed, each once (case-insensitive), in the order given."""
    seen: dict[str, str] = {}
    for index, keyword in enumerate(keywords):
        cleaned = _clean(keyword, f"keywords[{index}]")
        seen.setdefault(cleaned.lower(), cleaned)
    return list(seen.values())


def _sources(sources: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(sources))


async def _check_account(workspace_id: uuid.UUID, account_id: uuid.UUID, sources: Sequence[str]) -> None:
    """The account is the workspace's and its platform can crawl every source asked for (400 otherwise)."""
    try:
        account = await platforms.get_account(workspace_id, account_id)
    except NotFound:
        raise InvalidInput("account_id", "no such platform account in this workspace") from None
    for source in sources:
        missing = [a for a in SOURCE_ACTIONS[source] if not platforms.supports(account.platform, a)]
        if missing:
            raise InvalidInput("sources", f"{account.platform} accounts cannot crawl {source} ({missing[0]})")


# --- projects -----------------------------------------------------------------------------------


async def project_row(workspace_id: uuid.UUID, project_id: uuid.UUID) -> dict[str, Any]:
    return await scoped(Project, workspace_id).get(project_id, missing=PROJECT_NOT_FOUND)


async def _collection_counts(workspace_id: uuid.UUID, project_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not project_ids:
        return {}
    rows = await (
        scoped(Collection, workspace_id)
        .select(Collection.project, Count(alias="n"))
        .where(Collection.project.is_in(list(project_ids)))
        .group_by(Collection.project)
    )
    return {uuid.UUID(str(row["project"])): int(row["n"]) for row in rows}


def _project_out(row: dict[str, Any], collections: int) -> ProjectOut:
    return to_schema(row, ProjectOut, collections=collections)


async def get_project(workspace_id: uuid.UUID, project_id: uuid.UUID) -> ProjectOut:
    row = await project_row(workspace_id, project_id)
    counts = await _collection_counts(workspace_id, [project_id])
    return _project_out(row, counts.get(project_id, 0))


async def list_projects(workspace_id: uuid.UUID, *, limit: int, offset: int) -> Page[ProjectOut]:
    """Newest first, each with how many collections it holds."""
    projects = scoped(Project, workspace_id)
    query = projects.select().order_by(Project.created_at, ascending=False).order_by(Project.id)
    page = await fetch_page(query, projects.count(), lambda row: row, limit, offset)
    counts = await _collection_counts(workspace_id, [row["id"] for row in page.items])
    items = [_project_out(row, counts.get(row["id"], 0)) for row in page.items]
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)


async def create_project(workspace_id: uuid.UUID, data: ProjectIn, created_by: uuid.UUID | None) -> ProjectOut:
    project_id = uuid.uuid4()
    await Project.insert(
        Project(
            id=project_id,
            workspace=workspace_id,
            name=_clean(data.name, "name"),
            description=data.description,
            created_by=created_by,
        )
    )
    return await get_project(workspace_id, project_id)


async def update_project(workspace_id: uuid.UUID, project_id: uuid.UUID, changes: ProjectUpdate) -> ProjectOut:
    await project_row(workspace_id, project_id)
    values: dict[Any, Any] = {}
    for name, value in sent_fields(changes).items():
        values[getattr(Project, name)] = _clean(value, name) if name == "name" else value
    if values:
        values[Project.updated_at] = utcnow()
        await scoped(Project, workspace_id).update(values).where(Project.id == project_id)
    return await get_project(workspace_id, project_id)


async def delete_project(workspace_id: uuid.UUID, project_id: uuid.UUID) -> None:
    """The project and its collections and their images (the stored files stay in media); 409 while one crawls."""
    await project_row(workspace_id, project_id)
    running = (
        await scoped(Collection, workspace_id)
        .count()
        .where((Collection.project == project_id) & (Collection.status == CollectionStatus.running.value))
    )
    if running:
        raise Conflict("A collection of the project is running: stop it before deleting the project")
    await scoped(Project, workspace_id).delete().where(Project.id == project_id)


# --- collections --------------------------------------------------------------------------------


async def collection_row(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> dict[str, Any]:
    """The collection's row (JSON loaded); 404 for another workspace's."""
    return await scoped(Collection, workspace_id).get(collection_id, missing=COLLECTION_NOT_FOUND, load_json=True)


def collection_out(row: dict[str, Any]) -> CollectionOut:
    return to_schema(row, CollectionOut, project_id=row["project"])


async def get_collection(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> CollectionOut:
    return collection_out(await collection_row(workspace_id, collection_id))


async def list_collections(
    workspace_id: uuid.UUID,
    *,
    project_id: uuid.UUID | None = None,
    status: CollectionStatusName | None = None,
    limit: int,
    offset: int,
) -> Page[CollectionOut]:
    """Newest first; optionally one project's, or of one status."""
    collections = scoped(Collection, workspace_id)
    filters = [
        condition
        for condition in (
            Collection.project == project_id if project_id else None,
            Collection.status == status if status else None,
        )
        if condition is not None
    ]
    query = collections.select().order_by(Collection.created_at, ascending=False).order_by(Collection.id)
    return await fetch_page(query.output(load_json=True), collections.count(), collection_out, limit, offset, filters)


async def create_collection(workspace_id: uuid.UUID, data: CollectionIn, created_by: uuid.UUID | None) -> CollectionOut:
    try:
        await project_row(workspace_id, data.project_id)
    except NotFound:
        raise InvalidInput("project_id", "no such project in this workspace") from None
    sources = _sources(data.sources)
    await _check_account(workspace_id, data.account_id, sources)
    collection_id = uuid.uuid4()
    await Collection.insert(
        Collection(
            id=collection_id,
            workspace=workspace_id,
            project=data.project_id,
            name=_clean(data.name, "name"),
            brief=data.brief.strip(),
            keywords=_keywords(data.keywords),
            sources=sources,
            account_id=data.account_id,
            max_images=data.max_images,
            validation_level=data.validation_level,
            threshold=data.threshold,
            chunk_size=data.chunk_size,
            warmup_pins=data.warmup_pins,
            created_by=created_by,
        )
    )
    return await get_collection(workspace_id, collection_id)


async def update_collection(
    workspace_id: uuid.UUID, collection_id: uuid.UUID, changes: CollectionUpdate
) -> CollectionOut:
    """Name, brief, maximum and threshold change any time; what is crawled only in a draft (409 after).

    The validation level changes through `validate` (it re-judges the images).
    """
    row = await collection_row(workspace_id, collection_id)
    sent = sent_fields(changes)
    fixed = [name for name in CRAWL_FIELDS if name in sent]
    if fixed and row["status"] != CollectionStatus.draft.value:
        raise Conflict(f"The {fixed[0]} of a {row['status']} collection cannot change; only a draft's can")
    if "max_images" in sent and sent["max_images"] < row["kept"]:
        raise InvalidInput("max_images", f"{row['kept']} images are kept already; the maximum cannot be lower")
    values: dict[str, Any] = {}
    for name, value in sent.items():
        if name == "name":
            values["name"] = _clean(value, "name")
        elif name == "keywords":
            values["keywords"] = _keywords(value)
        elif name == "sources":
            values["sources"] = _sources(value)
        elif name == "brief":
            values["brief"] = value.strip()
        else:
            values[name] = value
    if "account_id" in values or "sources" in values:
        await _check_account(
            workspace_id, values.get("account_id", row["account_id"]), values.get("sources", row["sources"])
        )
    await update(workspace_id, collection_id, values)
    return await get_collection(workspace_id, collection_id)


async def delete_collection(workspace_id: uuid.UUID, collection_id: uuid.UUID) -> None:
    """The collection, its chunks and images (the stored files stay in media); 409 while it crawls."""
    row = await collection_row(workspace_id, collection_id)
    if row["status"] == CollectionStatus.running.value:
        raise Conflict("The collection is running: stop it before deleting it")
    await scoped(Collection, workspace_id).delete().where(Collection.id == collection_id)
    media.drop_hash_namespace(workspace_id, f"collect:{collection_id}")


async def update(workspace_id: uuid.UUID, collection_id: uuid.UUID, values: dict[str, Any], *condition: Any) -> bool:
    """Write `values` (by column name) to the collection, if `condition` holds; whether a row changed."""
    columns: dict[Any, Any] = {getattr(Collection, name): value for name, value in values.items()}
    columns[Collection.updated_at] = utcnow()
    where = Collection.id == collection_id
    for extra in condition:
        where &= extra
    rows = await scoped(Collection, workspace_id).update(columns).where(where).returning(Collection.id)
    return bool(rows)
