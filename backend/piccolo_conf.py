"""Piccolo's configuration module (found through PICCOLO_CONF=backend.piccolo_conf)."""

from piccolo.conf.apps import AppRegistry

from backend.db import DB

__all__ = ["APP_REGISTRY", "DB"]

APP_REGISTRY = AppRegistry(
    apps=[
        "backend.auth.piccolo_app",
        "backend.jobs.piccolo_app",
        "backend.billing.piccolo_app",
        "backend.media.piccolo_app",
        "backend.listings.piccolo_app",
        "backend.platforms.piccolo_app",
        "backend.automation.piccolo_app",
        "backend.campaigns.piccolo_app",
        "backend.collect.piccolo_app",
        "backend.analytics.piccolo_app",
        "backend.audit.piccolo_app",
    ]
)
