"""Platform accounts: CRUD, bulk import, test-login and resume."""

from __future__ import annotations

import uuid
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from backend.core.actor import actor_of
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs.schemas import JobOut
from backend.platforms.accounts import service
from backend.platforms.accounts.schemas import AccountCreate, AccountUpdate
from backend.platforms.schemas import AccountOut, AccountStatus, ImportReport, PlatformOut
from backend.platforms.uploads import IMPORT_BODY_LIMIT, IMPORT_DOC, import_rows


class AccountController(Controller):
    path = "/accounts"
    tags = ["platforms"]

    @get("/platforms")
    async def list_platforms(self) -> list[PlatformOut]:
        """The platforms an account can be for. `driver_verified` is false for drivers not checked against the
        live site (only the sandbox's is): they may break when a platform changes its pages."""
        return service.list_platforms()

    @post("/", status_code=HTTP_201_CREATED)
    async def create_account(self, request: AuthRequest, data: JSONBody[AccountCreate]) -> AccountOut:
        """Add a platform account. Counts against the plan's account limit (402 when full); the same
        platform and login twice is 409. Password and cookies are stored encrypted and never shown again."""
        return await service.create_account(request.user.workspace_id, data)

    @post(
        "/import",
        status_code=HTTP_200_OK,
        request_max_body_size=IMPORT_BODY_LIMIT,
        description="Columns: platform, login, password, label, proxy (host:port of a proxy already added), "
        "daily_action_cap; JSON rows may also carry cookies, proxy_id and profile_id. Rows beyond the plan's "
        "account limit fail with the reason." + IMPORT_DOC,
    )
    async def import_accounts(self, request: AuthRequest) -> ImportReport:
        """Import accounts from CSV or JSON."""
        rows = await import_rows(request, service.ACCOUNT_COLUMNS)
        return await service.import_accounts(request.user.workspace_id, rows)

    @get("/")
    async def list_accounts(
        self,
        request: AuthRequest,
        platform: Annotated[str | None, QueryParameter(max_length=32)] = None,
        status: Annotated[AccountStatus | None, QueryParameter()] = None,
        q: Annotated[str | None, QueryParameter(max_length=200, description="Text in login or label")] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[AccountOut]:
        return await service.list_accounts(
            request.user.workspace_id, platform=platform, status=status, search=q, limit=limit, offset=offset
        )

    @get("/{account_id:uuid}")
    async def get_account(self, request: AuthRequest, account_id: FromPath[uuid.UUID]) -> AccountOut:
        return await service.get_account(request.user.workspace_id, account_id)

    @patch("/{account_id:uuid}")
    async def update_account(
        self, request: AuthRequest, account_id: FromPath[uuid.UUID], data: JSONBody[AccountUpdate]
    ) -> AccountOut:
        """Edit an account; `status` may be set to active or inactive (reactivating must fit the plan)."""
        return await service.update_account(request.user.workspace_id, account_id, data, actor_of(request))

    @delete("/{account_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_account(self, request: AuthRequest, account_id: FromPath[uuid.UUID]) -> None:
        await service.delete_account(request.user.workspace_id, account_id)

    @post("/{account_id:uuid}/test-login", status_code=HTTP_202_ACCEPTED)
    async def test_login(
        self, request: AuthRequest, account_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Log in through the browser (or confirm the stored session): a job. A challenge or a refused login
        fails it with the reason and marks the account needs_attention."""
        return await service.start_test_login(redis, request.user.workspace_id, account_id, request.user.user_id)

    @post("/{account_id:uuid}/resume", status_code=HTTP_202_ACCEPTED)
    async def resume(
        self, request: AuthRequest, account_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """After fixing an account (solved the challenge, new password or fresh cookies): a job re-checks the
        session; when it works the account is active again and its paused work continues."""
        return await service.start_resume(redis, request.user.workspace_id, account_id, request.user.user_id)
