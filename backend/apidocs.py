"""The API reference pages (Swagger UI at /schema/swagger, ReDoc at /schema/redoc), self-contained.

Litestar's render plugins load their scripts, styles, fonts and favicon from CDNs, so
without internet the pages were blank. The `openapi-ui-bundles` package ships
Swagger UI's and ReDoc's files; they are served under /schema/static/ and the
plugins point there. (Scalar, at /schema/scalar, has no such package and still needs
its CDN.)
"""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import (
    OpenAPIRenderPlugin,
    RedocRenderPlugin,
    ScalarRenderPlugin,
    SwaggerRenderPlugin,
)
from litestar.static_files import create_static_files_router
from openapi_ui_bundles import redoc, swagger_ui

STATIC = "/schema/static"
SWAGGER_ASSETS = f"{STATIC}/swagger"
REDOC_ASSETS = f"{STATIC}/redoc"
_FAVICON = f"<link rel='icon' type='image/png' href='{SWAGGER_ASSETS}/favicon-32x32.png'>"
# The files change only with the package's version; a day in a browser's cache is plenty.
_CACHE = CacheControlHeader(public=True, max_age=86_400)


def render_plugins() -> list[OpenAPIRenderPlugin]:
    return [
        SwaggerRenderPlugin(
            js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
            css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
            standalone_preset_js_url=f"{SWAGGER_ASSETS}/swagger-ui-standalone-preset.js",
            favicon=_FAVICON,
        ),
        RedocRenderPlugin(js_url=f"{REDOC_ASSETS}/redoc.standalone.js", google_fonts=False, favicon=_FAVICON),
        ScalarRenderPlugin(),
    ]


def asset_routers() -> list[Router]:
    return [
        create_static_files_router(
            path=SWAGGER_ASSETS, directories=[swagger_ui.static_path], name="swagger-assets", cache_control=_CACHE
        ),
        create_static_files_router(
            path=REDOC_ASSETS, directories=[redoc.static_path], name="redoc-assets", cache_control=_CACHE
        ),
    ]
