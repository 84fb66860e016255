"""Posting a campaign: the plan preview, start, pause, resume, cancel, retry and moving a post.

Status moves: draft → scheduled (first post still ahead) or running → paused ⇄ running →
completed (every post ended) | cancelled. Each change is conditional on the status it
starts from, so two requests cannot both win; a move that does not apply is a 409
with the reason. Each post is one child job of the campaign's `campaign.run` job
(`posting.runner`); those jobs wait for their post's time and publish through the
platforms facade.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from arq.connections import ArqRedis

from backend.campaigns import service as core
from backend.campaigns.posting import checks, plan, posts
from backend.campaigns.posting.plan import PlanPost, Slot
from backend.campaigns.schemas import (
    AssignmentOut,
    CampaignOut,
    CampaignPlanOut,
    CampaignPlanProblem,
    MoveIn,
    PostOut,
    RetryOut,
)
from backend.campaigns.tables import CampaignPost, CampaignStatus, ContentState, PostStatus, Strategy
from backend.core import clock
from backend.core.errors import Conflict, InvalidInput
from backend.jobs import service as jobs

S = CampaignStatus
# A post moved to a time this little in the past is moved to now (the request took a moment).
MOVE_GRACE = timedelta(minutes=5)
# Posts this far back still count towards today's cap (a local day is at most 26 hours after UTC midnight).
CAP_LOOKBACK = timedelta(days=2)


async def _planned(workspace_id: uuid.UUID, campaign: dict[str, Any], seed: int | None) -> tuple[list[Slot], int]:
    """What `start` would do now: the slots of the ready draft posts, and how many accounts matched."""
    plan.check_strategy(campaign["strategy"])
    core.check_schedule(core.schedule_of(campaign))
    accounts = await posts.matching_accounts(workspace_id, campaign)
    ready = await posts.rows(
        workspace_id,
        campaign["id"],
        CampaignPost.status == PostStatus.draft.value,
        CampaignPost.content_state == ContentState.ready.value,
    )
    if not ready and await posts.rows(workspace_id, campaign["id"], CampaignPost.status == PostStatus.scheduled.value):
        return [], len(accounts)  # only posts imported with their account and time
    now = clock.utcnow()
    recent = None
    if campaign["strategy"] == Strategy.least_used.value:
        recent = await posts.posted_since(workspace_id, now - timedelta(hours=24))
    slots = plan.make_plan(
        [PlanPost(row["id"], row["position"]) for row in ready],
        accounts,
        campaign["strategy"],
        core.schedule_of(campaign),
        now,
        seed=seed,
        recent=recent,
        taken=await posts.taken_per_day(workspace_id, campaign["timezone"], now - CAP_LOOKBACK),
    )
    return slots, len(accounts)


async def preview(workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> CampaignPlanOut:
    """Who would post what and when if the campaign started now; changes nothing.

    The `random` strategy's preview uses the recorded seed if there is one, else a fresh one
    (shown as `seed`; the start draws its own).
    """
    campaign = await core.campaign_row(workspace_id, campaign_id)
    seed = campaign["strategy_seed"]
    if campaign["strategy"] == Strategy.random.value and seed is None:
        seed = plan.new_seed()
    slots, matched = await _planned(workspace_id, campaign, seed)
    ready = {row["id"]: row for row in await posts.rows(workspace_id, campaign_id)}
    labels = await core.account_labels(workspace_id, (slot.account_id for slot in slots))
    platforms_of = {a.id: a.platform for a in await posts.matching_accounts(workspace_id, campaign)}
    per_account: dict[str, int] = {}
    for slot in slots:
        per_account[str(slot.account_id)] = per_account.get(str(slot.account_id), 0) + 1
    problems = await _problems(workspace_id, campaign_id, slots, platforms_of)
    return CampaignPlanOut(
        strategy=campaign["strategy"],
        seed=seed if campaign["strategy"] == Strategy.random.value else None,
        accounts_matched=matched,
        assignments=[
            AssignmentOut(
                post_id=slot.post_id,
                position=ready[slot.post_id]["position"],
                caption=ready[slot.post_id]["caption"],
                account_id=slot.account_id,
                account_label=labels.get(slot.account_id, ""),
                platform=platforms_of.get(slot.account_id, ""),
                scheduled_at=slot.at,
            )
            for slot in slots
        ],
        per_account=per_account,
        last_post_at=max((slot.at for slot in slots), default=None),
        problems=problems,
    )


async def _problems(
    workspace_id: uuid.UUID, campaign_id: uuid.UUID, slots: Sequence[Slot], platforms_of: dict[uuid.UUID, str]
) -> list[CampaignPlanProblem]:
    """What the platforms would refuse of the planned posts and of those imported with their account."""
    by_id = {row["id"]: row for row in await posts.rows(workspace_id, campaign_id)}
    assigned = [(by_id[slot.post_id], platforms_of.get(slot.account_id, "")) for slot in slots]
    assigned += [(row, row["platform"]) for row in by_id.values() if row["status"] == PostStatus.scheduled.value]
    return await checks.problems(workspace_id, assigned)


async def start(redis: ArqRedis, workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> CampaignOut:
    """Assign and schedule the ready draft posts, record the seed, and start the campaign's run job.

    Dropped posts and posts whose writing failed are left out; posts imported with an account
    and a time keep them. 400 naming the field when there is nothing to post or nobody to post it.
    """
    campaign = await core.campaign_row(workspace_id, campaign_id)
    if campaign["status"] != S.draft.value:
        raise Conflict(f"Only a draft campaign can be started; this one is {campaign['status']}")
    seed = plan.new_seed() if campaign["strategy"] == Strategy.random.value else None
    slots, _ = await _planned(workspace_id, campaign, seed)
    accounts = {a.id: a for a in await posts.matching_accounts(workspace_id, campaign)}
    platforms_of = {account_id: account.platform for account_id, account in accounts.items()}
    checks.refuse(await _problems(workspace_id, campaign_id, slots, platforms_of))
    now = clock.utcnow()
    imported = await posts.rows(workspace_id, campaign_id, CampaignPost.status == PostStatus.scheduled.value)
    first = min([slot.at for slot in slots] + [row["scheduled_at"] for row in imported])
    status = S.scheduled if first > now else S.running
    if not await posts.move_status(workspace_id, campaign_id, [S.draft], status):
        raise Conflict("The campaign was started meanwhile")
    await posts.set_campaign(workspace_id, campaign_id, strategy_seed=seed, started_at=now)
    for slot in slots:
        await posts.update(
            workspace_id,
            [slot.post_id],
            CampaignPost.status == PostStatus.draft.value,
            status=PostStatus.scheduled.value,
            account_id=slot.account_id,
            platform=accounts[slot.account_id].platform,
            scheduled_at=slot.at,
            error="",
        )
    try:
        job = await jobs.enqueue(
            redis, workspace_id, posts.RUN_KIND, {"campaign_id": str(campaign_id)}, idempotency_key=f"run:{campaign_id}"
        )
    except Exception:
        # Nothing would run without its job (e.g. the plan's concurrent jobs are all taken): a draft again.
        unplanned = {"status": PostStatus.draft.value, "account_id": None, "platform": "", "scheduled_at": None}
        await posts.update(workspace_id, [slot.post_id for slot in slots], **unplanned)
        await posts.set_campaign(workspace_id, campaign_id, status=S.draft.value, started_at=None, strategy_seed=None)
        raise
    await posts.set_campaign(workspace_id, campaign_id, job_id=job.id)
    return await core.get_campaign(workspace_id, campaign_id)


async def pause(redis: ArqRedis, workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> CampaignOut:
    """Hold the posts not yet published (their jobs pause); a post being published now finishes."""
    campaign = await core.campaign_row(workspace_id, campaign_id)
    if not await posts.move_status(workspace_id, campaign_id, [S.scheduled, S.running], S.paused):
        raise Conflict(f"Only a running or scheduled campaign can be paused; this one is {campaign['status']}")
    waiting = await posts.rows(workspace_id, campaign_id, CampaignPost.status == PostStatus.scheduled.value)
    await jobs.pause_jobs(redis, workspace_id, _job_ids(waiting), "The campaign is paused")
    return await core.get_campaign(workspace_id, campaign_id)


async def resume(redis: ArqRedis, workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> CampaignOut:
    """Continue a paused campaign: posts whose time passed meanwhile get new times from now (same
    order and spacing per account), and their jobs are sent to the workers again."""
    campaign = await core.campaign_row(workspace_id, campaign_id)
    if campaign["status"] != S.paused.value:
        raise Conflict(f"Only a paused campaign can be resumed; this one is {campaign['status']}")
    waiting = await posts.rows(workspace_id, campaign_id, CampaignPost.status == PostStatus.scheduled.value)
    await _reflow(workspace_id, campaign, waiting)
    if not await posts.move_status(workspace_id, campaign_id, [S.paused], S.running):
        raise Conflict("The campaign changed meanwhile; reload it")
    await jobs.resume_jobs(redis, workspace_id, _job_ids(waiting))
    return await core.get_campaign(workspace_id, campaign_id)


async def cancel(redis: ArqRedis, workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> CampaignOut:
    """Stop the campaign: posts not yet published are cancelled (kept, with their history), posted ones stay."""
    campaign = await core.campaign_row(workspace_id, campaign_id)
    if not await posts.move_status(workspace_id, campaign_id, list(core.LIVE), S.cancelled):
        raise Conflict(f"Only a started, unfinished campaign can be cancelled; this one is {campaign['status']}")
    waiting = await posts.rows(workspace_id, campaign_id, CampaignPost.status == PostStatus.scheduled.value)
    await posts.update(
        workspace_id,
        [row["id"] for row in waiting],
        CampaignPost.status == PostStatus.scheduled.value,
        status=PostStatus.cancelled.value,
    )
    if campaign["job_id"] is not None:
        with contextlib.suppress(Conflict):  # its run already ended
            await jobs.cancel_job(redis, workspace_id, campaign["job_id"])
    return await core.get_campaign(workspace_id, campaign_id)


async def retry_failed(redis: ArqRedis, workspace_id: uuid.UUID, campaign_id: uuid.UUID) -> RetryOut:
    """Schedule the failed posts again from now (spaced per account) and retry their jobs."""
    campaign = await core.campaign_row(workspace_id, campaign_id)
    failed = await posts.rows(workspace_id, campaign_id, CampaignPost.status == PostStatus.failed.value)
    return await _retry(redis, workspace_id, campaign, failed)


async def retry_post(redis: ArqRedis, workspace_id: uuid.UUID, campaign_id: uuid.UUID, post_id: uuid.UUID) -> PostOut:
    campaign = await core.campaign_row(workspace_id, campaign_id)
    row = await core.post_row(workspace_id, campaign_id, post_id)
    if row["status"] != PostStatus.failed.value:
        raise Conflict(f"Only a failed post can be retried; this one is {row['status']}")
    await _retry(redis, workspace_id, campaign, [row])
    return (await core.post_outs(workspace_id, [await core.post_row(workspace_id, campaign_id, post_id)]))[0]


async def move_post(
    redis: ArqRedis, workspace_id: uuid.UUID, campaign_id: uuid.UUID, post_id: uuid.UUID, data: MoveIn
) -> PostOut:
    """Give a scheduled post another time; its job then runs at that time."""
    row = await core.post_row(workspace_id, campaign_id, post_id)
    if row["status"] != PostStatus.scheduled.value:
        raise Conflict(f"Only a scheduled post can be moved; this one is {row['status']}")
    at = data.scheduled_at
    if at.tzinfo is None:
        raise InvalidInput("scheduled_at", "give a time zone (e.g. 2026-12-01T09:00:00Z)")
    now = clock.utcnow()
    if at < now - MOVE_GRACE:
        raise InvalidInput("scheduled_at", "is in the past; pick a time from now on")
    at = max(at, now).replace(microsecond=0)
    if not await posts.update(
        workspace_id, [post_id], CampaignPost.status == PostStatus.scheduled.value, scheduled_at=at
    ):
        raise Conflict("The post changed meanwhile (it may be posting now); reload it")
    if row["job_id"] is not None:
        # A waiting job is sent again for the new time; a paused one picks it up when resumed.
        await jobs.reschedule(redis, workspace_id, row["job_id"], at)
    return (await core.post_outs(workspace_id, [await core.post_row(workspace_id, campaign_id, post_id)]))[0]


async def _retry(
    redis: ArqRedis, workspace_id: uuid.UUID, campaign: dict[str, Any], failed: Sequence[dict[str, Any]]
) -> RetryOut:
    if not failed:
        return RetryOut(retried=0, job_ids=[])  # nothing failed (whatever the status): a plain answer, not an error
    if campaign["status"] not in (S.scheduled.value, S.running.value, S.paused.value, S.completed.value):
        raise Conflict(f"Posts of a {campaign['status']} campaign cannot be retried")
    await _reflow(workspace_id, campaign, failed, fresh=True)
    await posts.move_status(workspace_id, campaign["id"], [S.completed], S.running)
    retried: list[uuid.UUID] = []
    for job_id in _job_ids(failed):
        try:
            await jobs.retry_job(redis, workspace_id, job_id)
        except Conflict:
            continue  # its job is not failed (e.g. retried meanwhile): it runs the post as it is
        retried.append(job_id)
    run_id = campaign["job_id"]
    if retried and run_id is not None and (await jobs.get_job(workspace_id, run_id)).status == "failed":
        # The run ended when its last child did: it waits for the retried children again.
        await jobs.retry_job(redis, workspace_id, run_id)
    return RetryOut(retried=len(retried), job_ids=retried)


async def _reflow(
    workspace_id: uuid.UUID,
    campaign: dict[str, Any],
    chosen: Sequence[dict[str, Any]],
    *,
    fresh: bool = False,
) -> None:
    """New times from now for `chosen` posts, per account in their order, keeping spacing and the daily cap.

    Without `fresh`, an account's posts keep their times unless one of them is overdue.
    With it (retries), they are scheduled as new posts, made scheduled again.
    """
    now = clock.utcnow()
    schedule = core.schedule_of(campaign)
    taken = await posts.taken_per_day(workspace_id, campaign["timezone"], now - CAP_LOOKBACK)
    by_account: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in chosen:
        if row["account_id"] is not None:
            by_account.setdefault(row["account_id"], []).append(row)
    for account_id, rows in by_account.items():
        rows.sort(key=lambda row: (row["scheduled_at"] or now, row["position"]))
        times = [row["posted_at"] or row["scheduled_at"] for row in rows]
        if not fresh and all(at is not None and at >= now for at in times):
            continue
        # Failed posts (a retry) hold no place in the count; waiting ones are given theirs back to be placed again.
        left = posts.without(taken.get(account_id, {}), [] if fresh else times, campaign["timezone"])
        wanted = [None] * len(rows) if fresh else [row["scheduled_at"] for row in rows]
        for row, at in zip(rows, plan.account_slots(wanted, schedule, now, left), strict=True):
            values: dict[str, Any] = {"scheduled_at": at}
            if fresh:
                values.update(status=PostStatus.scheduled.value, error="")
            await posts.update(workspace_id, [row["id"]], **values)


def _job_ids(rows: Sequence[dict[str, Any]]) -> list[uuid.UUID]:
    return [row["job_id"] for row in rows if row["job_id"] is not None]
