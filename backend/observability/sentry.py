"""Error reporting to Sentry, switched on by SENTRY_DSN.

Events are tagged with the ids the log context holds (workspace, job kind, request id:
see `backend.jobs.context` and the request middleware) and carry nothing personal:
no email, no IP address, no cookies or auth headers, no frame locals.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
import structlog
from sentry_sdk.integrations.litestar import LitestarIntegration
from sentry_sdk.transport import Transport

from backend.settings import Settings

# Log-context keys that become Sentry tags: ids only.
TAGGED = ("workspace_id", "job_kind", "request_id")
# Request headers that name or locate a person, or carry a credential.
PERSONAL_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-forwarded-for", "x-real-ip", "forwarded", "x-api-key"}
)


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any] | None:
    """Tag the event with the current workspace, job kind and request id; strip personal data."""
    context = structlog.contextvars.get_contextvars()
    tags = event.setdefault("tags", {})
    for key in TAGGED:
        if context.get(key) and key not in tags:
            tags[key] = str(context[key])
    user = event.get("user")
    if isinstance(user, dict):
        # An id is enough to find the account; email, name and IP address are not sent.
        event["user"] = {"id": user["id"]} if user.get("id") else {}
    request = event.get("request")
    if isinstance(request, dict):
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() not in PERSONAL_HEADERS}
        request.pop("cookies", None)
        request.pop("data", None)
        env = request.get("env")
        if isinstance(env, dict):
            env.pop("REMOTE_ADDR", None)
    return event


def configure_sentry(settings: Settings, *, worker: bool = False, transport: type[Transport] | None = None) -> bool:
    """Start Sentry when SENTRY_DSN is set (`transport`: the tests' capture of what would be sent)."""
    dsn = settings.observability.sentry_dsn
    if not dsn:
        return False
    integrations: list[sentry_sdk.integrations.Integration] = [LitestarIntegration()]
    if worker:
        from sentry_sdk.integrations.arq import ArqIntegration

        integrations = [ArqIntegration()]
    options: dict[str, Any] = {"transport": transport} if transport is not None else {}
    sentry_sdk.init(
        dsn=dsn,
        environment=settings.app_env,
        release=f"sellpilot@{settings.version}",
        traces_sample_rate=settings.observability.sentry_traces_sample_rate,
        send_default_pii=False,  # no user emails, IPs, cookies or auth headers
        # Frame locals hold the ASGI scope (raw Authorization header), request
        # bodies (passwords) and decrypted credentials: never ship them.
        include_local_variables=False,
        integrations=integrations,
        before_send=before_send,  # type: ignore[arg-type]
        **options,
    )
    return True
