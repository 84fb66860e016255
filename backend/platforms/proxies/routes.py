"""Proxies: CRUD, bulk import, health checks."""

from __future__ import annotations

import uuid
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs.schemas import JobOut
from backend.platforms.proxies import service
from backend.platforms.proxies.schemas import ProxyCreate, ProxyUpdate
from backend.platforms.schemas import ImportReport, ProxyKind, ProxyOut, ProxyStatus
from backend.platforms.uploads import IMPORT_BODY_LIMIT, IMPORT_DOC, import_rows


class ProxyController(Controller):
    path = "/proxies"
    tags = ["platforms"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_proxy(self, request: AuthRequest, data: JSONBody[ProxyCreate]) -> ProxyOut:
        """Add a proxy from host and port (and optional credentials) or one `url`; the same host and port twice
        is 409. Credentials are stored encrypted and never shown again."""
        return await service.create_proxy(request.user.workspace_id, data)

    @post(
        "/import",
        status_code=HTTP_200_OK,
        request_max_body_size=IMPORT_BODY_LIMIT,
        description="Columns: label, kind, scheme, host, port, username, password, or url "
        "(http://user:pass@host:port, host:port or host:port:user:pass)." + IMPORT_DOC,
    )
    async def import_proxies(self, request: AuthRequest) -> ImportReport:
        """Import proxies from CSV or JSON."""
        rows = await import_rows(request, service.PROXY_COLUMNS)
        return await service.import_proxies(request.user.workspace_id, rows)

    @post("/health-check", status_code=HTTP_202_ACCEPTED)
    async def check_all(self, request: AuthRequest, redis: NamedDependency[ArqRedis]) -> JobOut:
        """Check every proxy of the workspace: a job with one item per proxy (follow GET /jobs/{id}/events)."""
        return await service.start_health_check(redis, request.user.workspace_id, request.user.user_id)

    @get("/")
    async def list_proxies(
        self,
        request: AuthRequest,
        kind: Annotated[ProxyKind | None, QueryParameter()] = None,
        status: Annotated[ProxyStatus | None, QueryParameter()] = None,
        q: Annotated[str | None, QueryParameter(max_length=200, description="Text in label or host")] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[ProxyOut]:
        return await service.list_proxies(
            request.user.workspace_id, kind=kind, status=status, search=q, limit=limit, offset=offset
        )

    @get("/{proxy_id:uuid}")
    async def get_proxy(self, request: AuthRequest, proxy_id: FromPath[uuid.UUID]) -> ProxyOut:
        return await service.get_proxy(request.user.workspace_id, proxy_id)

    @patch("/{proxy_id:uuid}")
    async def update_proxy(
        self, request: AuthRequest, proxy_id: FromPath[uuid.UUID], data: JSONBody[ProxyUpdate]
    ) -> ProxyOut:
        """Edit a proxy; changing where it points resets its health to unchecked."""
        return await service.update_proxy(request.user.workspace_id, proxy_id, data)

    @delete("/{proxy_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_proxy(self, request: AuthRequest, proxy_id: FromPath[uuid.UUID]) -> None:
        """Delete a proxy; accounts that used it go on without one."""
        await service.delete_proxy(request.user.workspace_id, proxy_id)

    @post("/{proxy_id:uuid}/health-check", status_code=HTTP_202_ACCEPTED)
    async def check_one(
        self, request: AuthRequest, proxy_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Check one proxy in a job: fetches the check URL through it, stores status, latency and error."""
        return await service.start_health_check(redis, request.user.workspace_id, request.user.user_id, proxy_id)
