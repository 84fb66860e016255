"""The request a job came from, and what its log lines and error reports say about it.

A request binds its id (and, once its caller is known, the workspace) to structlog's
contextvars. `with_origin` keeps that request id in the payload of a job the request
creates (no extra column, no extra round trip: it goes in with the row), and the worker
runs the job inside `job_context`, so every line the job logs carries the same
`request_id`, and an error it reports to Sentry is tagged with its workspace and kind.
Nothing personal is kept: ids only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sentry_sdk
import structlog

# In a job's payload; handlers read their own keys and never this one.
REQUEST_ID_KEY = "_request_id"


def with_origin(payload: dict[str, Any] | None) -> dict[str, Any]:
    """`payload` with the id of the request (or job) creating it, when there is one."""
    payload = dict(payload or {})
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id and REQUEST_ID_KEY not in payload:
        payload[REQUEST_ID_KEY] = str(request_id)
    return payload


@contextmanager
def job_context(row: dict[str, Any]) -> Iterator[None]:
    """Run a job with its ids bound to the log context and a Sentry scope of its own.

    The request id comes from the job's payload (children a job spawns inherit it); the
    Sentry tags are set on a fresh isolation scope, so concurrent jobs never share them.
    """
    payload = row.get("payload")
    request_id = payload.get(REQUEST_ID_KEY) if isinstance(payload, dict) else None
    bound: dict[str, Any] = {"job_id": str(row["id"]), "job_kind": row["kind"], "workspace_id": str(row["workspace"])}
    if request_id:
        bound["request_id"] = str(request_id)
    with structlog.contextvars.bound_contextvars(**bound):
        if not sentry_sdk.get_client().is_active():
            yield  # no Sentry (the default): no scope to fork on every job
            return
        with sentry_sdk.isolation_scope() as scope:
            scope.set_tag("workspace_id", bound["workspace_id"])
            scope.set_tag("job_kind", row["kind"])
            if request_id:
                scope.set_tag("request_id", bound["request_id"])
            yield
