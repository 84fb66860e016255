"""Superuser-only endpoints (the `requires_superuser` guard is on the controller: every route has it)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from arq.connections import ArqRedis
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.admin import service
from backend.admin.schemas import AdminWorkspaceOut
from backend.audit.schemas import AuditEntryOut
from backend.auth.schemas import UserDetailOut, UserSummaryOut, WorkspaceSummaryOut
from backend.billing.schemas import BillingEventOut, PlanOverrideCreate, PlanOverrideOut
from backend.core.actor import actor_of
from backend.core.params import Limit, Offset
from backend.core.principal import AuthRequest, requires_superuser
from backend.core.schemas import DEFAULT_PAGE_SIZE, Page
from backend.jobs.schemas import JobFailureGroupOut, JobOut, JobQueueOut, JobStatusName
from backend.platforms.schemas import AttentionAccountOut

Search = Annotated[str | None, QueryParameter(max_length=320, description="Part of the email or name")]
KindFilter = Annotated[str | None, QueryParameter(max_length=64, description="Only this job kind")]
WorkspaceFilter = Annotated[uuid.UUID | None, QueryParameter(description="Only this workspace's")]
ActionFilter = Annotated[str | None, QueryParameter(max_length=64, description="An action or a prefix (`admin.`)")]
ActorFilter = Annotated[uuid.UUID | None, QueryParameter(description="Only this user's actions")]
Since = Annotated[datetime | None, QueryParameter(description="From this time (inclusive, with a time zone)")]
Until = Annotated[datetime | None, QueryParameter(description="Before this time (with a time zone)")]


class AdminController(Controller):
    path = "/admin"
    tags = ["admin"]
    guards = [requires_superuser]

    # --- users ---

    @get("/users")
    async def list_users(
        self,
        request: AuthRequest,
        search: Search = None,
        active: Annotated[bool | None, QueryParameter(description="Only enabled (true) or disabled (false)")] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[UserSummaryOut]:
        """Every account on this deployment, oldest first."""
        return await service.search_users(actor_of(request), search, active, limit, offset)

    @get("/users/{user_id:uuid}")
    async def get_user(self, request: AuthRequest, user_id: FromPath[uuid.UUID]) -> UserDetailOut:
        """One account: created, last sign-in, enabled or not, and its memberships."""
        return await service.get_user(actor_of(request), user_id)

    @post("/users/{user_id:uuid}/disable", status_code=HTTP_200_OK)
    async def disable_user(
        self, request: AuthRequest, user_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> UserDetailOut:
        """Disable an account: it cannot sign in, and its access and refresh tokens stop working at once."""
        return await service.set_user_active(actor_of(request), redis, user_id, active=False)

    @post("/users/{user_id:uuid}/enable", status_code=HTTP_200_OK)
    async def enable_user(
        self, request: AuthRequest, user_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> UserDetailOut:
        """Enable a disabled account again: it can sign in (its old sessions stay ended)."""
        return await service.set_user_active(actor_of(request), redis, user_id, active=True)

    # --- workspaces and plan overrides ---

    @get("/workspaces")
    async def list_workspaces(
        self,
        request: AuthRequest,
        search: Annotated[str | None, QueryParameter(max_length=320, description="Part of the name or creator")] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[WorkspaceSummaryOut]:
        """Every workspace, oldest first, with its member count."""
        return await service.search_workspaces(actor_of(request), search, limit, offset)

    @get("/workspaces/{workspace_id:uuid}")
    async def get_workspace(self, request: AuthRequest, workspace_id: FromPath[uuid.UUID]) -> AdminWorkspaceOut:
        """One workspace: members, plan, usage against its limits (overrides applied) and its overrides."""
        return await service.get_workspace(actor_of(request), workspace_id)

    @get("/workspaces/{workspace_id:uuid}/overrides")
    async def list_overrides(self, request: AuthRequest, workspace_id: FromPath[uuid.UUID]) -> list[PlanOverrideOut]:
        """The workspace's plan overrides, newest first (expired ones have `active` false)."""
        return await service.list_overrides(actor_of(request), workspace_id)

    @post("/workspaces/{workspace_id:uuid}/overrides", status_code=HTTP_201_CREATED)
    async def set_override(
        self, request: AuthRequest, workspace_id: FromPath[uuid.UUID], data: JSONBody[PlanOverrideCreate]
    ) -> PlanOverrideOut:
        """Put the workspace on a plan, or set one limit, until `expires_at`, with a reason. It applies at once
        and stops applying by itself when it expires; the newest override wins where two overlap."""
        return await service.set_override(actor_of(request), workspace_id, data)

    @delete("/workspaces/{workspace_id:uuid}/overrides/{override_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def remove_override(
        self, request: AuthRequest, workspace_id: FromPath[uuid.UUID], override_id: FromPath[uuid.UUID]
    ) -> None:
        """Remove an override: the workspace's own plan applies again at once."""
        await service.remove_override(actor_of(request), workspace_id, override_id)

    # --- jobs ---

    @get("/jobs")
    async def list_jobs(
        self,
        request: AuthRequest,
        kind: KindFilter = None,
        status: Annotated[JobStatusName | None, QueryParameter()] = None,
        workspace: WorkspaceFilter = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[JobOut]:
        """Jobs of every workspace, newest first."""
        return await service.list_jobs(
            actor_of(request), kind=kind, status=status, workspace_id=workspace, limit=limit, offset=offset
        )

    @get("/jobs/failures")
    async def job_failures(self, request: AuthRequest, kind: KindFilter = None) -> list[JobFailureGroupOut]:
        """Failed jobs counted by kind and the start of their error, most frequent first."""
        return await service.job_failures(actor_of(request), kind)

    @post("/jobs/{job_id:uuid}/retry", status_code=HTTP_200_OK)
    async def retry_job(
        self, request: AuthRequest, job_id: FromPath[uuid.UUID], redis: NamedDependency[ArqRedis]
    ) -> JobOut:
        """Retry a failed job of any workspace (within that workspace's plan)."""
        return await service.retry_job(actor_of(request), redis, job_id)

    # --- accounts, billing events, system, audit ---

    @get("/accounts/attention")
    async def accounts_needing_attention(
        self, request: AuthRequest, limit: Limit = DEFAULT_PAGE_SIZE, offset: Offset = 0
    ) -> Page[AttentionAccountOut]:
        """Platform accounts of every workspace waiting for a person (needs_attention or banned)."""
        return await service.accounts_needing_attention(actor_of(request), limit, offset)

    @get("/billing/webhook-events")
    async def billing_events(
        self,
        request: AuthRequest,
        unhandled: Annotated[bool, QueryParameter(description="Only events not handled yet")] = True,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[BillingEventOut]:
        """Stripe events received, oldest first, with attempts and the last error (never their payload)."""
        return await service.billing_events(actor_of(request), unhandled, limit, offset)

    @get("/system")
    async def system(self, redis: NamedDependency[ArqRedis]) -> JobQueueOut:
        """Workers' heartbeats, arq's queue depth and the jobs waiting by kind."""
        return await service.system(redis)

    @get("/audit")
    async def audit_log(
        self,
        request: AuthRequest,
        workspace: WorkspaceFilter = None,
        action: ActionFilter = None,
        actor: ActorFilter = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> Page[AuditEntryOut]:
        """The whole deployment's audit log (deployment-wide rows included), or one workspace's; newest first."""
        return await service.audit_log(
            actor_of(request),
            workspace_id=workspace,
            action=action,
            actor_id=actor,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
