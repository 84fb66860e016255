"""How an account job ends when the platform or the account gets in the way: pause, defer, retry or fail."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from backend.jobs.service import JobDeferred, JobFailed, JobPaused, JobRun, LimiterTimeout, RetryableJobError
from backend.platforms.drivers.base import ActionFailed, OutcomeUnknown
from backend.platforms.runtime.sessions import NeedsAttention

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
