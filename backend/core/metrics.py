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


def forget_this_process() -> None:
    """Drop this process's live gauges (open streams, contexts…) from the sum: it is stopping."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def forget_process_at_exit() -> None:
    """`forget_this_process` when the interpreter exits (a worker; uvicorn's child processes skip
    `atexit`, so the API calls it at the end of its lifespan)."""
    if multiprocess_dir() is not None:
        atexit.register(forget_this_process)
