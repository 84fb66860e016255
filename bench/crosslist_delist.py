"""Sale to the last other listing delisted, for an item listed on 5 accounts over both sandbox flavours.

The real stack end to end: both sandbox processes (`sellpilot sandbox` and `sellpilot sandbox --flavour b`),
one worker process (`sellpilot worker`) running the analytics sync and the delist jobs in headless Chromium,
PostgreSQL and Redis. One workspace on the business plan with 5 accounts: alice, bob and carol on the
first sandbox, alice and bob on the second. Each round lists a new item on all 5 (an item the sandbox makes
for each seller, with the platform listing rows crosslisting leaves), then a buyer buys it on the first
account and the analytics tick runs at the next sync slot, as the worker's cron would at that slot: it sends
a sync for every account (all 5 are due), the seller's sync sees the sale, and the delist jobs take the 4
other listings down. Human pacing is off (AUTOMATION_FAST_MODE), as in the tests; the worker's own analytics
tick is off so that only the bench's ticks make syncs. Before the first round every account has a base sync.

Timed per round, by the database's own timestamps (same machine clock):
- detection: the tick (the slot's start) → the sale recorded (the item's delist job created, right after the
  sync's commit);
- delisting: the sale recorded → the last of the 4 other listings `delisted`;
- total: the tick → the last delisted.
A sale waits for the next slot before any of this: at most one sync interval (the plan's
`analytics_sync_minutes`), so the target "within one sync interval plus 30 s" holds when total ≤ 30 s.

    uv run python bench/crosslist_delist.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import (
    ROOT,
    bench_environment,
    machine,
    port_from_env,
    spread,
    stop,
    wait_for_workers,
    wait_until_async,
)

PASSWORD = "sandbox-pass-1"  # noqa: S105 - the sandbox's seeded users
# (platform, sandbox flavour, login): the first one sells.
ACCOUNTS = (
    ("sandbox", "a", "alice"),
    ("sandbox", "a", "bob"),
    ("sandbox", "a", "carol"),
    ("sandbox_b", "b", "alice"),
    ("sandbox_b", "b", "bob"),
)
BUYER = "dave"
PLAN = "business"
WAIT_LIMIT_SECONDS = 600.0


@dataclass
class Round:
    detection: float
    delisting: float
    total: float


async def _ready(http: httpx.AsyncClient) -> bool:
    with contextlib.suppress(httpx.HTTPError):
        return (await http.get("/healthz")).status_code == 200
    return False


def _start_sandbox(flavour: str, port: int) -> subprocess.Popen[bytes]:
    db_path = Path(tempfile.mkdtemp(prefix=f"sandbox-{flavour}-bench-")) / "sandbox.sqlite3"
    command = [sys.executable, "-m", "backend.cli", "sandbox", "--port", str(port), "--db", str(db_path)]
    if flavour != "a":
        command += ["--flavour", flavour]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _all_synced(workspace: uuid.UUID, job_ids: list[uuid.UUID]) -> bool:
    from backend.jobs import service as jobs

    for job_id in job_ids:
        job = await jobs.get_job(workspace, job_id)
        if job.status in ("failed", "cancelled"):
            raise RuntimeError(f"sync {job_id} ended {job.status}: {job.error}")
        if job.status != "succeeded":
            return False
    return True


async def _tick(redis: Any, workspace: uuid.UUID, slot: datetime) -> list[uuid.UUID]:
    """The analytics tick at `slot`, as the worker's cron runs it; the sync jobs it sent this workspace."""
    from backend.analytics import service as analytics
    from backend.jobs import service as jobs

    before = await jobs.list_jobs(workspace, kind=analytics.SYNC_KIND, status=None, parent_id=None, limit=100, offset=0)
    sent = await analytics.tick(redis, slot)
    assert sent["created"] == len(ACCOUNTS), sent
    after = await jobs.list_jobs(workspace, kind=analytics.SYNC_KIND, status=None, parent_id=None, limit=100, offset=0)
    seen = {job.id for job in before.items}
    return [job.id for job in after.items if job.id not in seen]


@dataclass
class Listed:
    """A round's item and its 5 listings: (platform listing id, flavour, seller, sandbox item id), seller first."""

    item: uuid.UUID
    listings: list[tuple[uuid.UUID, str, str, str]]

    @property
    def others(self) -> list[uuid.UUID]:
        return [entry[0] for entry in self.listings[1:]]


async def _list_item(
    workspace: uuid.UUID, n: int, account_ids: list[uuid.UUID], controls: dict[str, httpx.AsyncClient]
) -> Listed:
    """A new item on all 5 accounts: a new sandbox item per seller, linked as crosslisting links it."""
    from backend.listings.tables import Listing, PlatformListing

    item = uuid.uuid4()
    title = f"Bench jacket {n}"
    await Listing.insert(Listing(id=item, workspace=workspace, title=title, price=Decimal("40"), status="published"))
    listed = Listed(item, [])
    for account_id, (platform, flavour, login) in zip(account_ids, ACCOUNTS, strict=True):
        body = {"keyword": f"benchjacket{n}{login}", "count": 1, "seller": login}
        made = await controls[flavour].post("/__control/gallery", json=body)
        made.raise_for_status()
        (item_id,) = made.json()["item_ids"]
        row = PlatformListing(
            workspace=workspace,
            listing=item,
            account_id=account_id,
            platform=platform,
            platform_item_id=str(item_id),
            platform_url=f"{controls[flavour].base_url}/items/{item_id}",
            status="live",
            price=Decimal("40"),
        )
        await PlatformListing.insert(row)
        listed.listings.append((row.id, flavour, login, str(item_id)))
    return listed


async def _all_delisted(workspace: uuid.UUID, listed: Listed) -> bool:
    from backend.core.scoped import scoped
    from backend.listings.tables import PlatformListing

    table = scoped(PlatformListing, workspace)
    columns = (PlatformListing.status, PlatformListing.conflict_reason)
    rows = await table.select(*columns).where(PlatformListing.id.is_in(listed.others))
    if any(row["conflict_reason"] or row["status"] in ("sold", "failed") for row in rows):
        raise RuntimeError(f"item {listed.item}: its other listings ended {rows}")
    return all(row["status"] == "delisted" for row in rows)


async def _measure(
    workspace: uuid.UUID, listed: Listed, ticked: datetime, controls: dict[str, httpx.AsyncClient]
) -> Round:
    """Check the round's outcome (sold through the seller's listing, the 4 others gone without conflicts) and
    read its times from the database."""
    from backend.core.scoped import scoped
    from backend.jobs import service as jobs
    from backend.listings import service as listings
    from backend.listings.tables import Listing, PlatformListing

    rows = await scoped(PlatformListing, workspace).select().where(PlatformListing.id.is_in(listed.others))
    assert not [row for row in rows if row["conflict"]], rows
    last = max(row["updated_at"] for row in rows)
    prefix = f"delist:{listed.item}:"
    (parent,) = (
        await jobs.list_jobs_matching(workspace, listings.DELIST_KIND, key_prefix=prefix, limit=10, offset=0)
    ).items
    for _, flavour, login, item_id in listed.listings[1:]:
        left = (await controls[flavour].get("/__control/items", params={"seller": login})).json()
        assert all(str(entry["id"]) != item_id for entry in left), f"{item_id} still on {flavour}"
    (sold,) = await scoped(Listing, workspace).select(Listing.status, Listing.sold_via).where(Listing.id == listed.item)
    assert (sold["status"], sold["sold_via"]) == ("sold", listed.listings[0][0]), sold
    detected: datetime = parent.created_at
    return Round(
        detection=(detected - ticked).total_seconds(),
        delisting=(last - detected).total_seconds(),
        total=(last - ticked).total_seconds(),
    )


async def _workspace() -> tuple[uuid.UUID, list[uuid.UUID], int]:
    """A workspace on the plan with the 5 accounts; its sync interval in minutes."""
    from backend.auth.tables import Workspace
    from backend.billing import service as billing
    from backend.billing.tables import Subscription
    from backend.platforms.accounts import service as accounts
    from backend.platforms.accounts.schemas import AccountCreate

    workspace = uuid.uuid4()
    await Workspace.insert(Workspace(id=workspace, name="bench"))
    await Subscription.insert(Subscription(workspace=workspace, plan=PLAN, status="active"))
    account_ids = []
    for platform, _, login in ACCOUNTS:
        data = AccountCreate(platform=platform, login=login, password=PASSWORD, label=f"{login} ({platform})")
        account_ids.append((await accounts.create_account(workspace, data)).id)
    return workspace, account_ids, (await billing.effective_plan(workspace)).analytics_sync_minutes


async def run(rounds: int, urls: dict[str, str]) -> tuple[list[Round], int]:
    from backend import db
    from backend.core.clock import utcnow
    from backend.core.redis import create_redis

    await db.start()
    redis = create_redis()
    worker = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "worker"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL,
    )
    controls = {flavour: httpx.AsyncClient(base_url=url, timeout=60) for flavour, url in urls.items()}
    figures: list[Round] = []
    try:
        await wait_for_workers(redis)  # worker start-up is not what is measured
        for http in controls.values():
            await wait_until_async(lambda http=http: _ready(http), "a sandbox to answer /healthz")
        workspace, account_ids, interval = await _workspace()
        start = utcnow()
        base = await _tick(redis, workspace, start)
        await wait_until_async(lambda: _all_synced(workspace, base), "the base syncs", WAIT_LIMIT_SECONDS)
        for n in range(rounds):
            listed = await _list_item(workspace, n, account_ids, controls)
            _, flavour, _, item_id = listed.listings[0]
            (await controls[flavour].post(f"/__control/items/{item_id}/buy", json={"buyer": BUYER})).raise_for_status()
            # A slot of its own per round, later than every sync so far (the tick's `now` names the slot; the
            # syncs record their real time): every account is due, as at a real slot.
            ticked = utcnow()
            await _tick(redis, workspace, start + timedelta(minutes=interval * 2 * (n + 1)))
            delisted = functools.partial(_all_delisted, workspace, listed)
            await wait_until_async(delisted, f"round {n}'s delists", WAIT_LIMIT_SECONDS)
            figures.append(await _measure(workspace, listed, ticked, controls))
            # The other accounts' syncs of this slot end before the next round's tick.
            await wait_until_async(lambda: _idle(workspace), "the round's jobs to end", WAIT_LIMIT_SECONDS)
    finally:
        for http in controls.values():
            await http.aclose()
        stop(worker)
        await redis.aclose()
        await db.stop()
    return figures, interval


async def _idle(workspace: uuid.UUID) -> bool:
    from backend.jobs import service as jobs

    busy = 0
    for status in ("pending", "running", "retrying"):
        page = await jobs.list_jobs(workspace, kind=None, status=status, parent_id=None, limit=1, offset=0)
        busy += page.total
    return busy == 0


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ports = {"a": port_from_env("BENCH_SANDBOX_PORT"), "b": port_from_env("BENCH_SANDBOX_B_PORT")}
    urls = {flavour: f"http://127.0.0.1:{port}" for flavour, port in ports.items()}
    sandboxes = [_start_sandbox(flavour, port) for flavour, port in ports.items()]
    extra = {
        "SANDBOX_URL": urls["a"],
        "SANDBOX_B_URL": urls["b"],
        "AUTOMATION_FAST_MODE": "true",
        "BROWSER_HEADLESS": "true",
        "ANALYTICS_SYNC_ENABLED": "false",
    }
    load_before = _load()
    started = time.monotonic()
    try:
        with bench_environment(**extra):
            figures, interval = asyncio.run(run(args.rounds, urls))
    finally:
        for process in sandboxes:
            stop(process)
    print(f"machine: {machine()}")
    print(f"command: python bench/crosslist_delist.py --rounds {args.rounds}")
    print(f"load average (1 / 5 / 15 min) before: {load_before}, after: {_load()}")
    print(f"wall time of the run: {time.monotonic() - started:.0f} s")
    print(f"sync interval ({PLAN} plan): {interval} min; target: sale → last delisted ≤ {interval} min + 30 s")
    print("per round (s): " + ", ".join(f"{r.detection:.1f} + {r.delisting:.1f} = {r.total:.1f}" for r in figures))
    print(f"tick → sale recorded, min / median / max: {spread([r.detection for r in figures])} s")
    print(f"sale recorded → last of 4 delisted, min / median / max: {spread([r.delisting for r in figures])} s")
    print(f"tick → last delisted, min / median / max: {spread([r.total for r in figures])} s")
    worst = max(r.total for r in figures)
    verdict = "met" if worst <= 30 else "NOT met"
    print(f"worst case sale → last delisted: {interval} min (waiting for the slot) + {worst:.1f} s: target {verdict}")


if __name__ == "__main__":
    main()
