"""Health, readiness, metrics, API docs, CORS and the app page."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.core.redis import create_redis, redis_key
from backend.jobs import heartbeat
from backend.platforms.runtime.chromium import find_chromium
from tests.helpers import register


async def test_health_answers_without_auth(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_database_and_redis(app: Any, client: httpx.AsyncClient) -> None:
    await heartbeat.record_heartbeat(app.state.redis, "test-worker")
    response = await client.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["redis"] == "ok"
    assert body["workers"] == 1


async def test_ready_is_503_while_no_worker_is_alive(app: Any, client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["workers"] == 0
    assert "no worker alive" in body["detail"]
    assert body["database"] == "ok"
    assert body["redis"] == "ok"

    # A worker whose heartbeat stopped (killed, or cut off from Redis) does not count.
    stale = time.time() - heartbeat.max_age_seconds() - 1
    await app.state.redis.zadd(redis_key("worker", "heartbeats"), {"dead-worker": stale})
    assert (await client.get("/ready")).status_code == 503

    await heartbeat.record_heartbeat(app.state.redis, "live-worker")
    alive = await client.get("/ready")
    assert alive.status_code == 200, alive.text
    assert alive.json()["workers"] == 1


async def test_ready_is_503_naming_redis_when_it_is_down(app: Any, client: httpx.AsyncClient) -> None:
    working = app.state.redis
    app.state.redis = create_redis("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        response = await client.get("/ready")
    finally:
        await app.state.redis.aclose()
        app.state.redis = working
    assert response.status_code == 503
    assert response.json()["status_code"] == 503
    assert "redis" in response.json()["detail"]
    assert response.json()["database"] == "ok"


async def test_metrics_count_requests_by_route_template_and_status(client: httpx.AsyncClient) -> None:
    account = await register(client)
    await client.get(f"/api/v1/workspaces/{account.workspace_id}", headers=account.headers)
    metrics = (await client.get("/metrics")).text
    template_line = [
        line
        for line in metrics.splitlines()
        if line.startswith("sellpilot_requests_total")
        and 'path="/api/v1/workspaces/{workspace_id}"' in line
        and 'status_code="200"' in line
    ]
    assert template_line, metrics[:2000]
    assert account.workspace_id not in metrics
    assert "sellpilot_request_duration_seconds_bucket" in metrics


async def test_openapi_types_every_route_and_docs_are_served(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    expected = {
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/workspaces",
        "/api/v1/workspaces/{workspace_id}/switch",
        "/api/v1/workspaces/{workspace_id}/members",
        "/api/v1/workspaces/{workspace_id}/members/{user_id}",
    }
    assert expected <= set(schema["paths"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = [code for code in responses if code.startswith("2")]
            assert success, (path, method)
            if method != "delete" and success != ["204"] and path != "/api/v1/auth/logout":
                content = responses[success[0]].get("content", {})
                media = "text/event-stream" if path.endswith("/events") and method == "get" else "application/json"
                if path.endswith(("/file", "/thumbnail")):
                    continue  # image bytes
                if set(content) & {"application/zip", "text/csv"}:
                    continue  # a download (a collection's zip, a CSV export), documented as such
                assert media in content, (path, method, content)
                if media == "application/json":
                    assert content[media].get("schema"), (path, method)
    assert "TokenPair" in schema["components"]["schemas"]
    for docs in ("/schema/swagger", "/schema/redoc"):
        page = await client.get(docs)
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]


async def test_cors_allows_configured_origins_only(client: httpx.AsyncClient) -> None:
    allowed = await client.options(
        "/api/v1/auth/login",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"},
    )
    assert allowed.status_code in (200, 204)
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    other = await client.options(
        "/api/v1/auth/login",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert other.headers.get("access-control-allow-origin") != "https://evil.example"


async def test_the_app_page_is_served_at_root(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "Sellpilot" in response.text
    deep_link = await client.get("/listings/123")
    assert deep_link.status_code == 200
    assert "Sellpilot" in deep_link.text


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    generated = await client.get("/health")
    assert len(generated.headers["x-request-id"]) == 32
    kept = await client.get("/health", headers={"X-Request-ID": "trace-abc-123"})
    assert kept.headers["x-request-id"] == "trace-abc-123"


async def test_ready_shows_the_browser_but_is_not_failed_by_its_absence(
    app: Any, client: httpx.AsyncClient, override_env: Any, tmp_path: Path
) -> None:
    await heartbeat.record_heartbeat(app.state.redis, "test-worker")  # readiness also needs a live worker
    real = find_chromium(None).path
    configured = tmp_path / "chromium"
    override_env(CHROMIUM_PATH=str(configured))
    missing = await client.get("/ready")
    assert missing.status_code == 200, "the API works without a browser"
    assert missing.json()["browser"] == {
        "ok": False,
        "detail": f"Chromium not found at CHROMIUM_PATH={configured}: apt install chromium, or set CHROMIUM_PATH",
    }
    if real is None:
        pytest.skip("needs a Chromium on this machine (apt install chromium)")
    configured.symlink_to(real)  # installed while the API runs: seen without a restart
    found = await client.get("/ready")
    assert found.status_code == 200
    assert found.json()["browser"] == {"ok": True, "detail": f"Chromium at {configured}"}
