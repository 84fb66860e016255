"""Lets the `piccolo` command run from the repository root."""

from backend.piccolo_conf import APP_REGISTRY, DB

__all__ = ["APP_REGISTRY", "DB"]
