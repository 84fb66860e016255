"""The accounts' jobs: test a login, and resume an account once a person has fixed it (thin: the runtime does it)."""

from __future__ import annotations

import uuid
from typing import Any

from backend.jobs.service import JobRun
from backend.platforms.accounts.service import RESUME, TEST_LOGIN
from backend.platforms.runtime import login


async def test_login(run: JobRun) -> dict[str, object]:
    return await login.check_login(run, uuid.UUID(run.payload["account_id"]))


async def resume(run: JobRun) -> dict[str, object]:
    return await login.resume_account(run, uuid.UUID(run.payload["account_id"]))


JOB_HANDLERS: dict[str, Any] = {TEST_LOGIN: test_login, RESUME: resume}
