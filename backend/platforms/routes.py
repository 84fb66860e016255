"""Platform accounts, proxies and browser profiles: CRUD, bulk import, test-login and resume, proxy checks."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from arq.connections import ArqRedis
from litestar import Controller, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from backend.core.errors import InvalidInput
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs.schemas import JobOut
from backend.platforms import imports, service, workflows
from backend.platforms.schemas import (
    AccountCreate,
    AccountOut,
    AccountStatus,
    AccountUpdate,
    FromTemplate,
    ImportReport,
    PlatformOut,
    ProfileCreate,
    ProfileOut,
    ProfileTemplateOut,
    ProfileUpdate,
    ProxyCreate,
    ProxyKind,
    ProxyOut,
    ProxyStatus,
    ProxyUpdate,
)

IMPORT_BODY_LIMIT = imports.MAX_IMPORT_BYTES + 64 * 1024

IMPORT_DOC = """

Send JSON (`Content-Type: application/json`: an array of row objects, or `{"rows": [...]}`), a CSV
body (`Content-Type: text/csv`) or a multipart form with the CSV (or .json) file in field `file`. A CSV
starts with a header row naming its columns. At most 1000 rows. The answer (200) reports each row:
`created` (with its id), `skipped` (a duplicate, already stored or earlier in the file) or `failed`, with a
reason naming the field. One bad row never stops the others."""


async def _import_rows(request: AuthRequest, columns: tuple[str, ...]) -> list[Any]:
    """The rows of an import request, whatever the way they were sent."""
    media_type = request.content_type[0].lower()
    if media_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("file", "send the file as multipart form field `file`")
        return imports.parse_upload(await upload.read(), upload.content_type or "", upload.filename or "", columns)
    return imports.parse_upload(await request.body(), media_type, "", columns)


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
        rows = await _import_rows(request, imports.ACCOUNT_COLUMNS)
        return await imports.import_accounts(request.user.workspace_id, rows)

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
        return await service.update_account(request.user.workspace_id, account_id, data)

    @delete("/{account_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_account(self, request: AuthRequest, account_id: FromPath[uuid.UUID]) -> None:
        await service.delete_account(request.user.workspace_id, account_id)

    @post("/{account_id:uuid}/test-login", status_code=HTTP_202_ACCEPTED)
    async def test_login(
        self, request: AuthRequest, account_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Log in through the browser (or confirm the stored session): a job. A challenge or a refused login
        fails it with the reason and marks the account needs_attention."""
        return await workflows.start_test_login(redis, request.user.workspace_id, account_id, request.user.user_id)

    @post("/{account_id:uuid}/resume", status_code=HTTP_202_ACCEPTED)
    async def resume(
        self, request: AuthRequest, account_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """After fixing an account (solved the challenge, new password or fresh cookies): a job re-checks the
        session; when it works the account is active again and its paused work continues."""
        return await workflows.start_resume(redis, request.user.workspace_id, account_id, request.user.user_id)


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
        rows = await _import_rows(request, imports.PROXY_COLUMNS)
        return await imports.import_proxies(request.user.workspace_id, rows)

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


class ProfileController(Controller):
    path = "/profiles"
    tags = ["platforms"]

    @get("/templates")
    async def templates(self) -> list[ProfileTemplateOut]:
        """Ready-made browser looks: chrome_windows, chrome_mac, mobile_android."""
        return service.list_templates()

    @post("/from-template/{name:str}", status_code=HTTP_201_CREATED)
    async def from_template(
        self, request: AuthRequest, name: FromPath[str], data: JSONBody[FromTemplate | None] = None
    ) -> ProfileOut:
        """Make a profile from a template; optionally override name, locale and timezone. The name defaults
        to the template's title, with a number added if taken."""
        return await service.create_from_template(request.user.workspace_id, name, data or FromTemplate())

    @post("/", status_code=HTTP_201_CREATED)
    async def create_profile(self, request: AuthRequest, data: JSONBody[ProfileCreate]) -> ProfileOut:
        return await service.create_profile(request.user.workspace_id, data)

    @get("/")
    async def list_profiles(
        self,
        request: AuthRequest,
        q: Annotated[str | None, QueryParameter(max_length=200, description="Text in the name")] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[ProfileOut]:
        return await service.list_profiles(request.user.workspace_id, search=q, limit=limit, offset=offset)

    @get("/{profile_id:uuid}")
    async def get_profile(self, request: AuthRequest, profile_id: FromPath[uuid.UUID]) -> ProfileOut:
        return await service.get_profile(request.user.workspace_id, profile_id)

    @patch("/{profile_id:uuid}")
    async def update_profile(
        self, request: AuthRequest, profile_id: FromPath[uuid.UUID], data: JSONBody[ProfileUpdate]
    ) -> ProfileOut:
        return await service.update_profile(request.user.workspace_id, profile_id, data)

    @delete("/{profile_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_profile(self, request: AuthRequest, profile_id: FromPath[uuid.UUID]) -> None:
        """Delete a profile; accounts that used it fall back to the default browser look."""
        await service.delete_profile(request.user.workspace_id, profile_id)
