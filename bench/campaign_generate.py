"""100 campaign posts written by the real batch handler with an AI provider of fixed 200 ms latency at concurrency 5.

The ideal is 100 x 0.2 s / 5 = 4 s: the provider is the only wait. The run uses the
real stack: a campaign and its batch made through the content service, one
`campaign.generate` job in one worker process, the real `openai` client against a
local OpenAI-compatible server that answers every caption after exactly 200 ms,
the Redis limiter capping concurrency at 5, one AI generation charged per post.
Wall time is the job's started → finished; each round is a new batch in a new
campaign, on the same worker.

    uv run python bench/campaign_generate.py [--posts 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import ROOT, bench_environment, machine, spread, stop, wait_for_workers

LATENCY = 0.2
CONCURRENCY = 5


class Provider(BaseHTTPRequestHandler):
    peak = 0
    in_flight = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with Provider.lock:
            Provider.in_flight += 1
            Provider.peak = max(Provider.peak, Provider.in_flight)
        time.sleep(LATENCY)
        with Provider.lock:
            Provider.in_flight -= 1
        message = {"role": "assistant", "content": "A caption written by the benchmark #bench"}
        body = json.dumps(
            {
                "id": "chatcmpl-bench",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": "bench",
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


async def run(posts: int, rounds: int, env: dict[str, str]) -> list[tuple[float, float]]:
    from backend import db
    from backend.auth.tables import Workspace
    from backend.billing.tables import Subscription
    from backend.campaigns import service as campaigns
    from backend.campaigns.content import service as content
    from backend.campaigns.schemas import CampaignIn, GenerateIn, PostBrief
    from backend.core.redis import create_redis
    from backend.jobs import service as jobs

    await db.start()
    redis = create_redis()
    workspace = uuid.uuid4()
    await Workspace.insert(Workspace(id=workspace, name="bench"))
    await Subscription.insert(Subscription(workspace=workspace, plan="business", status="active"))
    worker = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    figures = []
    try:
        await wait_for_workers(redis)  # worker start-up is not what we measure
        for n in range(rounds):
            brief = CampaignIn(name=f"Bench {n}", description="Linen shirts", brand_name="Bench & Co", tone="warm")
            campaign = await campaigns.create_campaign(workspace, brief, None)
            request = GenerateIn(posts=[PostBrief(topic=f"Shirt {i}") for i in range(posts)])
            requested = time.perf_counter()
            batch = await content.generate(redis, workspace, uuid.uuid4(), campaign.id, request)
            assert batch.job_id
            while (row := await jobs.get_job(workspace, batch.job_id)).status not in (
                "succeeded",
                "failed",
                "cancelled",
            ):
                await asyncio.sleep(0.05)
            end_to_end = time.perf_counter() - requested
            assert row.done == posts, row
            assert row.started_at
            assert row.finished_at
            figures.append(((row.finished_at - row.started_at).total_seconds(), end_to_end))
    finally:
        stop(worker)
        await redis.aclose()
        await db.stop()
    return figures


def _ratios(values: list[float], ideal: float) -> str:
    """min / median / max as multiples of the ideal, to the third decimal (`spread` rounds to one)."""
    ordered = sorted(v / ideal for v in values)
    return f"{ordered[0]:.3f} / {statistics.median(ordered):.3f} / {ordered[-1]:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    extra = {
        "OPENAI_API_KEY": "sk-bench",
        "OPENAI_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}/v1",
        "OPENAI_MAX_RETRIES": "0",
        "AI_MAX_CONCURRENCY": str(CONCURRENCY),
        "AI_WORKSPACE_MAX_CONCURRENCY": str(CONCURRENCY),
    }
    with bench_environment(**extra) as env:
        figures = asyncio.run(run(args.posts, args.rounds, env))
    server.shutdown()
    ideal = args.posts * LATENCY / CONCURRENCY
    walls = [wall for wall, _ in figures]
    ends = [end for _, end in figures]
    print(f"machine: {machine()}")
    print(f"command: python bench/campaign_generate.py --posts {args.posts} --rounds {args.rounds}")
    print(f"{args.posts} posts, provider latency {LATENCY * 1000:.0f} ms, concurrency {CONCURRENCY}, one worker")
    print(f"ideal: {ideal:.2f} s")
    print(f"job wall time (started → finished), min / median / max: {spread(walls)} s")
    print(f"  = {_ratios(walls, ideal)} x ideal")
    print(f"request → finished (incl. queueing), min / median / max: {spread(ends)} s")
    print(f"  = {_ratios(ends, ideal)} x ideal")
    print(f"peak requests in flight at the provider: {Provider.peak}")


if __name__ == "__main__":
    main()
