"""200 photos through analyze with an AI provider of fixed 200 ms latency at concurrency 5.

The ideal is 200 x 0.2 s / 5 = 8 s: the provider is the only wait. The run uses
the real stack: photos uploaded through the media service, one analyze job in
one worker process, the real `openai` client against a local OpenAI-compatible
server that answers every request after exactly 200 ms, the Redis limiter
capping concurrency at 5. Wall time is the job's started → finished.

    uv run python bench/analyze_wall_time.py [--photos 200]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import ROOT, bench_environment, machine, stop, wait_for_workers

LATENCY = 0.2
CONCURRENCY = 5
DRAFT = {
    "title": "Benchmark item",
    "description": "A photo analysed by the benchmark.",
    "price": 10.0,
    "currency": "EUR",
    "category": "Other",
    "brand": None,
    "size": None,
    "condition": "good",
    "colours": ["grey"],
    "materials": [],
    "keywords": ["bench"],
}


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
        body = json.dumps(
            {
                "id": "chatcmpl-bench",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": "bench",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": json.dumps(DRAFT)},
                        "finish_reason": "stop",
                    }
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def small_photo(i: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (i % 255, (i * 7) % 255, (i * 13) % 255))
    ImageDraw.Draw(image).rectangle([i % 200, i % 150, i % 200 + 60, i % 150 + 40], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


async def run(photos: int, env: dict[str, str]) -> tuple[float, float]:
    from backend import db
    from backend.auth.tables import Workspace
    from backend.billing.tables import Subscription
    from backend.core.redis import create_redis
    from backend.jobs import service as jobs
    from backend.listings import service as listings
    from backend.media import service as media

    await db.start()
    redis = create_redis()
    workspace = uuid.uuid4()
    await Workspace.insert(Workspace(id=workspace, name="bench"))
    await Subscription.insert(Subscription(workspace=workspace, plan="business", status="active"))
    uploaded = []
    for start in range(0, photos, 50):
        batch = [media.IncomingFile(f"p{i}.jpg", small_photo(i)) for i in range(start, min(photos, start + 50))]
        uploaded += await media.upload(workspace, batch)
    worker = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    await wait_for_workers(redis)  # worker start-up is not what we measure
    requested = time.perf_counter()
    job = await listings.start_analysis(redis, workspace, uuid.uuid4(), [m.id for m in uploaded], None)
    while (row := await jobs.get_job(workspace, job.id)).status not in ("succeeded", "failed", "cancelled"):
        await asyncio.sleep(0.05)
    end_to_end = time.perf_counter() - requested
    stop(worker)
    assert row.done == photos, row
    assert row.started_at
    assert row.finished_at
    await redis.aclose()
    await db.stop()
    return (row.finished_at - row.started_at).total_seconds(), end_to_end


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=200)
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
        wall, end_to_end = asyncio.run(run(args.photos, env))
    server.shutdown()
    ideal = args.photos * LATENCY / CONCURRENCY
    print(f"machine: {machine()}")
    print(f"{args.photos} photos, provider latency {LATENCY * 1000:.0f} ms, concurrency {CONCURRENCY}, one worker")
    print(f"ideal: {ideal:.2f} s")
    print(f"job wall time (started → finished): {wall:.2f} s = {wall / ideal:.3f}x ideal")
    print(f"request → finished (incl. queueing): {end_to_end:.2f} s = {end_to_end / ideal:.3f}x ideal")
    print(f"peak requests in flight at the provider: {Provider.peak}")


if __name__ == "__main__":
    main()
