"""Shared steps of the auto-delist tests: an item listed on several accounts, syncs and delist jobs run here.

Jobs run in this process by the jobs engine, as a worker would (`tests.automation.rules_helpers.run_job`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from backend.analytics import service as analytics
from backend.jobs import service as jobs
from backend.jobs.schemas import JobOut
from backend.listings.tables import Listing, PlatformListing
from tests.automation.rules_helpers import make_draft, run_job
from tests.helpers import Account

DELIST = "listings.delist"
DELIST_ONE = "listings.delist_one"


@dataclass
class Listed:
    """An item (a draft) and its listings, by a name per listing (the seller's, e.g. "alice")."""

    owner: Account
    item: uuid.UUID
    accounts: dict[str, uuid.UUID] = field(default_factory=dict)
    platform_items: dict[str, str] = field(default_factory=dict)
    listings: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def workspace_id(self) -> uuid.UUID:
        return uuid.UUID(self.owner.workspace_id)


async def add_account(client: httpx.AsyncClient, owner: Account, platform: str, login: str) -> uuid.UUID:
    body = {"platform": platform, "login": login, "password": "sandbox-pass-1", "label": f"{login} on {platform}"}
    response = await client.post("/api/v1/accounts", headers=owner.headers, json=body)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def add_listing(
    listed: Listed,
    name: str,
    account_id: uuid.UUID,
    platform: str,
    platform_item_id: str | None,
    *,
    status: str = "live",
    url: str | None = None,
    price: str = "20.00",
) -> uuid.UUID:
    """The item's listing on the account, as crosslisting leaves it (live with the platform's item)."""
    row = PlatformListing(
        workspace=listed.workspace_id,
        listing=listed.item,
        account_id=account_id,
        platform=platform,
        platform_item_id=platform_item_id,
        platform_url=url or (f"/items/{platform_item_id}" if platform_item_id else None),
        status=status,
        price=Decimal(price),
    )
    await PlatformListing.insert(row)
    listed.accounts[name] = account_id
    if platform_item_id:
        listed.platform_items[name] = platform_item_id
    listed.listings[name] = row.id
    return row.id


async def new_item(owner: Account, title: str = "Vintage denim jacket", price: str = "45.00", **extra: Any) -> Listed:
    listing_id = uuid.UUID(await make_draft(owner, title, price, **extra))
    return Listed(owner=owner, item=listing_id)


async def name_first_listing(listed: Listed, name: str) -> None:
    """The item's first-listing columns (what automation acts on) name this listing; the item is published."""
    changes = {
        Listing.status: "published",
        Listing.account_id: listed.accounts[name],
        Listing.platform_item_id: listed.platform_items[name],
        Listing.platform_url: f"/items/{listed.platform_items[name]}",
    }
    await Listing.update(changes).where(Listing.id == listed.item)


async def listing_rows(listed: Listed) -> dict[str, dict[str, Any]]:
    """Each listing's row by its name."""
    rows = await PlatformListing.select().where(PlatformListing.listing == listed.item)
    by_id = {row["id"]: row for row in rows}
    return {name: by_id[listing_id] for name, listing_id in listed.listings.items()}


async def statuses(listed: Listed) -> dict[str, str]:
    return {name: row["status"] for name, row in (await listing_rows(listed)).items()}


async def jobs_of(owner: Account, kind: str, status: str | None = None) -> list[JobOut]:
    page = await jobs.list_jobs(
        uuid.UUID(owner.workspace_id), kind=kind, status=status, parent_id=None, limit=100, offset=0
    )
    return page.items


async def run_delists(app: Any, owner: Account) -> list[JobOut]:
    """Run the waiting delist jobs (each item's, then each listing's) here; the items' jobs as they end."""
    for parent in await jobs_of(owner, DELIST, "pending"):
        await run_job(app, owner, parent.id)
    for child in await jobs_of(owner, DELIST_ONE, "pending"):
        await run_job(app, owner, child.id)
    return await jobs_of(owner, DELIST)


async def sync_jobs(app: Any, owner: Account, now: datetime) -> dict[uuid.UUID, uuid.UUID]:
    """One analytics tick at `now`: the sync job it sent for each account (account id → job id), not run."""
    before = {job.id for job in await jobs_of(owner, analytics.SYNC_KIND)}
    await analytics.tick(app.state.redis, now)
    made = [job for job in await jobs_of(owner, analytics.SYNC_KIND) if job.id not in before]
    return {job.account_id: job.id for job in made if job.account_id is not None}


async def run_sync(app: Any, owner: Account, job_id: uuid.UUID) -> dict[str, Any]:
    job = await run_job(app, owner, job_id)
    assert job.status == "succeeded", job.error
    report: dict[str, Any] = job.result
    return report


async def conflicts(client: httpx.AsyncClient, owner: Account) -> dict[str, Any]:
    response = await client.get("/api/v1/inventory/conflicts", headers=owner.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
