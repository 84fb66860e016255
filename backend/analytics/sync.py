"""The sync: each account's listing stats and sales read through the platforms facade, their
differences since the last sync recorded as events.

The tick (arq cron, each minute) sends one job `analytics.sync` per active account whose plan's
interval (`Plan.analytics_sync_minutes`) has a slot not synced yet; the job's idempotency key is
`analytics-sync:<account>:<slot>`, so two ticks (or two workers) send one job per slot. The
facade paces the reads like a person and holds the account's lease, so a sync never runs
beside another piece of work on the same account.

What a sync records (`apply_sync`, in one transaction with the new counters):
- views/likes 10 → 14 is one event of value 4 in the hour of the sync; a counter that went
  down (the platform reset it) makes no event, and the lower figure is the new base;
- the account's first sync only takes the counters as the base: when those views happened is
  unknown, so they are not put in one hour; an item that appears later counts from 0;
- a sale the account's sales page shows (or, where the platform has none, an item turning
  sold) makes a `Sale` row (once per item), a `sale` event with its amount, and records the sale
  on the draft behind the item (listings' `record_sale`): the first sale of the item makes it sold
  and its other listings `delisting`; a sale after it is flagged as an oversell.
A second sync with nothing changed records nothing. Once the sync's transaction has committed, the
job starts the delist jobs of the items that sold (if that fails, listings' sweep starts them).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from arq.connections import ArqRedis

from backend import db
from backend.analytics.events import NewEvent, record
from backend.analytics.tables import Sale, SyncState
from backend.billing import service as billing
from backend.core.clock import utcnow
from backend.core.scoped import across_workspaces, scoped
from backend.jobs import service as jobs
from backend.jobs.service import JobRun
from backend.listings import service as listings
from backend.platforms import service as platforms
from backend.settings import get_settings

SYNC_KIND = "analytics.sync"


class SaleSeen(Protocol):
    """A sale as the platform's "my sales" page shows it (the facade's `Sale`)."""

    @property
    def item_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def price(self) -> Decimal | None: ...
    @property
    def currency(self) -> str: ...
    @property
    def buyer(self) -> str: ...
    @property
    def sold_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class SoldFlag:
    """A sale known only from an item turning sold (a platform without a sales page)."""

    item_id: str
    title: str
    price: Decimal | None
    currency: str = ""
    buyer: str = ""
    sold_at: datetime | None = None


@dataclass(frozen=True)
class SyncReport:
    items: int
    events: int
    sales: int
    first: bool
    # The sales recorded on drafts: which items sold here (their other listings to delist), which oversold.
    outcomes: tuple[listings.SaleOutcome, ...] = ()

    @property
    def oversells(self) -> list[listings.SaleOutcome]:
        return [outcome for outcome in self.outcomes if outcome.oversell]

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "events": self.events,
            "sales": self.sales,
            "first": self.first,
            "oversells": len(self.oversells),
        }


# --- the tick ----------------------------------------------------------------------------------


def slot_of(now: datetime, minutes: int) -> datetime:
    """The start of the sync slot `now` is in: slots of `minutes` counted from midnight UTC."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(minutes=(int((now - midnight).total_seconds()) // 60 // minutes) * minutes)


async def tick(redis: ArqRedis, now: datetime | None = None) -> dict[str, int]:
    """Send a sync job for each active account with a slot not synced yet; returns how many were created."""
    now = now or utcnow()
    batch = get_settings().analytics.sync_tick_batch
    # The scheduler's sweep looks at every workspace's accounts and sync states: it belongs to none.
    states = await across_workspaces(SyncState).select(SyncState.account_id, SyncState.last_synced_at)
    last = {row["account_id"]: row["last_synced_at"] for row in states}
    by_workspace: dict[uuid.UUID, list[platforms.AccountOut]] = {}
    for workspace_id, account in await platforms.accounts_everywhere(("active",)):
        by_workspace.setdefault(workspace_id, []).append(account)
    due = created = 0
    for workspace_id, accounts in by_workspace.items():
        minutes = (await billing.effective_plan(workspace_id)).analytics_sync_minutes
        slot = slot_of(now, minutes)
        specs: list[tuple[dict[str, Any], str, uuid.UUID | None]] = []
        for account in accounts:
            synced = last.get(account.id)
            if (synced is not None and synced >= slot) or due >= batch:
                continue
            due += 1
            key = f"analytics-sync:{account.id}:{slot:%Y%m%dT%H%M}"
            specs.append(({"account_id": str(account.id), "slot": slot.isoformat()}, key, account.id))
        if specs:
            created += await jobs.enqueue_batch(redis, workspace_id, SYNC_KIND, specs)
    return {"due": due, "created": created}


# --- the job -----------------------------------------------------------------------------------


async def run_sync(run: JobRun) -> dict[str, Any]:
    """The job `analytics.sync`: read the account's listings and sales as the account, record the changes."""
    account_id = uuid.UUID(run.payload["account_id"])
    account = await platforms.get_account(run.workspace_id, account_id)
    async with (
        platforms.account_job(run, "sync"),
        platforms.run_as_account(run.redis, run.workspace_id, account_id) as session,
    ):
        own = await platforms.my_listings(session)
        sales = await read_sales(session, account.platform)
    report = await apply_sync(run.workspace_id, account_id, account.platform, own, sales)
    await listings.follow_up_sales(run, report.outcomes)  # delists of what sold, oversells on the stream
    await run.record_item("sync", result=report.as_dict())
    return report.as_dict()


async def read_sales(session: platforms.AccountSession, platform: str) -> list[SaleSeen]:
    """The account's sales page (buyer and price paid); a platform without one (Pinterest, TikTok) gives
    none here, and its items turning sold in `my_listings` still count as sales (`apply_sync`)."""
    if not platforms.supports(platform, "my_sales"):
        return []
    return list(await platforms.my_sales(session))


def _counter(entry: dict[str, Any] | None, name: str) -> int:
    return int(entry.get(name, 0)) if entry else 0


async def apply_sync(
    workspace_id: uuid.UUID,
    account_id: uuid.UUID,
    platform: str,
    own: Sequence[platforms.OwnListing],
    sales: Sequence[SaleSeen],
    now: datetime | None = None,
) -> SyncReport:
    """Record what changed since the account's last sync (see the module's notes), in one transaction."""
    now = now or utcnow()
    states = scoped(SyncState, workspace_id)
    state = await states.select().where(SyncState.account_id == account_id).output(load_json=True).first()
    first = state is None
    before: dict[str, dict[str, Any]] = state["items"] if state else {}
    drafts = await listings.listings_on_items(
        workspace_id, account_id, [o.item_id for o in own] + [s.item_id for s in sales]
    )
    events: list[NewEvent] = []
    items: dict[str, dict[str, Any]] = {}
    for item in own:
        seen = before.get(item.item_id)
        items[item.item_id] = {
            "views": item.views,
            "likes": item.likes,
            "sold": item.sold,
            "title": item.title,
            "listed_at": item.listed_at.isoformat() if item.listed_at else (seen or {}).get("listed_at"),
        }
        if first:
            continue
        for kind, name, count in (("view", "views", item.views), ("like", "likes", item.likes)):
            added = count - _counter(seen, name)
            if added > 0:  # a counter going down is the platform's reset: no negative events
                events.append(
                    NewEvent(
                        account_id,
                        platform,
                        item.item_id,
                        drafts.get(item.item_id),
                        kind,
                        Decimal(added),
                        now,
                        source="sync",
                    )
                )
    # Items no longer shown keep their last counters (a later return must not count them again).
    for item_id, entry in before.items():
        items.setdefault(item_id, entry)
    sold = list(sales)
    reported = {s.item_id for s in sold}
    sold += [
        SoldFlag(o.item_id, o.title, o.price)
        for o in own
        # On the first sync an item sold already was sold at a time unknown: it is only the base.
        if o.sold and not first and o.item_id not in reported and not (before.get(o.item_id) or {}).get("sold")
    ]
    # Sales in the order of the drafts behind them: two syncs recording sales of the same items lock
    # those drafts' rows in one order, so they wait for each other rather than deadlock.
    sold.sort(key=lambda sale: str(drafts.get(sale.item_id) or ""))
    made = 0
    outcomes: list[listings.SaleOutcome] = []
    async with db.transaction():
        for sale in sold:
            outcome = await _record_sale(workspace_id, account_id, platform, sale, drafts.get(sale.item_id), items, now)
            if outcome is not None:
                made += 1
                events.append(_sale_event(account_id, platform, sale, drafts.get(sale.item_id), now))
                if outcome.listing_id is not None:
                    outcomes.append(outcome)
        recorded = await record(workspace_id, events)
        values: dict[Any, Any] = {
            SyncState.items: items,
            SyncState.last_synced_at: now,
            SyncState.last_error: "",
            SyncState.platform: platform,
        }
        if state is None:
            new = SyncState({**values, SyncState.workspace: workspace_id, SyncState.account_id: account_id})
            new.syncs = 1
            await SyncState.insert(new)
        else:
            values[SyncState.syncs] = state["syncs"] + 1
            await states.update(values).where(SyncState.id == state["id"])
    return SyncReport(items=len(own), events=recorded, sales=made, first=first, outcomes=tuple(outcomes))


def _sale_event(
    account_id: uuid.UUID, platform: str, sale: SaleSeen, listing_id: uuid.UUID | None, now: datetime
) -> NewEvent:
    when = sale.sold_at if sale.sold_at is not None and sale.sold_at <= now else now
    return NewEvent(
        account_id,
        platform,
        sale.item_id,
        listing_id,
        "sale",
        sale.price or Decimal("0"),
        when,
        sale.currency,
        source="sync",
    )


async def _record_sale(
    workspace_id: uuid.UUID,
    account_id: uuid.UUID,
    platform: str,
    sale: SaleSeen,
    listing_id: uuid.UUID | None,
    items: dict[str, dict[str, Any]],
    now: datetime,
) -> listings.SaleOutcome | None:
    """The sale's row, once per item (None when it was recorded before), and the sale on the draft behind it."""
    listed = (items.get(sale.item_id) or {}).get("listed_at")
    row = Sale(
        workspace=workspace_id,
        account_id=account_id,
        platform=platform,
        platform_item_id=sale.item_id,
        listing_id=listing_id,
        title=sale.title[:200],
        price=sale.price,
        currency=sale.currency,
        buyer=sale.buyer[:200],
        sold_at=sale.sold_at or now,
        listed_at=datetime.fromisoformat(listed) if listed else None,
    )
    inserted = await Sale.insert(row).on_conflict(action="DO NOTHING").returning(Sale.id)
    if not inserted:
        return None
    if sale.item_id in items:
        items[sale.item_id]["sold"] = True
    return await listings.record_sale(
        workspace_id, account_id, sale.item_id, sale.price, sale.currency, sale.buyer, sale.sold_at or now
    )
