"""Checking an account's login as a job, and resuming an account once a person has fixed it.

The session opens the account (limiter lease, status, login, challenge → needs
attention) and `account_job` turns what got in the way into the job's outcome.
"""

from __future__ import annotations

import uuid

from backend.jobs import service as jobs_service
from backend.jobs.service import JobRun
from backend.platforms.drivers.base import LoginRequired
from backend.platforms.runtime import identity as identities
from backend.platforms.runtime.actions import read
from backend.platforms.runtime.outcomes import account_job
from backend.platforms.runtime.sessions import open_account


async def check_login(run: JobRun, account_id: uuid.UUID) -> dict[str, object]:
    """Log in (or confirm the stored session); a challenge or refused login fails the job with the reason."""
    await run.set_total(1)
    async with (
        account_job(run, "login", pause_on_attention=False),
        open_account(run.redis, run.workspace_id, account_id, allow_attention=True) as session,
    ):
        if not await read(session.driver.check_session, "checking the session"):
            raise LoginRequired(f"{session.username} is not logged in after signing in")
    await run.record_item("login", result={"logged_in": True})
    return {"account_id": str(account_id), "logged_in": True}


async def resume_account(run: JobRun, account_id: uuid.UUID) -> dict[str, object]:
    """Re-check the session; when it works, the account is active again and its paused work continues."""
    result = await check_login(run, account_id)
    await identities.set_status(run.workspace_id, account_id, "active")
    resumed = await jobs_service.resume_account_jobs(run.redis, run.workspace_id, account_id)
    return {**result, "resumed_jobs": resumed}
