"""The API reference pages work offline: every script, style and icon they load is served by the app."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx
import pytest

_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.mark.parametrize(
    ("page", "needs"),
    [
        ("/schema/swagger", ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css")),
        ("/schema/redoc", ("redoc.standalone.js",)),
    ],
)
async def test_the_docs_pages_load_only_local_assets(
    client: httpx.AsyncClient, page: str, needs: tuple[str, ...]
) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    html = response.text
    references = _REFERENCE.findall(html)
    assert references, html
    outside = [url for url in references if url.startswith(("http:", "https:", "//"))]
    assert outside == [], outside
    assert "fonts.googleapis" not in html
    for name in needs:
        assert any(url.endswith(name) for url in references), (name, references)
    for url in references:
        asset = await client.get(urljoin(f"http://testserver{page}", url))
        assert asset.status_code == 200, url
        assert len(asset.content) > 100, url
        if url.endswith(".js"):
            assert "javascript" in asset.headers["content-type"], (url, asset.headers["content-type"])
            assert b"function" in asset.content[:5000], url
        elif url.endswith(".css"):
            assert asset.headers["content-type"].startswith("text/css"), url
