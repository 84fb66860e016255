"""Job handlers of campaign posting: the campaign's run and each post's publishing (thin: see `runner`)."""

from __future__ import annotations

from typing import Any

from backend.campaigns.posting import posts, runner
from backend.jobs.service import JobRun


async def run_campaign(run: JobRun) -> Any:
    return await runner.run_campaign(run)


async def publish_post(run: JobRun) -> Any:
    return await runner.publish_post(run)


JOB_HANDLERS: dict[str, Any] = {posts.RUN_KIND: run_campaign, posts.POST_KIND: publish_post}
