"""A 500-image crawl on the bundled sandbox marketplace: images kept per minute.

The real stack end to end: a sandbox process with a generated gallery (550 items for
one keyword, 2 % exact and 2 % re-encoded repeats), one worker process running the
`collect.crawl` parent and its `collect.chunk` children in real headless Chromium as
one sandbox account (so one chunk at a time: one action at a time per account), every
image downloaded through the account's browser context, checked at the `fast` level,
looked up for duplicates, stored in media. Human pacing is off (AUTOMATION_FAST_MODE),
as in the tests. What is timed is the collection's started_at → finished_at; images
per minute = kept / that time. Each round is a new collection in a new workspace.

    uv run python bench/collect_crawl.py [--images 500] [--chunk 25] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

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

PASSWORD = "bench-pass-1"  # noqa: S105 - a throwaway sandbox user
KEYWORD = "benchcat"


async def _sandbox_ready(http: httpx.AsyncClient) -> bool:
    with contextlib.suppress(httpx.HTTPError):
        return (await http.get("/healthz")).status_code == 200
    return False


async def run(images: int, chunk: int, rounds: int, env: dict[str, str], sandbox_url: str) -> list[tuple[float, int]]:
    from backend import db
    from backend.auth.tables import Workspace
    from backend.billing.tables import Subscription
    from backend.collect import service as collect
    from backend.collect.crawl import service as crawl
    from backend.collect.schemas import CollectionIn, ProjectIn
    from backend.core.redis import create_redis
    from backend.platforms.accounts import service as accounts
    from backend.platforms.accounts.schemas import AccountCreate

    await db.start()
    redis = create_redis()
    worker = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=None
    )
    figures: list[tuple[float, int]] = []
    try:
        await wait_for_workers(redis)  # worker start-up is not what we measure
        async with httpx.AsyncClient(base_url=sandbox_url, timeout=60) as http:
            await wait_until_async(lambda: _sandbox_ready(http), "the sandbox to answer /healthz")
            for n in range(rounds):
                keyword = f"{KEYWORD}{n}"
                made = await http.post(
                    "/__control/gallery",
                    json={
                        "keyword": keyword,
                        "count": images + images // 10,
                        "exact_share": 0.02,
                        "near_share": 0.02,
                        "seed": n,
                    },
                )
                made.raise_for_status()
                login = f"bench{n}{uuid.uuid4().hex[:4]}"
                (await http.post("/__control/users", json={"username": login, "password": PASSWORD})).raise_for_status()
                workspace = uuid.uuid4()
                await Workspace.insert(Workspace(id=workspace, name="bench"))
                await Subscription.insert(Subscription(workspace=workspace, plan="business", status="active"))
                account = await accounts.create_account(
                    workspace, AccountCreate(platform="sandbox", login=login, password=PASSWORD)
                )
                project = await collect.create_project(workspace, ProjectIn(name="Bench"), None)
                collection = await collect.create_collection(
                    workspace,
                    CollectionIn(
                        project_id=project.id,
                        name=f"Bench {n}",
                        keywords=[keyword],
                        account_id=account.id,
                        max_images=images,
                        chunk_size=chunk,
                    ),
                    None,
                )
                await crawl.start(redis, workspace, collection.id, None)
                while (row := await collect.get_collection(workspace, collection.id)).status == "running":
                    await asyncio.sleep(0.5)
                assert row.status == "completed", row
                assert row.started_at
                assert row.finished_at
                figures.append(((row.finished_at - row.started_at).total_seconds(), row.kept))
    finally:
        stop(worker)
        await redis.aclose()
        await db.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--chunk", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    port = port_from_env("BENCH_SANDBOX_PORT")
    sandbox_url = f"http://127.0.0.1:{port}"
    sandbox_db = Path(tempfile.mkdtemp(prefix="sandbox-bench-")) / "sandbox.sqlite3"
    sandbox = subprocess.Popen(  # our own CLI, started once before timing
        [sys.executable, "-m", "backend.cli", "sandbox", "--port", str(port), "--db", str(sandbox_db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    extra = {
        "SANDBOX_URL": sandbox_url,
        "AUTOMATION_FAST_MODE": "true",
        "BROWSER_HEADLESS": "true",
        # A chunk of 25 downloads fits well inside; the default (120 s) is for production's pacing.
        "WORKER_JOB_TIMEOUT_SECONDS": "300",
    }
    try:
        with bench_environment(**extra) as env:
            figures = asyncio.run(run(args.images, args.chunk, args.rounds, env, sandbox_url))
    finally:
        stop(sandbox)
    walls = [wall for wall, _ in figures]
    rates = [kept / wall * 60 for wall, kept in figures]
    print(f"machine: {machine()}")
    print(f"command: python bench/collect_crawl.py --images {args.images} --chunk {args.chunk} --rounds {args.rounds}")
    print(f"kept per round: {[kept for _, kept in figures]}")
    print(f"crawl wall time (started → finished), min / median / max: {spread(walls)} s")
    print(f"images kept per minute, min / median / max: {spread(rates)}")


if __name__ == "__main__":
    main()
