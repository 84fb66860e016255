"""The listing kinds: bump, relist, price_drop, scheduled_publish (each one run of a rule; see `base`).

Every change goes through the platforms facade (pacing, the account's daily
cap, verify-then-retry) and spends one of the rule's daily actions first; at
the rule's cap the run stops and the rest waits for the next day's slots.
Drafts are changed through `listings.service`, so their history is kept.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import msgspec

from backend.automation.kinds.base import RuleRun, Summary
from backend.automation.rules.schemas import BumpParams, PriceDropParams, RelistParams, ScheduledPublishParams
from backend.core.clock import utcnow
from backend.core.errors import NotFound
from backend.listings import service as listings
from backend.platforms import service as platforms

CENT = Decimal("0.01")


class CapReached(Exception):
    """The rule's daily cap is spent: the run ends partial; the rest waits for tomorrow."""


async def _spend(rr: RuleRun) -> None:
    if not await rr.spend():
        raise CapReached()


async def _drafts_on_account(rr: RuleRun) -> dict[uuid.UUID, Any]:
    return {d.id: d for d in await listings.published_on_account(rr.workspace_id, rr.account_id)}


async def bump(rr: RuleRun) -> Summary:
    params = msgspec.convert(rr.params, BumpParams)
    summary = {"bumped": 0, "skipped": 0}
    if params.listing_ids:
        drafts = await _drafts_on_account(rr)
        targets: list[tuple[str, str]] = []
        for listing_id in params.listing_ids:
            draft = drafts.get(listing_id)
            if draft is None or not draft.platform_item_id:
                summary["skipped"] += 1  # not (or no longer) published on this account
                continue
            targets.append((draft.platform_item_id, draft.title))
    else:
        mine = [item for item in await platforms.my_listings(rr.session) if not item.sold]
        mine.sort(key=lambda item: item.bumped_at or item.listed_at or utcnow())
        targets = [(item.item_id, item.title) for item in mine[: params.oldest or 1]]
    try:
        for item_id, title in targets:
            key = f"bump:{item_id}"
            if key in rr.done:
                summary["bumped"] += 1
                continue
            await rr.run.check_cancelled()
            await _spend(rr)
            await platforms.bump_listing(rr.session, item_id)
            await rr.run.record_item(key, {"target": title, "action": "bumped", "item_id": item_id})
            summary["bumped"] += 1
    except CapReached:
        summary["capped"] = 1
    return summary


async def relist(rr: RuleRun) -> Summary:
    """Delete and publish again this account's drafts whose item is older than N days and not sold."""
    params = msgspec.convert(rr.params, RelistParams)
    summary = {"relisted": 0}
    cutoff = utcnow() - timedelta(days=params.older_than_days)
    live = {item.item_id: item for item in await platforms.my_listings(rr.session)}
    drafts = list((await _drafts_on_account(rr)).values())
    targets = []
    for draft in drafts:
        item = live.get(draft.platform_item_id or "")
        old_enough = item is not None and not item.sold and item.listed_at is not None and item.listed_at <= cutoff
        # A retry of this slot may find an item it deleted before a crash: relisting it again is what
        # brings back exactly one copy (the facade's relist is idempotent).
        interrupted = item is None and rr.run.attempt > 1
        if old_enough or interrupted:
            targets.append(draft)
    try:
        for draft in targets[: params.max_items]:
            key = f"relist:{draft.id}"
            if key in rr.done:
                summary["relisted"] += 1
                continue
            await rr.run.check_cancelled()
            await _spend(rr)
            listing = await listings.listing_input(rr.workspace_id, draft.id, rr.account_id)
            old_id = draft.platform_item_id or ""
            new = await platforms.relist_listing(rr.session, old_id, listing)
            await listings.mark_published(rr.workspace_id, draft.id, rr.account_id, new.item_id, new.url)
            result = {"target": draft.title, "action": "relisted", "from": old_id, "to": new.item_id}
            await rr.run.record_item(key, result)
            summary["relisted"] += 1
    except CapReached:
        summary["capped"] = 1
    return summary


def next_price(price: Decimal, params: PriceDropParams, floor: Decimal) -> Decimal:
    """The price after one step, never below the floor (rounded to the cent)."""
    if params.percent is not None:
        lowered = price * (Decimal(100) - Decimal(str(params.percent))) / Decimal(100)
    else:
        lowered = price - Decimal(str(params.amount or 0))
    return max(lowered.quantize(CENT, rounding=ROUND_HALF_UP), floor)


def floor_of(params: PriceDropParams, listing_id: uuid.UUID) -> Decimal:
    if params.floors and listing_id in params.floors:
        return Decimal(str(params.floors[listing_id])).quantize(CENT)
    return Decimal(str(params.floor or 0)).quantize(CENT)


async def price_drop(rr: RuleRun) -> Summary:
    params = msgspec.convert(rr.params, PriceDropParams)
    summary = {"lowered": 0, "at_floor": 0, "not_due": 0, "skipped": 0}
    drafts = await _drafts_on_account(rr)
    due_before = utcnow() - timedelta(days=params.every_days) + timedelta(minutes=1)
    try:
        for listing_id in params.listing_ids:
            key = f"price:{listing_id}"
            if key in rr.done:
                summary["lowered"] += 1
                continue
            draft = drafts.get(listing_id)
            if draft is None or not draft.platform_item_id:
                summary["skipped"] += 1
                continue
            history = await listings.price_history(rr.workspace_id, listing_id)
            if history and history[-1].changed_at > due_before:
                summary["not_due"] += 1
                continue
            price = Decimal(str(draft.price)).quantize(CENT)
            new = next_price(price, params, floor_of(params, listing_id))
            if new >= price:
                summary["at_floor"] += 1
                continue
            await rr.run.check_cancelled()
            await _spend(rr)
            await platforms.change_listing_price(rr.session, draft.platform_item_id, new)
            await listings.change_price(rr.workspace_id, listing_id, new)
            result = {"target": draft.title, "action": "price_changed", "from": str(price), "to": str(new)}
            await rr.run.record_item(key, result)
            summary["lowered"] += 1
    except CapReached:
        summary["capped"] = 1
    return summary


async def scheduled_publish(rr: RuleRun) -> Summary:
    """Publish the next draft of the queue (one per slot) and wait until it is live; `completed` once all are."""
    params = msgspec.convert(rr.params, ScheduledPublishParams)
    queue = []
    for listing_id in params.listing_ids:
        try:
            draft = await listings.get_listing(rr.workspace_id, listing_id)
        except NotFound:
            continue  # deleted since it was queued
        if draft.status != "published":
            queue.append(draft)
    if not queue:
        return {"published": 0, "remaining": 0, "completed": 1}
    draft = queue[0]
    key = f"publish:{draft.id}"
    if key not in rr.done:
        try:
            await _spend(rr)
        except CapReached:
            return {"published": 0, "remaining": len(queue), "capped": 1}
        listing = await listings.listing_input(rr.workspace_id, draft.id, rr.account_id)
        published = await platforms.publish_listing(rr.session, listing)
        await listings.mark_published(rr.workspace_id, draft.id, rr.account_id, published.item_id, published.url)
        result = {"target": draft.title, "action": "published", "item_id": published.item_id, "url": published.url}
        await rr.run.record_item(key, result)
    remaining = len(queue) - 1
    return {"published": 1, "remaining": remaining, **({"completed": 1} if remaining == 0 else {})}
