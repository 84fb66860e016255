"""The built web app at `/`: files with their media type, client routes falling back to index.html."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx


def _build(root: Path) -> Path:
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "index-abc123.js").write_text("console.log('app')")
    (dist / "assets" / "index-abc123.css").write_text("body{}")
    return dist


async def test_assets_have_their_media_type_and_long_cache(
    client: httpx.AsyncClient, override_env: Any, tmp_path: Path
) -> None:
    override_env(SPA_DIR=str(_build(tmp_path)))
    script = await client.get("/assets/index-abc123.js")
    assert script.status_code == 200
    # A module script served as application/octet-stream is refused by browsers.
    assert script.headers["content-type"].startswith("text/javascript")
    assert "immutable" in script.headers["cache-control"]
    style = await client.get("/assets/index-abc123.css")
    assert style.headers["content-type"].startswith("text/css")


async def test_client_routes_fall_back_to_index(client: httpx.AsyncClient, override_env: Any, tmp_path: Path) -> None:
    override_env(SPA_DIR=str(_build(tmp_path)))
    page = await client.get("/drafts/123")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    assert "id=root" in page.text
    outside = await client.get("/../pyproject.toml")
    assert "id=root" in outside.text or outside.status_code == 404


async def test_unknown_api_paths_stay_json_404(client: httpx.AsyncClient, override_env: Any, tmp_path: Path) -> None:
    override_env(SPA_DIR=str(_build(tmp_path)))
    response = await client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404
