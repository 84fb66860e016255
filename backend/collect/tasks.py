"""Job handlers of the collect domain (thin: see `crawl.runner` and `review.validation`)."""

from __future__ import annotations

from typing import Any

from backend.collect.crawl import runner
from backend.collect.review import validation
from backend.jobs.service import JobRun


async def crawl_collection(run: JobRun) -> Any:
    return await runner.crawl_collection(run)


async def crawl_chunk(run: JobRun) -> Any:
    return await runner.run_chunk(run)


async def validate_collection(run: JobRun) -> Any:
    return await validation.run_validation(run)


JOB_HANDLERS: dict[str, Any] = {
    runner.CRAWL_KIND: crawl_collection,
    runner.CHUNK_KIND: crawl_chunk,
    validation.VALIDATE_KIND: validate_collection,
}
CRON_JOBS: list[Any] = []
