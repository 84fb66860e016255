"""No secret reaches a log line, in JSON or in readable format, tracebacks included."""

from __future__ import annotations

import io
import logging
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog

from backend.auth import service as auth_service
from backend.billing import service as billing
from backend.observability.logging import configure_logging
from backend.observability.redact import SecretScrubber
from backend.settings import get_settings, load_settings
from tests.helpers import PASSWORD, bearer, register

STRIPE_KEY = "sk_test_" + "Zq8" * 10
WEBHOOK_SECRET = "whsec_" + "Wb5" * 10


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("log_json", ["true", "false"], ids=["json", "readable"])
async def test_no_secret_is_logged_in_either_format(
    client: httpx.AsyncClient, override_env: Any, monkeypatch: pytest.MonkeyPatch, log_json: str
) -> None:
    override_env(
        LOG_JSON=log_json,
        LOG_LEVEL="DEBUG",
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_PRICE_PRO="price_pro_test",
        STRIPE_PRICE_BUSINESS="price_business_test",
        STRIPE_API_BASE=f"http://127.0.0.1:{_closed_port()}",
    )
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging(get_settings().observability)
    for handler in root.handlers:
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)
    try:
        account = await register(client)
        secrets = {
            "Stripe key": STRIPE_KEY,
            "webhook secret": WEBHOOK_SECRET,
            "SECRET_KEY": get_settings().auth.secret_key,
            "password": PASSWORD,
            "access token": account.access_token,
            "refresh token": account.refresh_token,
        }

        # Stripe unreachable, through the API...
        checkout = await client.post("/api/v1/billing/checkout", headers=account.headers, json={"plan": "pro"})
        assert checkout.status_code == 503
        # ...and a Stripe failure some code logs with its traceback (frames whose locals hold the key).
        try:
            await billing.stripe_client().v1.customers.create_async(params={"email": account.email})
        except Exception:
            structlog.get_logger("tests.stripe").exception("stripe_call_failed")

        # A wrong password, and a request with a bearer token that fails inside (a traceback).
        wrong = await client.post("/api/v1/auth/login", json={"email": account.email, "password": PASSWORD + "x"})
        assert wrong.status_code == 401

        async def broken(*_: Any) -> Any:
            raise RuntimeError("the database went away")

        monkeypatch.setattr(auth_service, "get_user", broken)
        failed = await client.get("/api/v1/auth/me", headers=bearer(account.access_token))
        assert failed.status_code == 500

        # Code that logs what it should not: secret-looking fields, and secrets inside text.
        log = structlog.get_logger("tests.careless")
        log.warning(
            "careless",
            password=PASSWORD,
            refresh_token=account.refresh_token,
            headers={"Authorization": f"Bearer {account.access_token}", "Cookie": f"session={account.refresh_token}"},
        )
        log.warning(f"calling Stripe with {STRIPE_KEY} for a user with Bearer {account.access_token}")
        logging.getLogger("tests.stdlib").warning("webhook secret is %s", WEBHOOK_SECRET)
    finally:
        root.handlers, root.level = saved_handlers, saved_level

    output = buffer.getvalue()
    # The log did record all of it (so the checks below are not vacuous).
    for expected in ("stripe_call_failed", "unhandled_error", "careless", "Traceback", "APIConnectionError"):
        assert expected in output
    leaked = [name for name, value in secrets.items() if value in output]
    assert leaked == [], f"{', '.join(leaked)} appeared in the {'JSON' if log_json == 'true' else 'readable'} log"
    assert "[redacted]" in output


def test_passwords_in_connection_urls_are_cut_but_the_apps_name_stays(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://sellpilot:sellpilot@postgres:5432/sellpilot",
            "REDIS_URL": "redis://:r3dis-pa55word@redis:6379/0",
        }
    )
    scrub = SecretScrubber(settings.observability.secret_values).scrub
    line = "[sellpilot.db] cannot reach postgresql://sellpilot:sellpilot@postgres:5432/sellpilot or redis://:r3dis-pa55word@redis"
    assert scrub(line) == (
        "[sellpilot.db] cannot reach postgresql://sellpilot:[redacted]@postgres:5432/sellpilot or redis://:[redacted]@redis"
    )
