"""Prometheus metrics of the API process.

Requests: count and latency by route template and status (Litestar's plugin).
Jobs: queue depth and jobs by kind and status, read fresh at each scrape.
Workers serve their own job-duration and limiter metrics (WORKER_METRICS_PORT).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from prometheus_client import Gauge

from backend.jobs import service as jobs_service

METRICS_PATH = "/metrics"

QUEUE_DEPTH = Gauge("sellpilot_queue_depth", "arq jobs queued and not yet taken by a worker")
JOBS = Gauge("sellpilot_jobs", "Job records by kind and status", ["kind", "status"])


def build_prometheus_config() -> PrometheusConfig:
    return PrometheusConfig(
        app_name="sellpilot",
        prefix="sellpilot",
        # Label by route template (`/api/v1/workspaces/{workspace_id}`), not raw path.
        group_path=True,
        # Unmatched paths have no template; counting them by raw path would let
        # anyone create unbounded label values.
        exclude_unhandled_paths=True,
        exclude=[METRICS_PATH],
    )


async def refresh_job_gauges(request: Request[Any, Any, Any]) -> None:
    QUEUE_DEPTH.set(await jobs_service.queue_depth(request.app.state.redis))
    rows = await jobs_service.counts_by_kind_and_status()
    JOBS.clear()
    for row in rows:
        JOBS.labels(kind=row["kind"], status=row["status"]).set(int(row["n"]))


class MetricsController(PrometheusController):
    path = METRICS_PATH
    include_in_schema = False
    before_request = refresh_job_gauges  # type: ignore[assignment]
