"""Prometheus in one process or several: which registry a scrape reads.

With `PROMETHEUS_MULTIPROC_DIR` set (before `prometheus_client` is first
imported, so in the process environment), every process on a machine writes
its metrics to files in that directory and any of them serves the sum: API
processes on `/metrics`, a worker on its metrics port. The directory must exist
and be empty when the first process starts (a tmpfs, or a fresh directory).
Gauges say how to combine processes (`multiprocess_mode`); a process that
stops cleanly removes its live gauges (`mark_process_dead`).
"""

from __future__ import annotations

import atexit
import os

from prometheus_client import REGISTRY, CollectorRegistry, multiprocess

ENV_NAME = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_dir() -> str | None:
    return os.environ.get(ENV_NAME) or None


def scrape_registry() -> CollectorRegistry:
    """The registry to expose: this process's own, or all processes' through the shared directory."""
    if multiprocess_dir() is None:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def forget_process_at_exit() -> None:
    """Drop this process's live gauges (open streams, contexts…) from the sum when it exits."""
    if multiprocess_dir() is not None:
        pid = os.getpid()
        atexit.register(multiprocess.mark_process_dead, pid)
