"""The sandbox marketplace: a small server-rendered shop the Playwright drivers can run against anywhere.

Independent of the rest of the backend (no Piccolo, no Redis, nothing of the
API). This module wires the app: the page groups (`listing_pages`,
`auth_pages`, `social_pages`, `post_pages`, `board_pages`), the control API
(`control_api`), templates and error pages. The HTML is a contract with the sandbox driver: ids, classes and
routes are what it selects on, so change them only together with the driver.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from litestar import Litestar, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from backend.sandbox import auth_pages, board_pages, control_api, listing_pages, post_pages, social_pages
from backend.sandbox.flavours import MARKET, Flavour
from backend.sandbox.listing_pages import MAX_PHOTO_BYTES, MAX_PHOTOS
from backend.sandbox.pages import Faults, RedirectTo, current_user, faults_of, redirect, render
from backend.sandbox.post_pages import MAX_VIDEO_BYTES
from backend.sandbox.seed import seed, seed_photos
from backend.sandbox.store import Store

TEMPLATES = Path(__file__).parent / "templates"


@get("/healthz", media_type=MediaType.TEXT)
async def healthz() -> str:
    return "ok"


# --- errors and the app ------------------------------------------------------


def _on_redirect(request: Request[Any, Any, Any], exc: RedirectTo) -> Response[Any]:
    return redirect(exc.url)


def _error_page(request: Request[Any, Any, Any], status_code: int, message: str) -> Response[Any]:
    if request.url.path.startswith("/__control/"):
        return Response({"detail": message}, status_code=status_code)
    try:
        viewer = current_user(request, allow_challenge=True)
    except Exception:
        viewer = None
    return render(request, viewer, "error.html", status_code=status_code, code=status_code, message=message)


def _on_not_found(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    detail = exc.detail if exc.detail and exc.detail != "Not Found" else "This page does not exist."
    return _error_page(request, 404, detail)


def _on_forbidden(request: Request[Any, Any, Any], exc: PermissionDeniedException) -> Response[Any]:
    return _error_page(request, 403, exc.detail or "You can't do that.")


async def _armed_failure(request: Request[Any, Any, Any]) -> Response[str] | None:
    """A 500 for a request the control API armed to fail (`fail_path`), before any page runs."""
    if request.url.path.startswith("/__control/") or not faults_of(request).take_failure(
        request.url.path, request.url.query
    ):
        return None
    return Response("Internal server error (armed by the control API)", status_code=500, media_type=MediaType.TEXT)


def _time_filter(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%d %b %Y, %H:%M UTC")
    except ValueError:
        return value


def _configure_templates(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["when"] = _time_filter


def create_sandbox_app(
    db_path: Path, *, flavour: Flavour = MARKET, reset: bool = False, debug: bool = False
) -> Litestar:
    """The sandbox marketplace `flavour` (A: Sandbox Market, B: Sandbox Bazaar) on the SQLite file at `db_path`;
    seeded when empty (or when `reset`)."""
    store = Store(db_path)
    seed_photos(flavour)  # made once here, so a reset through the control API stays fast
    if reset or store.is_empty():
        seed(store, flavour)

    def close_store() -> None:
        store.close()

    return Litestar(
        route_handlers=[
            healthz,
            *listing_pages.ROUTES,
            *auth_pages.ROUTES,
            *social_pages.ROUTES,
            *post_pages.ROUTES,
            *board_pages.ROUTES,
            *control_api.ROUTES,
        ],
        template_config=TemplateConfig(
            directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_configure_templates
        ),
        exception_handlers={
            RedirectTo: _on_redirect,
            NotFoundException: _on_not_found,
            PermissionDeniedException: _on_forbidden,
        },
        state=State({"store": store, "faults": Faults(), "flavour": flavour}),
        before_request=_armed_failure,
        on_shutdown=[close_store],
        request_max_body_size=max(MAX_PHOTOS * MAX_PHOTO_BYTES, MAX_VIDEO_BYTES) + 1_000_000,
        openapi_config=None,
        debug=debug,
    )
