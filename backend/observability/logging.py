"""Structured logs: JSON lines in production, readable lines locally.

Standard-library loggers (uvicorn, arq, litestar) go through the same
processors, so every line has the same shape and the request id.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend.observability.redact import SecretScrubber, redact_secret_fields
from backend.settings import ObservabilitySettings

REQUEST_ID_HEADER = b"x-request-id"
log = structlog.get_logger("sellpilot.request")


def configure_logging(settings: ObservabilitySettings) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    # Plain tracebacks: the default (rich) one prints every frame's local variables,
    # which hold request bodies with passwords and tokens.
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    final: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta, redact_secret_fields]
    if settings.log_json:
        final.append(structlog.processors.format_exc_info)
    final.append(renderer)
    # After rendering, so tracebacks and other libraries' lines are scrubbed too.
    final.append(SecretScrubber(settings.secret_values))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=final))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level)
    # One access line per request comes from `request_log_middleware`.
    logging.getLogger("uvicorn.access").disabled = True
    arq_worker = logging.getLogger("arq.worker")
    if not any(isinstance(f, _JobRunLinesFilter) for f in arq_worker.filters):
        arq_worker.addFilter(_JobRunLinesFilter())


class _JobRunLinesFilter(logging.Filter):
    """Leaves out arq's start and success lines of the jobs engine's runs (its `run_job` task).

    The engine logs one line per run with the job's kind, ids and real outcome (`job_finished`,
    `job_retrying`, …); arq's two carry only arq's ids and call every run a success, even a job
    that failed. Failures, retries and other tasks' lines stay.
    """

    # arq.worker's formats for "started" and "succeeded" (arq 0.2x).
    LINES = frozenset({"%6.2fs → %s(%s)%s", "%6.2fs ← %s ● %s"})

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg not in self.LINES or not isinstance(record.args, tuple) or len(record.args) < 2:
            return True
        return not str(record.args[1]).endswith(":run_job")


def request_log_middleware(app: ASGIApp) -> ASGIApp:
    """Give each request an id (kept from `X-Request-ID` if sent) and log one line when it ends.

    Only method, route template, status and timing are logged: never headers or
    bodies, which carry passwords and tokens.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        method = scope["method"]
        sent_id = dict(scope["headers"]).get(REQUEST_ID_HEADER, b"").decode("latin-1")
        request_id = sent_id if 0 < len(sent_id) <= 64 and sent_id.isprintable() else uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                method=method,
                route=scope.get("path_template", "<unmatched>"),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            # The workspace is bound by authentication (`backend.auth.security`), once the caller is known.
            structlog.contextvars.unbind_contextvars("request_id", "workspace_id")

    return middleware
