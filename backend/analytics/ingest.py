"""POST /analytics/events: events from outside, checked and recorded.

Each event names a platform listing by `listing_id` (a draft of this workspace published on
an account; another workspace's or no such draft: 404) or by `account_id` (the workspace's:
404 otherwise) and `platform_item_id`, which must be a listing Sellpilot knows on that
account (a draft published there, or an item its sync has seen): 400 otherwise. Times must
carry a zone, not be in the future (beyond a little clock skew) nor older than the limit.
Errors name the event: `events[3].occurred_at: …`.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from backend.analytics.events import NewEvent, record
from backend.analytics.schemas import EventBatchIn, EventIn, IngestReport
from backend.analytics.tables import SyncState
from backend.core.clock import utcnow
from backend.core.errors import InvalidInput, NotFound
from backend.core.scoped import scoped
from backend.listings import service as listings
from backend.platforms import service as platforms
from backend.settings import get_settings


class _Accounts:
    """The workspace's accounts named in a batch (404 for another's) and the items each is known to have."""

    def __init__(self, workspace_id: uuid.UUID) -> None:
        self.workspace_id = workspace_id
        self.platform: dict[uuid.UUID, str] = {}
        self.items: dict[uuid.UUID, set[str]] = {}

    async def platform_of(self, account_id: uuid.UUID, field: str) -> str:
        if account_id not in self.platform:
            try:
                self.platform[account_id] = (await platforms.get_account(self.workspace_id, account_id)).platform
            except NotFound:
                raise NotFound(f"{field}: account not found") from None
        return self.platform[account_id]

    async def knows(self, account_id: uuid.UUID, item_id: str) -> bool:
        if account_id not in self.items:
            state = (
                await scoped(SyncState, self.workspace_id)
                .select(SyncState.items)
                .where(SyncState.account_id == account_id)
                .output(load_json=True)
                .first()
            )
            self.items[account_id] = set(state["items"]) if state else set()
        if item_id in self.items[account_id]:
            return True
        return bool(await listings.listings_on_items(self.workspace_id, account_id, [item_id]))


def _check_time(when: datetime, field: str, now: datetime) -> datetime:
    settings = get_settings().analytics
    if when.tzinfo is None:
        raise InvalidInput(field, "give a time zone, e.g. 2026-12-01T09:00:00Z")
    if when > now + timedelta(seconds=settings.future_skew_seconds):
        raise InvalidInput(field, "is in the future")
    if when < now - timedelta(days=settings.max_event_age_days):
        raise InvalidInput(field, f"is older than {settings.max_event_age_days} days; such events are not accepted")
    return when


async def ingest(workspace_id: uuid.UUID, batch: EventBatchIn) -> IngestReport:
    """Check every event (the first wrong one is refused, naming it: nothing is recorded), then record them."""
    now = utcnow()
    accounts = _Accounts(workspace_id)
    drafts = await listings.facts_of(workspace_id, [e.listing_id for e in batch.events if e.listing_id])
    events: list[NewEvent] = []
    seen: set[str] = set()
    duplicates = 0
    for index, event in enumerate(batch.events):
        where = f"events[{index}]"
        occurred_at = _check_time(event.occurred_at, f"{where}.occurred_at", now)
        account_id, item_id, listing_id = await _target(event, where, drafts, accounts)
        platform = await accounts.platform_of(account_id, f"{where}.account_id")
        if event.client_event_id is not None:
            if event.client_event_id in seen:
                duplicates += 1
                continue
            seen.add(event.client_event_id)
        events.append(
            NewEvent(
                account_id=account_id,
                platform=platform,
                platform_item_id=item_id,
                listing_id=listing_id,
                kind=event.kind,
                value=Decimal(str(round(event.value, 2))),
                occurred_at=occurred_at,
                currency=event.currency or "",
                client_event_id=event.client_event_id,
                source="api",
            )
        )
    accepted = await record(workspace_id, events)
    return IngestReport(accepted=accepted, duplicates=duplicates + len(events) - accepted)


async def _target(
    event: EventIn, where: str, drafts: dict[uuid.UUID, listings.ListingFacts], accounts: _Accounts
) -> tuple[uuid.UUID, str, uuid.UUID | None]:
    """(account, platform item, draft) the event is about."""
    if event.listing_id is not None:
        draft = drafts.get(event.listing_id)
        if draft is None:
            raise NotFound(f"{where}.listing_id: listing not found")
        account_id = event.account_id or draft.account_id
        item_id = event.platform_item_id or draft.platform_item_id
        if account_id is None or item_id is None:
            raise InvalidInput(
                f"{where}.listing_id",
                "the listing is not published on an account; give account_id and platform_item_id",
            )
        return account_id, item_id, event.listing_id
    if event.account_id is None or event.platform_item_id is None:
        raise InvalidInput(where, "name the listing by listing_id, or by account_id and platform_item_id")
    await accounts.platform_of(event.account_id, f"{where}.account_id")
    if not await accounts.knows(event.account_id, event.platform_item_id):
        raise InvalidInput(
            f"{where}.platform_item_id", "no listing of this account has that item id (publish it or sync the account)"
        )
    return event.account_id, event.platform_item_id, None
