"""The ASGI application: plugins, middleware and routers. Wiring only."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig

from backend import apidocs, db
from backend.admin.routes import AdminController
from backend.analytics.routes import ANALYTICS_CONTROLLERS
from backend.audit.routes import AuditController
from backend.auth.routes import AuthController, StreamTokenController, WorkspaceController
from backend.auth.security import build_jwt_auth, limit_general_requests, provide_stream_principal
from backend.automation.inbox.routes import InboxController
from backend.automation.rules.routes import RuleController, RunController
from backend.automation.templates.routes import LedgerController, TemplateController
from backend.billing.routes import BillingController
from backend.campaigns.content.routes import CONTENT_CONTROLLERS
from backend.campaigns.posting.routes import POSTING_CONTROLLERS
from backend.campaigns.routes import CAMPAIGN_CONTROLLERS
from backend.collect.crawl.routes import CrawlController
from backend.collect.review.routes import ReviewController
from backend.collect.routes import COLLECT_CONTROLLERS
from backend.core.errors import EXCEPTION_HANDLERS
from backend.core.metrics import forget_this_process
from backend.core.redis import create_redis, provide_redis
from backend.core.request import AppRequest
from backend.jobs.routes import EventController, JobController
from backend.listings.delist_routes import ConflictController, DelistController
from backend.listings.inventory_routes import InventoryController
from backend.listings.routes import ListingController
from backend.media.routes import MediaController
from backend.observability.logging import configure_logging, request_log_middleware
from backend.observability.metrics import MetricsController, build_prometheus_config
from backend.observability.routes import health, ready
from backend.observability.sentry import configure_sentry
from backend.platforms.accounts.routes import AccountController
from backend.platforms.profiles.routes import ProfileController
from backend.platforms.proxies.routes import ProxyController
from backend.settings import Settings, get_settings
from backend.spa import serve_spa


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    await db.start()
    app.state.redis = create_redis(max_idle=get_settings().redis.api_idle_connections)
    # Everything made at start-up (modules, routes, schemas: ~190k objects) lives
    # as long as the process. Frozen, it is left out of every collection, so a
    # full collection no longer walks it (it cost 105-135 ms, most of the p99).
    gc.collect()
    gc.freeze()
    # What is left is per-request garbage, mostly freed by reference counting: with
    # Python's 700-allocation trigger a collection ran every few requests and the
    # older generations' passes landed in the tail latency (see bench/README.md).
    thresholds, previous = get_settings().server.gc_thresholds, gc.get_threshold()
    if thresholds is not None:
        gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        await app.state.redis.aclose()
        await db.stop()
        forget_this_process()


def _cors(settings: Settings) -> CORSConfig | None:
    if not settings.server.allowed_origins:
        return None
    return CORSConfig(
        allow_origins=list(settings.server.allowed_origins),
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Last-Event-ID",
            "X-Request-ID",
        ],
        expose_headers=["Retry-After", "X-Request-ID"],
        allow_credentials=True,
    )


def create_app() -> Litestar:
    settings = get_settings()
    configure_logging(settings.observability)
    configure_sentry(settings)
    prometheus = build_prometheus_config()
    api_v1 = Router(
        path="/api/v1",
        route_handlers=[
            AuthController,
            WorkspaceController,
            JobController,
            EventController,
            StreamTokenController,
            BillingController,
            MediaController,
            ListingController,
            InventoryController,
            DelistController,
            ConflictController,
            AccountController,
            ProxyController,
            ProfileController,
            AdminController,
            AuditController,
            RuleController,
            RunController,
            TemplateController,
            LedgerController,
            InboxController,
            *CAMPAIGN_CONTROLLERS,
            *CONTENT_CONTROLLERS,
            *POSTING_CONTROLLERS,
            *COLLECT_CONTROLLERS,
            CrawlController,
            ReviewController,
            *ANALYTICS_CONTROLLERS,
        ],
        before_request=limit_general_requests,
    )
    return Litestar(
        route_handlers=[api_v1, health, ready, MetricsController, *apidocs.asset_routers(), serve_spa],
        dependencies={
            "redis": Provide(provide_redis, sync_to_thread=False),
            "stream_principal": Provide(provide_stream_principal),
        },
        on_app_init=[build_jwt_auth(settings).on_app_init],
        lifespan=[lifespan],
        middleware=[request_log_middleware, prometheus.middleware],
        exception_handlers=EXCEPTION_HANDLERS,
        request_class=AppRequest,
        cors_config=_cors(settings),
        openapi_config=OpenAPIConfig(
            title="Sellpilot API",
            version=settings.version,
            description="Automation for people who sell and promote on marketplaces and social platforms.",
            path="/schema",
            render_plugins=apidocs.render_plugins(),
        ),
        logging_config=None,  # configure_logging owns logging
        debug=False,
    )


app = create_app()
