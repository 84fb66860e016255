"""The superuser console: users, workspaces and their plan overrides, jobs across workspaces, accounts
needing attention, Stripe events not handled, workers and the queue.

It reads and changes other domains only through their services, and every call
that shows a tenant's data or changes anything writes an `admin.*` audit row
(the target's workspace when there is one, else a deployment-wide row). The
system status (heartbeats, queue depth) is polled and shows no tenant's data:
it is not audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from arq.connections import ArqRedis
from redis.asyncio import Redis

from backend.admin.schemas import AdminWorkspaceOut
from backend.audit import service as audit
from backend.audit.schemas import AuditEntryOut, DetailValue
from backend.auth import service as auth
from backend.auth.schemas import UserDetailOut, UserSummaryOut, WorkspaceSummaryOut
from backend.billing import service as billing
from backend.billing.schemas import BillingEventOut, PlanOverrideCreate, PlanOverrideOut
from backend.core.actor import Actor
from backend.core.errors import Conflict, NotFound
from backend.core.schemas import Page
from backend.jobs import service as jobs
from backend.jobs.schemas import JobFailureGroupOut, JobOut, JobQueueOut, JobStatusName
from backend.platforms import service as platforms
from backend.platforms.schemas import AttentionAccountOut

MEMBERS_SHOWN = 100


async def _audit(
    actor: Actor,
    action: str,
    *,
    workspace_id: uuid.UUID | None = None,
    target: str = "",
    details: Mapping[str, DetailValue] | None = None,
) -> None:
    await audit.record(
        f"admin.{action}",
        workspace_id=workspace_id,
        actor_id=actor.user_id,
        actor_email=actor.email,
        target=target,
        details=details,
        ip=actor.ip,
    )


# --- users -------------------------------------------------------------------------------------------


async def search_users(
    actor: Actor, search: str | None, active: bool | None, limit: int, offset: int
) -> Page[UserSummaryOut]:
    page = await auth.search_users(search, active, limit, offset)
    await _audit(actor, "users_searched", details={"search": search, "active": active, "found": page.total})
    return page


async def get_user(actor: Actor, user_id: uuid.UUID) -> UserDetailOut:
    detail = await auth.user_detail(user_id)
    await _audit(actor, "user_viewed", target=f"user:{user_id}", details={"email": detail.user.email})
    return detail


async def set_user_active(actor: Actor, redis: Redis, user_id: uuid.UUID, active: bool) -> UserDetailOut:
    """Disable (every session ends at once) or enable an account; a superuser cannot disable themselves."""
    if not active and user_id == actor.user_id:
        raise Conflict("You cannot disable your own account")
    detail = await auth.set_user_active(redis, user_id, active)
    await _audit(
        actor,
        "user_enabled" if active else "user_disabled",
        target=f"user:{user_id}",
        details={"email": detail.user.email},
    )
    return detail


# --- workspaces and overrides ------------------------------------------------------------------------


async def search_workspaces(actor: Actor, search: str | None, limit: int, offset: int) -> Page[WorkspaceSummaryOut]:
    page = await auth.search_workspaces(search, limit, offset)
    await _audit(actor, "workspaces_searched", details={"search": search, "found": page.total})
    return page


async def get_workspace(actor: Actor, workspace_id: uuid.UUID) -> AdminWorkspaceOut:
    summary = await auth.workspace_summary(workspace_id)
    out = AdminWorkspaceOut(
        workspace=summary,
        members=await auth.members_page(workspace_id, MEMBERS_SHOWN, 0),
        billing=await billing.get_billing(workspace_id),
        overrides=await billing.list_overrides(workspace_id),
    )
    await _audit(actor, "workspace_viewed", workspace_id=workspace_id, target=f"workspace:{workspace_id}")
    return out


async def list_overrides(actor: Actor, workspace_id: uuid.UUID) -> list[PlanOverrideOut]:
    await auth.workspace_summary(workspace_id)  # 404 for a workspace that does not exist
    overrides = await billing.list_overrides(workspace_id)
    await _audit(actor, "overrides_viewed", workspace_id=workspace_id, target=f"workspace:{workspace_id}")
    return overrides


async def set_override(actor: Actor, workspace_id: uuid.UUID, data: PlanOverrideCreate) -> PlanOverrideOut:
    """Put the workspace on another plan, or change one limit, until the expiry; applies at once."""
    await auth.workspace_summary(workspace_id)
    override = await billing.set_override(workspace_id, data, created_by=actor.user_id, created_by_email=actor.email)
    await billing.apply_plan_limits(workspace_id)
    await _audit(
        actor,
        "override_set",
        workspace_id=workspace_id,
        target=f"override:{override.id}",
        details={
            "plan": override.plan,
            "resource": override.resource,
            "limit": override.limit,
            "expires_at": override.expires_at.isoformat(),
            "reason": override.reason,
        },
    )
    return override


async def remove_override(actor: Actor, workspace_id: uuid.UUID, override_id: uuid.UUID) -> None:
    removed = await billing.remove_override(workspace_id, override_id)
    await billing.apply_plan_limits(workspace_id)
    await _audit(
        actor,
        "override_removed",
        workspace_id=workspace_id,
        target=f"override:{override_id}",
        details={"plan": removed.plan, "resource": removed.resource, "limit": removed.limit},
    )


# --- jobs, accounts, billing events, system ---------------------------------------------------------


async def list_jobs(
    actor: Actor,
    *,
    kind: str | None,
    status: JobStatusName | None,
    workspace_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> Page[JobOut]:
    page = await jobs.list_all_jobs(kind=kind, status=status, workspace_id=workspace_id, limit=limit, offset=offset)
    await _audit(
        actor,
        "jobs_listed",
        workspace_id=workspace_id,
        details={"kind": kind, "status": status, "found": page.total},
    )
    return page


async def job_failures(actor: Actor, kind: str | None) -> list[JobFailureGroupOut]:
    groups = await jobs.failure_groups(kind)
    await _audit(actor, "job_failures_viewed", details={"kind": kind})
    return groups


async def retry_job(actor: Actor, redis: ArqRedis, job_id: uuid.UUID) -> JobOut:
    """Retry a failed job of any workspace, through that workspace (its plan's concurrent jobs apply)."""
    workspace_id = await jobs.job_workspace(job_id)
    if workspace_id is None:
        raise NotFound("Job not found")
    retried = await jobs.retry_job(redis, workspace_id, job_id)
    await _audit(
        actor, "job_retried", workspace_id=workspace_id, target=f"job:{job_id}", details={"kind": retried.kind}
    )
    return retried


async def accounts_needing_attention(actor: Actor, limit: int, offset: int) -> Page[AttentionAccountOut]:
    page = await platforms.accounts_needing_attention(limit, offset)
    await _audit(actor, "accounts_attention_viewed", details={"found": page.total})
    return page


async def billing_events(actor: Actor, unhandled: bool, limit: int, offset: int) -> Page[BillingEventOut]:
    page = await billing.list_events(unhandled=unhandled, limit=limit, offset=offset)
    await _audit(actor, "billing_events_viewed", details={"unhandled": unhandled, "found": page.total})
    return page


async def system(redis: Redis) -> JobQueueOut:
    """Workers' heartbeats, arq's queue depth and the waiting jobs by kind (not audited: a health poll)."""
    return await jobs.queue(redis)


async def audit_log(
    actor: Actor,
    *,
    workspace_id: uuid.UUID | None,
    action: str | None,
    actor_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> Page[AuditEntryOut]:
    """The whole deployment's audit log (or one workspace's), newest first."""
    page = await audit.list_all_entries(
        workspace_id=workspace_id,
        action=action,
        actor_id=actor_id,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    await _audit(actor, "audit_viewed", workspace_id=workspace_id, details={"action": action})
    return page
