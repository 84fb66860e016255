"""Account jobs: test a login, and resume an account once a person has fixed it."""

from __future__ import annotations

import uuid

from arq.connections import ArqRedis

from backend.jobs import service as jobs_service
from backend.jobs.runner import JobFailed, JobRun
from backend.jobs.schemas import JobOut
from backend.platforms import identity as identities
from backend.platforms.actions import read
from backend.platforms.sessions import NeedsAttention, open_account

TEST_LOGIN = "accounts.test_login"
RESUME = "accounts.resume"


async def start_test_login(
    redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, user_id: uuid.UUID | None
) -> JobOut:
    await identities.load_identity(workspace_id, account_id)  # 404 for another workspace's account
    return await jobs_service.enqueue(
        redis, workspace_id, TEST_LOGIN, {"account_id": str(account_id)}, created_by=user_id, max_attempts=1
    )


async def start_resume(
    redis: ArqRedis, workspace_id: uuid.UUID, account_id: uuid.UUID, user_id: uuid.UUID | None
) -> JobOut:
    await identities.load_identity(workspace_id, account_id)
    return await jobs_service.enqueue(
        redis, workspace_id, RESUME, {"account_id": str(account_id)}, created_by=user_id, max_attempts=1
    )


async def _check_login(run: JobRun) -> dict[str, object]:
    """Open the account (logging in again if needed) and confirm the session; the reason when it fails."""
    account_id = uuid.UUID(run.payload["account_id"])
    await run.set_total(1)
    try:
        async with open_account(run.redis, run.workspace_id, account_id, allow_attention=True) as session:
            logged_in = await read(session.driver.check_session, "checking the session")
            if not logged_in:
                raise NeedsAttention(f"{session.username} is not logged in after signing in")
    except NeedsAttention as exc:
        # Told to the user twice: on the account (status reason) and here, as the job's error.
        await run.record_item("login", error=str(exc))
        raise JobFailed(str(exc)) from exc
    await run.record_item("login", result={"logged_in": True})
    return {"account_id": str(account_id), "logged_in": True}


async def test_login(run: JobRun) -> dict[str, object]:
    """Log in (or confirm the stored session); a challenge fails this job with the reason."""
    return await _check_login(run)


async def resume(run: JobRun) -> dict[str, object]:
    """Re-check the session; when it works, the account is active again and its paused work continues."""
    account_id = uuid.UUID(run.payload["account_id"])
    result = await _check_login(run)
    await identities.set_status(run.workspace_id, account_id, "active")
    resumed = await jobs_service.resume_account_jobs(run.redis, run.workspace_id, account_id)
    return {**result, "resumed_jobs": resumed}
