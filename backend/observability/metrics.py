"""Prometheus metrics: request count and latency by route template and status."""

from __future__ import annotations

from litestar.plugins.prometheus import PrometheusConfig, PrometheusController

METRICS_PATH = "/metrics"


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


class MetricsController(PrometheusController):
    path = METRICS_PATH
    include_in_schema = False
