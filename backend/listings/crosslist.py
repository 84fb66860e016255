"""Crosslisting: one item (or many) published on many accounts of any platforms, each through the platforms facade.

The preview shows, per account, what its platform will receive (its category and condition words, the title
and description as cut to its limits, the price after the workspace's rule) and what blocks the publish. A
crosslist checks the same and starts nothing when any target has a problem (400 naming the account and field).
Then ONE `listings.crosslist` job whose handler spawns a `listings.publish` child per item and account (the
child acts as the account: it pauses and resumes with it). Accounts on which the item is live already are
skipped, and the job says so in its items. A bulk crosslist spaces the publishes on each account: each child
carries the time before which it waits (deferred, not counted as an attempt; no worker sleeps).
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from arq.connections import ArqRedis

from backend.core.clock import utcnow
from backend.core.errors import Conflict, InvalidInput, NotFound, ServiceError
from backend.core.scoped import scoped
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.jobs.service import JobRun
from backend.listings import inventory, price_rules
from backend.listings.publishing import (
    ITEM_KEY,
    ON_THE_PLATFORM,
    PUBLISH_KIND,
    account_name,
    account_where,
    child_payload,
    chosen_price,
    digest,
    in_flight_or_key,
    listing_row,
    mapped_for,
    not_started,
    problem_lines,
)
from backend.listings.schemas import (
    BulkCrosslistRequest,
    CrosslistPreviewOut,
    CrosslistTarget,
    FieldNote,
    MappedFieldsOut,
    TargetPreviewOut,
)
from backend.listings.tables import Listing
from backend.platforms import service as platforms

CROSSLIST_KIND = "listings.crosslist"
# Drafts times accounts of one bulk crosslist: each is a child job, spawned by one handler run.
MAX_BULK_PUBLISHES = 1000
# Problems listed in a refusal: the first ten say what to fix without a wall of text.
SHOWN_PROBLEMS = 10


@dataclass(frozen=True)
class _Planned:
    """One publish a crosslist will start: the item, the account, the seller's price (None: the rule's)."""

    row: dict[str, Any]
    account: platforms.AccountOut
    price: Decimal | None
    mapped: platforms.MappedListing
    before: dict[str, Any] | None
    not_before: Any = None


async def _accounts(workspace_id: uuid.UUID, account_ids: list[uuid.UUID], field: str) -> list[platforms.AccountOut]:
    """The workspace's accounts in the order named: 404 for one that is not its, 400 for a platform without
    listings or an account named twice."""
    if len(set(account_ids)) != len(account_ids):
        raise InvalidInput(field, "an account is named twice")
    known = await inventory.accounts_by_id(workspace_id)
    found = []
    for account_id in account_ids:
        account = known.get(account_id)
        if account is None:
            raise NotFound(f"Account {account_id} not found")
        if account.platform not in platforms.crosslist_platforms():
            title = platforms.platform_title(account.platform)
            raise InvalidInput(
                field, f"{account_name(account)} is a {title} account; {title} takes no listings to sell"
            )
        found.append(account)
    return found


def _notes(notes: list[platforms.FieldNote]) -> list[FieldNote]:
    return [FieldNote(field=note.field, message=note.message) for note in notes]


def _fields_out(mapped: platforms.MappedListing) -> MappedFieldsOut:
    return MappedFieldsOut(
        title=mapped.title,
        description=mapped.description,
        price=float(mapped.price) if mapped.price is not None else None,
        currency=mapped.currency,
        category=mapped.category,
        condition=mapped.condition,
        size=mapped.size,
        brand=mapped.brand,
    )


async def preview(workspace_id: uuid.UUID, listing_id: uuid.UUID, account_ids: list[uuid.UUID]) -> CrosslistPreviewOut:
    """What each account's platform will receive of the item, what blocks it and what changes on the way."""
    if not account_ids:
        raise InvalidInput("account_id", "name at least one account (repeat the parameter for more)")
    row = await listing_row(workspace_id, listing_id)
    accounts = await _accounts(workspace_id, account_ids, "account_id")
    rules = await price_rules.custom_rules(workspace_id)
    existing = {
        found["account_id"]: found for found in (await inventory.rows_of_items(workspace_id, [listing_id]))[listing_id]
    }
    targets = []
    for account in accounts:
        mapped = mapped_for(account.platform, row, rules)
        before = existing.get(account.id)
        targets.append(
            TargetPreviewOut(
                account_id=account.id,
                account_label=account_name(account),
                platform=account.platform,
                platform_title=platforms.platform_title(account.platform),
                verified=account.driver_verified,
                fields=_fields_out(mapped),
                problems=_notes(mapped.problems),
                warnings=_notes(mapped.warnings),
                ready=not mapped.problems,
                existing=before["status"] if before is not None else None,
            )
        )
    return CrosslistPreviewOut(listing_id=listing_id, targets=targets)


def _skip_note(row: dict[str, Any], account: platforms.AccountOut, before: dict[str, Any]) -> dict[str, Any]:
    return {
        "listing_id": str(row["id"]),
        "account_id": str(account.id),
        "platform_listing_id": str(before["id"]),
        "status": before["status"],
        "skipped": f"already {before['status']} on {account_where(account)}",
    }


async def start_crosslist(
    redis: ArqRedis, workspace_id: uuid.UUID, user_id: uuid.UUID, listing_id: uuid.UUID, targets: list[CrosslistTarget]
) -> JobOut:
    """Publish the item on these accounts: one parent job, a publish child per account (see the module)."""
    row = await listing_row(workspace_id, listing_id)
    if row["status"] == "sold":
        raise Conflict("Listing is sold; duplicate it to sell another like it")
    accounts = await _accounts(workspace_id, [target.account_id for target in targets], "accounts")
    prices = {target.account_id: chosen_price(target.price) for target in targets}
    rules = await price_rules.custom_rules(workspace_id)
    existing = {
        found["account_id"]: found for found in (await inventory.rows_of_items(workspace_id, [listing_id]))[listing_id]
    }
    planned, skipped, problems = [], [], []
    for account in accounts:
        before = existing.get(account.id)
        if before is not None and before["status"] in ON_THE_PLATFORM:
            skipped.append(_skip_note(row, account, before))
            continue
        mapped = mapped_for(account.platform, row, rules, prices[account.id])
        problems += problem_lines(mapped.problems, account_where(account))
        planned.append(_Planned(row, account, prices[account.id], mapped, before))
    _refuse(problems)
    prefix = f"crosslist:{listing_id}:{digest(account.id for account in accounts)}:"
    payload = {"listing_id": str(listing_id)}
    return await _start(redis, workspace_id, user_id, prefix, payload, planned, skipped)


async def start_bulk(
    redis: ArqRedis, workspace_id: uuid.UUID, user_id: uuid.UUID, request: BulkCrosslistRequest
) -> JobOut:
    """Crosslist every draft on every account: one parent job; on each account one publish every
    `spacing_seconds`, in the order the drafts are given."""
    if len(set(request.listing_ids)) != len(request.listing_ids):
        raise InvalidInput("listing_ids", "a draft is named twice")
    if len(request.listing_ids) * len(request.account_ids) > MAX_BULK_PUBLISHES:
        raise InvalidInput("listing_ids", f"at most {MAX_BULK_PUBLISHES} publishes (drafts × accounts) at once")
    accounts = await _accounts(workspace_id, request.account_ids, "account_ids")
    rows = {
        row["id"]: row
        for row in await scoped(Listing, workspace_id)
        .select()
        .where(Listing.id.is_in(request.listing_ids))
        .output(load_json=True)
    }
    for listing_id in request.listing_ids:
        if listing_id not in rows:
            raise NotFound(f"Listing {listing_id} not found")
    sold = [f"'{rows[i]['title']}'" for i in request.listing_ids if rows[i]["status"] == "sold"]
    if sold:
        raise Conflict(f"Sold already, leave them out: {', '.join(sold[:SHOWN_PROBLEMS])}")
    rules = await price_rules.custom_rules(workspace_id)
    existing = await inventory.rows_of_items(workspace_id, request.listing_ids)
    now, spacing = utcnow(), timedelta(seconds=request.spacing_seconds)
    turns = {account.id: 0 for account in accounts}
    planned, skipped, problems = [], [], []
    for listing_id in request.listing_ids:
        row = rows[listing_id]
        on_accounts = {found["account_id"]: found for found in existing[listing_id]}
        for account in accounts:
            before = on_accounts.get(account.id)
            if before is not None and before["status"] in ON_THE_PLATFORM:
                skipped.append(_skip_note(row, account, before))
                continue
            mapped = mapped_for(account.platform, row, rules)
            problems += problem_lines(mapped.problems, f"'{row['title']}' on {account_where(account)}")
            not_before = now + spacing * turns[account.id] if turns[account.id] else None
            turns[account.id] += 1
            planned.append(_Planned(row, account, None, mapped, before, not_before))
    _refuse(problems)
    prefix = f"crosslist:bulk:{digest([*request.listing_ids, '|', *request.account_ids])}:"
    return await _start(redis, workspace_id, user_id, prefix, {"bulk": True}, planned, skipped)


def _refuse(problems: list[str]) -> None:
    if problems:
        shown = "; ".join(problems[:SHOWN_PROBLEMS])
        more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" if len(problems) > SHOWN_PROBLEMS else ""
        raise ServiceError(f"Nothing was started: {shown}{more}")


async def _start(
    redis: ArqRedis,
    workspace_id: uuid.UUID,
    user_id: uuid.UUID,
    prefix: str,
    payload: dict[str, Any],
    planned: list[_Planned],
    skipped: list[dict[str, Any]],
) -> JobOut:
    """Queue the planned listings and start the parent job (the one already running for the same ask, if any)."""
    running, key = await in_flight_or_key(workspace_id, CROSSLIST_KIND, prefix)
    if running is not None:
        return running
    queued = []
    for plan in planned:
        found = await inventory.ensure_queued(
            workspace_id,
            plan.row["id"],
            plan.account.id,
            plan.account.platform,
            plan.mapped.price,
            plan.row["currency"],
            plan.mapped.as_fields(),
        )
        queued.append((found, plan.before["status"] if plan.before is not None else None))
    targets = [
        child_payload(plan.row["id"], plan.account, plan.price, plan.not_before, found["id"])
        for plan, (found, _) in zip(planned, queued, strict=True)
    ]
    try:
        return await jobs.enqueue(
            redis,
            workspace_id,
            CROSSLIST_KIND,
            {**payload, "targets": targets, "skipped": skipped},
            idempotency_key=key,
            total=len(targets) + len(skipped),
            created_by=user_id,
        )
    except ServiceError as exc:
        await not_started(workspace_id, queued, exc.detail)
        raise


async def _item_labels(workspace_id: uuid.UUID, payload: dict[str, Any], keys: list[str]) -> dict[str, str]:
    """A crosslist's item (`<item id>:<account id>`) or a publish's (`publish`) as "<title> on <account>"."""
    pairs: dict[str, tuple[uuid.UUID, uuid.UUID]] = {}
    for key in keys:
        # A publish job's one item is its payload's item and account.
        named = f"{payload.get('listing_id')}:{payload.get('account_id')}" if key == ITEM_KEY else key
        listing, _, account = named.partition(":")
        with contextlib.suppress(ValueError):
            pairs[key] = (uuid.UUID(listing), uuid.UUID(account))
    if not pairs:
        return {}
    titles = {
        row["id"]: row["title"]
        for row in await scoped(Listing, workspace_id)
        .select(Listing.id, Listing.title)
        .where(Listing.id.is_in(list({listing for listing, _ in pairs.values()})))
    }
    accounts = await inventory.accounts_by_id(workspace_id)
    return {
        key: f"{titles[listing]} on {account_where(accounts[account])}"
        for key, (listing, account) in pairs.items()
        if listing in titles and account in accounts
    }


jobs.register_item_labels(CROSSLIST_KIND, _item_labels)
jobs.register_item_labels(PUBLISH_KIND, _item_labels)


async def run_crosslist(run: JobRun) -> Any:
    """The parent job: a publish child per item and account (keyed by both: a re-run makes no second one);
    the accounts skipped are its own items, each saying why."""
    done = await run.completed_keys()
    for note in run.payload.get("skipped", []):
        key = f"{note['listing_id']}:{note['account_id']}"
        if key not in done:
            await run.record_item(key, result=note)
    targets = run.payload.get("targets", [])
    if not targets:
        return {"published": 0, "skipped": len(run.payload.get("skipped", []))}
    for target in targets:
        child_id = await run.spawn_child(
            PUBLISH_KIND,
            target,
            key=f"{target['listing_id']}:{target['account_id']}",
            max_attempts=target.get("max_attempts"),
            account_id=uuid.UUID(target["account_id"]),
        )
        if target.get("platform_listing_id"):
            await inventory.update(run.workspace_id, uuid.UUID(target["platform_listing_id"]), job_id=child_id)
    return jobs.WAIT_FOR_CHILDREN
