"""Judging one image at a validation level: the checks (collect.checks), then, at `thorough`, the AI's score.

A failed check disqualifies the image with the check's words and spends no AI call.
At `fast` and `medium` an image that passes is approved; at `thorough` it is scored
0-1 against the brief: at or above the threshold approved, below disqualified, and
pending while it has no score (the provider did not answer, or the month's AI quota
is spent). Each score takes one AI generation from the plan, once per image and
level run (a re-run after a crash is not charged twice), given back if the call fails.
Every call passes the shared AI limiter: the provider's limit over all workers, and
the workspace's own share.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio.to_thread
from redis.asyncio import Redis

from backend.ai.service import ImageInput, InvalidDraft, ProviderUnavailable, get_provider
from backend.billing import service as billing
from backend.collect import checks
from backend.collect.tables import ImageStatus
from backend.core.errors import PaymentRequired
from backend.core.quotas import Resource
from backend.jobs.service import Limit, slot
from backend.settings import get_settings


@dataclass(frozen=True)
class Verdict:
    status: ImageStatus
    reason: str
    score: float | None = None


async def inspect(data: bytes, level: checks.Level) -> checks.ImageFacts:
    """The image's facts and problems at `level` (CPU work, in a thread); no pHash when it did not decode."""
    return await anyio.to_thread.run_sync(checks.inspect, data, level)


def by_checks(problems: list[str]) -> Verdict | None:
    """Disqualified with the checks' words, or None when every check passed."""
    if problems:
        return Verdict(ImageStatus.disqualified, "; ".join(problems))
    return None


def by_score(score: float, threshold: float) -> Verdict:
    if score >= threshold:
        return Verdict(ImageStatus.approved, "", score)
    return Verdict(ImageStatus.disqualified, f"scored {score:.2f}, below the threshold {threshold:.2f}", score)


@asynccontextmanager
async def _ai_slot(redis: Redis, workspace_id: uuid.UUID, provider: str) -> AsyncIterator[None]:
    settings = get_settings().ai
    async with (
        slot(redis, f"ai:{provider}", Limit(settings.provider_max_concurrency, settings.provider_per_minute)),
        slot(redis, f"ws:{workspace_id}:ai", Limit(settings.workspace_max_concurrency)),
    ):
        yield


async def score(
    redis: Redis,
    workspace_id: uuid.UUID,
    charge_key: str,
    data: bytes,
    content_type: str,
    brief: str,
    threshold: float,
) -> Verdict:
    """The AI's verdict on an image that passed its checks; pending (with why) when it has no score."""
    try:
        await billing.check_and_consume(workspace_id, Resource.ai_generations, key=charge_key)
    except PaymentRequired as exc:
        return Verdict(ImageStatus.pending, f"Not scored: {exc.detail}")
    provider = get_provider()
    try:
        async with _ai_slot(redis, workspace_id, provider.name):
            value = await provider.score_image(ImageInput(data=data, content_type=content_type), brief)
    except (ProviderUnavailable, InvalidDraft) as exc:
        await billing.release(workspace_id, Resource.ai_generations, key=charge_key)
        return Verdict(ImageStatus.pending, f"Not scored: the AI provider did not give a score ({exc})")
    except BaseException:
        await billing.release(workspace_id, Resource.ai_generations, key=charge_key)
        raise
    return by_score(value, threshold)


async def judge(
    redis: Redis,
    workspace_id: uuid.UUID,
    charge_key: str,
    data: bytes,
    content_type: str,
    problems: list[str],
    level: str,
    brief: str,
    threshold: float,
) -> Verdict:
    """The image's status at `level`, given the problems its checks found."""
    failed = by_checks(problems)
    if failed is not None:
        return failed
    if level != "thorough":
        return Verdict(ImageStatus.approved, "")
    return await score(redis, workspace_id, charge_key, data, content_type, brief, threshold)
