"""Error reporting to Sentry, switched on by SENTRY_DSN."""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.litestar import LitestarIntegration

from backend.settings import Settings


def configure_sentry(settings: Settings, *, worker: bool = False) -> bool:
    dsn = settings.observability.sentry_dsn
    if not dsn:
        return False
    integrations: list[sentry_sdk.integrations.Integration] = [LitestarIntegration()]
    if worker:
        from sentry_sdk.integrations.arq import ArqIntegration

        integrations = [ArqIntegration()]
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
    )
    return True
