"""Prometheus metrics of the API process.

Requests: count and latency by route template and status (Litestar's plugin).
Jobs: queue depth and age, live workers, jobs by kind and status; platform accounts needing
attention; Stripe events not handled yet — read fresh at each scrape, so they
cost a few queries per scrape and nothing between.
Workers serve their own job-duration and limiter metrics (WORKER_METRICS_PORT).
With PROMETHEUS_MULTIPROC_DIR set, every process on the machine adds to the
same files and any API process's /metrics shows the sum (`backend.core.metrics`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.response import Response
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest

from backend.billing import service as billing_service
from backend.core.metrics import scrape_registry
from backend.jobs import service as jobs_service
from backend.platforms import service as platforms_service

METRICS_PATH = "/metrics"

# Facts about the whole deployment, set at a scrape by whichever process serves it: the latest wins.
QUEUE_DEPTH = Gauge(
    "sellpilot_queue_depth", "arq jobs queued and not yet taken by a worker", multiprocess_mode="mostrecent"
)
QUEUE_AGE = Gauge(
    "sellpilot_queue_oldest_age_seconds",
    "How long the oldest job due now has waited for a worker",
    multiprocess_mode="mostrecent",
)
WORKERS_ALIVE = Gauge(
    "sellpilot_workers_alive", "Worker processes with a recent heartbeat in Redis", multiprocess_mode="mostrecent"
)
JOBS = Gauge("sellpilot_jobs", "Job records by kind and status", ["kind", "status"], multiprocess_mode="mostrecent")
ACCOUNTS_NEEDING_ATTENTION = Gauge(
    "sellpilot_accounts_needing_attention",
    "Platform accounts paused until a person fixes them (captcha, challenge, lost session), by platform",
    ["platform"],
    multiprocess_mode="mostrecent",
)
WEBHOOK_BACKLOG = Gauge(
    "sellpilot_billing_events_unhandled", "Stripe events stored and not handled yet", multiprocess_mode="mostrecent"
)
WEBHOOK_BACKLOG_AGE = Gauge(
    "sellpilot_billing_events_oldest_unhandled_age_seconds",
    "Age of the oldest Stripe event not handled yet (0 when none)",
    multiprocess_mode="mostrecent",
)


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


def _set_labelled(gauge: Gauge, seen: set[tuple[str, ...]], values: dict[tuple[str, ...], int]) -> None:
    """Set each labelled value; one seen before and gone now is set to 0 (in multi-process mode a
    `clear()` would leave its last value in the shared files)."""
    for labels in seen - values.keys():
        gauge.labels(*labels).set(0)
    for labels, value in values.items():
        gauge.labels(*labels).set(value)
    seen.update(values)


_JOB_LABELS: set[tuple[str, ...]] = set()
_ACCOUNT_LABELS: set[tuple[str, ...]] = set()


async def refresh_gauges(request: Request[Any, Any, Any]) -> None:
    redis = request.app.state.redis
    QUEUE_DEPTH.set(await jobs_service.queue_depth(redis))
    QUEUE_AGE.set(await jobs_service.queue_oldest_age_seconds(redis))
    WORKERS_ALIVE.set(await jobs_service.count_live_workers(redis))
    rows = await jobs_service.counts_by_kind_and_status()
    _set_labelled(JOBS, _JOB_LABELS, {(row["kind"], row["status"]): int(row["n"]) for row in rows})
    attention = await platforms_service.needing_attention_by_platform()
    _set_labelled(ACCOUNTS_NEEDING_ATTENTION, _ACCOUNT_LABELS, {(p,): n for p, n in attention.items()})
    backlog, oldest = await billing_service.unhandled_backlog()
    WEBHOOK_BACKLOG.set(backlog)
    WEBHOOK_BACKLOG_AGE.set(oldest)


class MetricsController(PrometheusController):
    path = METRICS_PATH
    include_in_schema = False
    before_request = refresh_gauges  # type: ignore[assignment]

    @get()
    async def get(self) -> Response[bytes]:
        """This process's metrics, or every process's on this machine in multi-process mode."""
        return Response(generate_latest(scrape_registry()), headers={"Content-Type": CONTENT_TYPE_LATEST})
