"""A job's `job.started` event, held back a moment so that it travels with the job's next event.

Most jobs finish (or report their first item) within a few milliseconds: sending `job.started` on its own
costs every such job one more Redis round trip that a subscriber cannot tell apart from the next event's.
So the event waits up to `GRACE_SECONDS`: whatever the job sends first takes it along, in order, in the
same round trip; a job that sends nothing by then has it sent on its own, so a long job still says at once
that it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable
from typing import TypeVar

from redis.asyncio import Redis

from backend.jobs import events
from backend.jobs.schemas import JobEvent

GRACE_SECONDS = 0.05
T = TypeVar("T")


class HeldStart:
    """The `job.started` event of one run, until it is sent with (or before) the run's next event."""

    __slots__ = ("_redis", "_sending", "_timer", "_waiting", "_workspace_id")

    def __init__(self, redis: Redis, workspace_id: uuid.UUID, event: JobEvent) -> None:
        self._redis = redis
        self._workspace_id = workspace_id
        self._waiting: list[JobEvent] = [event]
        self._sending: asyncio.Future[str] | None = None
        self._timer = asyncio.get_running_loop().call_later(GRACE_SECONDS, self._send_alone)

    def _send_alone(self) -> None:
        if self._waiting:
            waiting, self._waiting = self._waiting, []
            self._sending = asyncio.ensure_future(events.publish(self._redis, self._workspace_id, *waiting))

    async def take(self) -> list[JobEvent]:
        """The events to put before the caller's own in its round trip (none once sent); if they are being
        sent on their own just now, that send is awaited first, so the stream keeps their order."""
        self._timer.cancel()
        if self._sending is not None:
            sending, self._sending = self._sending, None
            await sending
        waiting, self._waiting = self._waiting, []
        return waiting

    async def send(self) -> None:
        """Send what is still held, alone (a run ending another way than with an event of its own)."""
        if waiting := await self.take():
            await events.publish(self._redis, self._workspace_id, *waiting)

    async def around(self, handling: Awaitable[T], lost: tuple[type[BaseException], ...]) -> T:
        """The handler's result; a run ending in an exception sends what is held first (unless Redis is what
        failed (`lost`), or the run is being cancelled), so the stream still says it started before how it ended."""
        try:
            return await handling
        except BaseException as exc:
            if isinstance(exc, (asyncio.CancelledError, *lost)):
                self.drop()
            else:
                with contextlib.suppress(*lost):  # already handling a failure: Redis being away must not hide it
                    await self.send()
            raise

    def drop(self) -> None:
        """The run is being torn down (cancelled): nothing more is sent; a send under way finishes alone."""
        self._timer.cancel()
        self._waiting = []
        if self._sending is not None:
            # Its outcome no longer matters to anyone; retrieve it so it is not reported as never retrieved.
            self._sending.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._sending = None
