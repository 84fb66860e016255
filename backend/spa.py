"""Serves the built single-page app at `/`, with client-side routes falling back to index.html."""

from __future__ import annotations

import mimetypes
from typing import Any

from litestar import Request, Response, route
from litestar.exceptions import MethodNotAllowedException, NotFoundException
from litestar.response import File

from backend.settings import PROJECT_ROOT, get_settings

PLACEHOLDER = PROJECT_ROOT / "frontend" / "placeholder.html"
API_PREFIX = "api/"


@route(
    ["/", "/{path:path}"],
    http_method=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    exclude_from_auth=True,
    include_in_schema=False,
    status_code=200,
)
async def serve_spa(request: Request[Any, Any, Any]) -> Response[bytes] | File:
    relative = str(request.path_params.get("path") or "/").lstrip("/")
    # Unknown API paths are a JSON 404 for every method, never the app's page.
    if relative == "api" or relative.startswith(API_PREFIX):
        raise NotFoundException(f"No route for /{relative}")
    if request.method not in {"GET", "HEAD"}:
        raise MethodNotAllowedException()
    dist = get_settings().server.spa_dir
    index = dist / "index.html"
    if not index.is_file():
        return File(PLACEHOLDER, content_disposition_type="inline", media_type="text/html")
    candidate = (dist / relative).resolve()
    if relative and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
        # Browsers refuse module scripts served as application/octet-stream: name the type.
        media_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        # Vite's hashed assets never change; everything else is checked each time.
        cache = "public, max-age=31536000, immutable" if relative.startswith("assets/") else "no-cache"
        return File(
            candidate,
            filename=candidate.name,
            content_disposition_type="inline",
            media_type=media_type,
            headers={"Cache-Control": cache},
        )
    return File(index, content_disposition_type="inline", media_type="text/html", headers={"Cache-Control": "no-cache"})
