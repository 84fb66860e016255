"""Collect: projects and collections (create, list, read, edit, delete).

`COLLECT_CONTROLLERS` is what the app wires, with the crawl and review parts' controllers.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from litestar.types import ControllerRouterHandler

from backend.collect import service
from backend.collect.schemas import (
    CollectionIn,
    CollectionOut,
    CollectionStatusName,
    CollectionUpdate,
    ProjectIn,
    ProjectOut,
    ProjectUpdate,
)
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page


class ProjectController(Controller):
    path = "/projects"
    tags = ["collect"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_project(self, request: AuthRequest, data: JSONBody[ProjectIn]) -> ProjectOut:
        """A project groups collections (e.g. one dataset or one client)."""
        return await service.create_project(request.user.workspace_id, data, request.user.user_id)

    @get("/")
    async def list_projects(
        self, request: AuthRequest, limit: Limit = DEFAULT_PAGE_SIZE, offset: Offset = 0
    ) -> Page[ProjectOut]:
        """Newest first, each with how many collections it holds."""
        return await service.list_projects(request.user.workspace_id, limit=limit, offset=offset)

    @get("/{project_id:uuid}")
    async def get_project(self, request: AuthRequest, project_id: FromPath[uuid.UUID]) -> ProjectOut:
        return await service.get_project(request.user.workspace_id, project_id)

    @patch("/{project_id:uuid}")
    async def update_project(
        self, request: AuthRequest, project_id: FromPath[uuid.UUID], data: JSONBody[ProjectUpdate]
    ) -> ProjectOut:
        return await service.update_project(request.user.workspace_id, project_id, data)

    @delete("/{project_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_project(self, request: AuthRequest, project_id: FromPath[uuid.UUID]) -> None:
        """The project with its collections and their images (409 while one of them is running)."""
        await service.delete_project(request.user.workspace_id, project_id)


class CollectionController(Controller):
    path = "/collections"
    tags = ["collect"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_collection(self, request: AuthRequest, data: JSONBody[CollectionIn]) -> CollectionOut:
        """A draft collection: keywords, sources, the account that crawls, the maximum kept and how images
        are judged. Nothing is crawled until it is started."""
        return await service.create_collection(request.user.workspace_id, data, request.user.user_id)

    @get("/")
    async def list_collections(
        self,
        request: AuthRequest,
        project_id: Annotated[uuid.UUID | None, QueryParameter(description="Only this project's")] = None,
        status: Annotated[CollectionStatusName | None, QueryParameter()] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[CollectionOut]:
        """Newest first."""
        return await service.list_collections(
            request.user.workspace_id, project_id=project_id, status=status, limit=limit, offset=offset
        )

    @get("/{collection_id:uuid}")
    async def get_collection(self, request: AuthRequest, collection_id: FromPath[uuid.UUID]) -> CollectionOut:
        return await service.get_collection(request.user.workspace_id, collection_id)

    @patch("/{collection_id:uuid}")
    async def update_collection(
        self, request: AuthRequest, collection_id: FromPath[uuid.UUID], data: JSONBody[CollectionUpdate]
    ) -> CollectionOut:
        """Only the fields sent change; keywords, sources, account and chunk size only in a draft (409 after)."""
        return await service.update_collection(request.user.workspace_id, collection_id, data)

    @delete("/{collection_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_collection(self, request: AuthRequest, collection_id: FromPath[uuid.UUID]) -> None:
        """The collection with its chunks and images (409 while it is running)."""
        await service.delete_collection(request.user.workspace_id, collection_id)


COLLECT_CONTROLLERS: list[ControllerRouterHandler] = [ProjectController, CollectionController]
