"""Account jobs: test a login, resume an account once a person has fixed it, and what all account jobs share."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

from arq.connections import ArqRedis

from backend.jobs import service as jobs_service
from backend.jobs.limiter import LimiterTimeout
from backend.jobs.runner import JobDeferred, JobFailed, JobPaused, JobRun, RetryableJobError
from backend.jobs.schemas import JobOut
from backend.platforms import identity as identities
from backend.platforms import service
from backend.platforms.actions import read
from backend.platforms.drivers.base import ActionFailed, LoginRequired, OutcomeUnknown
from backend.platforms.sessions import NeedsAttention, open_account

TEST_LOGIN = "accounts.test_login"
RESUME = "accounts.resume"


async def start_test_login(
    redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, user_id: uuid.UUID | None
) -> JobOut:
    await service.account_row(workspace_id, account_id)  # 404 for another workspace's account
    return await jobs_service.enqueue(
        redis, workspace_id, TEST_LOGIN, {"account_id": str(account_id)}, created_by=user_id, max_attempts=1
    )


async def start_resume(
    redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, user_id: uuid.UUID | None
) -> JobOut:
    await service.account_row(workspace_id, account_id)
    return await jobs_service.enqueue(
        redis, workspace_id, RESUME, {"account_id": str(account_id)}, created_by=user_id, max_attempts=1
    )


BUSY_RETRY_SECONDS = 15.0


@contextlib.asynccontextmanager
async def account_job(run: JobRun, item_key: str, pause_on_attention: bool = True) -> AsyncIterator[None]:
    """How an account job ends when the platform or the account gets in the way.

    - needs attention (challenge, expired session): the job pauses with the
      reason until the account is resumed (or fails, for a login test);
    - account busy with another job: the job runs again shortly, not counted
      as an attempt;
    - outcome still unknown after the checked retries: a later attempt, which
      checks first again;
    - the platform refused, or the account is capped or disabled: the item and
      the job fail with the reason.
    """
    try:
        yield
    except NeedsAttention as exc:
        if pause_on_attention:
            raise JobPaused(str(exc)) from exc
        # Told twice: on the account (its status reason) and here, as the job's error.
        await run.record_item(item_key, error=str(exc))
        raise JobFailed(str(exc)) from exc
    except LimiterTimeout as exc:
        raise JobDeferred(
            f"The account is busy with other work; trying again shortly ({exc})", BUSY_RETRY_SECONDS
        ) from exc
    except OutcomeUnknown as exc:
        raise RetryableJobError(str(exc)) from exc
    except ActionFailed as exc:
        await run.record_item(item_key, error=str(exc))
        raise JobFailed(str(exc)) from exc


async def test_login(run: JobRun) -> dict[str, object]:
    """Log in (or confirm the stored session); a challenge or refused login fails this job with the reason."""
    account_id = uuid.UUID(run.payload["account_id"])
    await run.set_total(1)
    async with (
        account_job(run, "login", pause_on_attention=False),
        open_account(run.redis, run.workspace_id, account_id, allow_attention=True) as session,
    ):
        if not await read(session.driver.check_session, "checking the session"):
            raise LoginRequired(f"{session.username} is not logged in after signing in")
    await run.record_item("login", result={"logged_in": True})
    return {"account_id": str(account_id), "logged_in": True}


async def resume(run: JobRun) -> dict[str, object]:
    """Re-check the session; when it works, the account is active again and its paused work continues."""
    account_id = uuid.UUID(run.payload["account_id"])
    result = await test_login(run)
    await identities.set_status(run.workspace_id, account_id, "active")
    resumed = await jobs_service.resume_account_jobs(run.redis, run.workspace_id, account_id)
    return {**result, "resumed_jobs": resumed}
